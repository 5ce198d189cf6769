"""Each event-stream scenario passes on the reference stack and fails under a defect it exists to catch."""
from __future__ import annotations

import pytest

from tests.support.behave_runs import run_behave

EVENTS = "features/events"
# Outline rows count one each.
SCENARIOS = 67

REFUSED = "A subscriber presenting {} is refused at the handshake"
LET_IN = "A subscriber presenting {} is let in"
NO_SUBPROTOCOL = "A subscriber presenting its token in the {} and offering {} is let in with no subprotocol selected"
TOKEN_SELECTED = "A subscriber presenting its token in the {} and offering that same token as its subprotocol gets it selected"
BAD_SUBSCRIPTION = "A subscription {} is refused"
HEARTBEAT = "The Gateway takes {} as a heartbeat"
BAD_REFRESH = "A refresh with {} closes the stream as a policy violation"
QUEUES_MATCHING = "A subscriber asking for queues matching {} of its tags receives them as a snapshot on connect"
QUEUES_FOR_TOPIC = "A subscriber asking for tagged queues receives them as a snapshot on connect (topic {})"
ROTATION = "Every key the Gateway has signed with stays valid after a key rotation"
TWO_SUBSCRIBERS = "Two subscribers of one world both receive every activation change, in order"
LIVE = "An activation change reaches the subscriber within 2 seconds"
ISOLATION = "Each world's subscriber sees its own activation changes and never the other world's"
ACCEPTED = "the Gateway accepted it"
LET_IN_REFUSED = "expected the Gateway to accept the handshake"

# fault → (scenarios it must make fail, a fragment every failure message carries)
CAUGHT: dict[str, tuple[list[str], str]] = {
    "anonymous_event_stream": ([REFUSED.format("no token"), "The fallback stream refuses a subscriber without a token"], ACCEPTED),
    "skip_token_signature_check": (
        [REFUSED.format("a token whose signature was tampered with"),
         REFUSED.format("a token whose claims were altered after signing"),
         REFUSED.format("an unsigned token"),
         REFUSED.format("a token signed by a key the Gateway does not publish")],
        ACCEPTED,
    ),
    "skip_token_expiry_check": ([REFUSED.format("a token that has expired"), REFUSED.format("a token that expired 2 seconds ago")],
                                ACCEPTED),
    "token_expiry_leeway": ([REFUSED.format("a token that expired 2 seconds ago")], ACCEPTED),
    "token_exp_optional": ([REFUSED.format("a token without an expiry")], ACCEPTED),
    "skip_audience_check": (
        [REFUSED.format("a token issued for another audience"), REFUSED.format("a token whose audience list leaves out the controlbus")],
        ACCEPTED,
    ),
    "unknown_kid_unverified": ([REFUSED.format("a token naming a key id the Gateway never published")], ACCEPTED),
    "token_from_subprotocol": ([REFUSED.format("a genuine token offered only as a WebSocket subprotocol")], ACCEPTED),
    "query_token_checked_first": (
        [REFUSED.format("a tampered token in the header and the genuine one in the query"),
         LET_IN.format("the genuine token in the header and a tampered one in the query")],
        "accept",
    ),
    "header_token_ignored": ([LET_IN.format("the genuine token in the header")], "refused"),
    "query_token_ignored": ([LET_IN.format("the genuine token in the query")], LET_IN_REFUSED),
    "token_expiry_early": ([LET_IN.format("a token that expires in 3 seconds")], LET_IN_REFUSED),
    "audience_must_be_string": ([LET_IN.format("a token whose audience is a list holding the controlbus")], LET_IN_REFUSED),
    "jwks_leaks_private_key": (["The Gateway publishes only public keys for verifying event tokens"], "carries d"),
    "jwks_only_active_key": ([ROTATION], "every signing key the Gateway holds"),
    "old_kids_refused": ([ROTATION], "tokens signed with each published key"),
    "reused_token_id": (["A token carries the claims of its subscription"], "two tokens share the token id"),
    "wrong_world_claim": (["Tokens for two worlds each name their own world"], "claim world_id"),
    "schema_lacks_sentinel_weight": (["The Gateway publishes a schema for each kind of event"], "no schema for 'sentinel_weight'"),
    "subscribe_accepts_missing_ids": (
        [BAD_SUBSCRIPTION.format(bad) for bad in ("without a world id", "without a strategy id", "without a world id or a strategy id",
                                                  "with a number as its world id", "with null as its strategy id")],
        "expected HTTP 422, the Gateway answered HTTP 200",
    ),
    "refresh_drops_subscription": (["After each of two refreshes the stream still carries its world's live events"], "activation change"),
    "unknown_topic_refused": (
        ["Topics the Gateway does not know are echoed back and ignored",
         "A topic the Gateway does not know is echoed back whole, its name 64 characters long"],
        "expected HTTP 200; observed HTTP 422",
    ),
    "skip_activation_snapshot": (
        ["A subscriber receives its strategy's activation as a snapshot on connect",
         "Topics the Gateway does not know are echoed back and ignored",
         "Each world's subscriber receives its own world's snapshot and never the other world's"],
        "activation snapshot",
    ),
    "skip_queue_snapshot": (
        [QUEUES_MATCHING.format("any"), QUEUES_FOR_TOPIC.format("queue"), QUEUES_FOR_TOPIC.format("queues")],
        "queue_update snapshot",
    ),
    "queues_alias_ignored": ([QUEUES_FOR_TOPIC.format("queues")], "queue_update snapshot"),
    "queue_match_mode_ignored": ([QUEUES_MATCHING.format("all")], "match_mode 'all'"),
    "queue_snapshot_ignores_topics": (
        ["A subscriber whose token is only for activation events receives no queue snapshot"],
        "receives no queue snapshot, but within",
    ),
    "frames_without_specversion": (
        ["Every frame the Gateway sends matches the schema it publishes", LIVE,
         "Frames carrying the smallest values allowed still match the schema the Gateway publishes",
         "A subscriber receives its strategy's activation as a snapshot on connect"],
        "not a CloudEvents 1.0 event",
    ),
    "skip_activation_publish": ([LIVE, ISOLATION, TWO_SUBSCRIBERS], "receives"),
    "live_event_to_one_socket": ([TWO_SUBSCRIBERS], "subscriber receives act:"),
    "unsubscribe_drops_world": (["A subscriber that leaves does not take the world's other subscribers with it"],
                                "the second subscriber receives"),
    "events_to_every_world": ([ISOLATION], "receives no event of world alpha, but within"),
    "events_ignore_topics": (["Only subscribers that asked for activation events receive activation changes"],
                             "receives no activation event, but within"),
    "ack_without_last_id": (["The Gateway echoes an acknowledgement"], "an ack echoing last_id"),
    "heartbeat_closes_stream": (
        [HEARTBEAT.format(sent) for sent in ("a frame of a type the Gateway does not know", "text that is not JSON", "a JSON list")],
        "the stream stays open, but within",
    ),
    "refresh_never_acked": (["A refresh with a new valid token is acknowledged and the stream stays open"], "a refresh_ack"),
    "refresh_skips_verification": (
        [BAD_REFRESH.format(token) for token in ("a token whose signature was tampered with", "a token that has expired",
                                                 "a token issued for another audience")],
        # An expired refresh token ends the stream anyway (its expiry passed); what shows it was taken is the ack.
        "still open|no refresh acknowledgement",
    ),
    "refresh_ignores_malformed": ([BAD_REFRESH.format(token) for token in ("text that is not a token", "no token at all")], "still open"),
    "refresh_switches_world": (
        ["A refresh with another world's token does not move the stream to that world",
         BAD_REFRESH.format("the token of another strategy in the same world")],
        "still open",
    ),
    "refresh_keeps_old_expiry": (["A refreshed stream outlives its first token"], "after its first token expired, but within"),
    "expired_sockets_stay_open": (["A stream is closed when its token expires"], "after its token expired"),
    "sockets_close_early": (["A stream is closed when its token expires"], "while its token is valid, but within"),
    "subprotocol_echoes_any_offer": (
        [NO_SUBPROTOCOL.format(via, offer) for via, offer in (
            ("header", 'the subprotocol "chat"'), ("query", 'the subprotocol "chat"'),
            ("header", 'the subprotocols "chat" and "v2"'), ("header", "a tampered copy of its token"),
            ("query", "a tampered copy of its token"))],
        "expected no subprotocol",
    ),
    "token_subprotocol_not_echoed": ([TOKEN_SELECTED.format(via) for via in ("header", "query")],
                                     "expected the genuine token"),
}


def _failed_as_expected(run, scenarios: list[str], fragment: str) -> None:
    for scenario in scenarios:
        matches = {name: status for name, status in run.scenarios.items() if name.startswith(scenario)}
        assert matches, f"scenario {scenario!r} did not run\n{run.explain()}"
        assert set(matches.values()) == {"failed"}, f"scenario {scenario!r} did not fail: {matches}\n{run.explain()}"
        for name in matches:
            message = run.failures.get(name, "")
            assert any(f in message for f in fragment.split("|")), f"{name!r} failed without saying {fragment!r}:\n{message[-1500:]}"


def test_every_event_scenario_passes_on_the_reference_stack(behave_run):
    run = behave_run(EVENTS)
    assert run.returncode == 0, run.explain()
    assert run.statuses("failed") == [] and len(run.statuses("passed")) == SCENARIOS, run.explain()


def test_every_event_scenario_has_a_fault_it_catches():
    # A scenario without a fault here would have nothing proving it can fail.
    run = run_behave(EVENTS, extra_args=["--dry-run"])
    caught = {s for scenarios, _ in CAUGHT.values() for s in scenarios}
    uncaught = [name for name in run.scenarios if not any(name.startswith(s) for s in caught)]
    assert len(run.scenarios) == SCENARIOS, run.explain()
    assert not uncaught, f"scenarios no fault test proves: {uncaught}"


@pytest.mark.parametrize("fault", sorted(CAUGHT))
def test_fault_makes_its_scenarios_fail(fault, behave_run):
    scenarios, fragment = CAUGHT[fault]
    run = behave_run(EVENTS, faults=[fault], failing=scenarios, prefix=True, others=False)
    assert run.returncode != 0, run.explain()
    _failed_as_expected(run, scenarios, fragment)
