"""Each event-stream scenario passes on the reference stack and fails under a defect it exists to catch."""
from __future__ import annotations

import pytest

from tests.support.behave_runs import run_behave

EVENTS = "features/events"
# Outline rows count one each.
SCENARIOS = 25

REFUSED = "A subscriber presenting {} is refused at the handshake"

# fault → (scenarios it must make fail, a fragment every failure message carries)
CAUGHT: dict[str, tuple[list[str], str]] = {
    "anonymous_event_stream": (
        [REFUSED.format("no token"), "The fallback stream refuses a subscriber without a token"],
        "the Gateway accepted it",
    ),
    "skip_token_signature_check": (
        [REFUSED.format("a token whose signature was tampered with"),
         REFUSED.format("a token signed by a key the Gateway does not publish")],
        "the Gateway accepted it",
    ),
    "skip_token_expiry_check": ([REFUSED.format("a token that has expired")], "the Gateway accepted it"),
    "skip_audience_check": ([REFUSED.format("a token issued for another audience")], "the Gateway accepted it"),
    "unknown_kid_unverified": ([REFUSED.format("a token naming a key id the Gateway never published")], "the Gateway accepted it"),
    "token_from_subprotocol": ([REFUSED.format("a genuine token offered only as a WebSocket subprotocol")], "the Gateway accepted it"),
    "jwks_leaks_private_key": (["The Gateway publishes only public keys for verifying event tokens"], "carries d"),
    "reused_token_id": (["A token carries the claims of its subscription"], "two tokens share the token id"),
    "subscribe_accepts_missing_ids": (
        ["A subscription without a world id is refused", "A subscription without a strategy id is refused"],
        "expected HTTP 422, the Gateway answered HTTP 200",
    ),
    "unknown_topic_refused": (["Topics the Gateway does not know are echoed back and ignored"], "was refused"),
    "skip_activation_snapshot": (
        ["A subscriber receives its strategy's activation as a snapshot on connect",
         "Topics the Gateway does not know are echoed back and ignored"],
        "activation snapshot",
    ),
    "skip_queue_snapshot": (["A subscriber asking for tagged queues receives them as a snapshot on connect"], "queue_update snapshot"),
    "queue_snapshot_ignores_topics": (
        ["A subscriber whose token is only for activation events receives no queue snapshot"],
        "receives no queue snapshot, but within",
    ),
    "frames_without_specversion": (
        ["Every frame the Gateway sends matches the schema it publishes", "An activation change reaches the subscriber within 2 seconds"],
        "not a CloudEvents 1.0 event",
    ),
    "skip_activation_publish": (
        ["An activation change reaches the subscriber within 2 seconds",
         "Each world's subscriber sees its own activation changes and never the other world's"],
        "receives activation change",
    ),
    "events_to_every_world": (
        ["Each world's subscriber sees its own activation changes and never the other world's"],
        "receives no event of world alpha, but within",
    ),
    "events_ignore_topics": (
        ["Only subscribers that asked for activation events receive activation changes"],
        "receives no activation event, but within",
    ),
    "ack_without_last_id": (["The Gateway echoes an acknowledgement"], "an ack echoing last_id"),
    "refresh_never_acked": (["A refresh with a new valid token is acknowledged and the stream stays open"], "a refresh_ack"),
    "refresh_skips_verification": (["A refresh with a tampered token closes the stream as a policy violation"], "still open"),
    "refresh_switches_world": (["A refresh with another world's token does not move the stream to that world"], "still open"),
    "expired_sockets_stay_open": (["A stream is closed when its token expires"], "after its token expired"),
}


def _failed_as_expected(run, scenarios: list[str], fragment: str) -> None:
    for scenario in scenarios:
        matches = {name: status for name, status in run.scenarios.items() if name.startswith(scenario)}
        assert matches, f"scenario {scenario!r} did not run\n{run.explain()}"
        assert set(matches.values()) == {"failed"}, f"scenario {scenario!r} did not fail: {matches}\n{run.explain()}"
        for name in matches:
            message = run.failures.get(name, "")
            assert fragment in message, f"{name!r} failed without saying {fragment!r}:\n{message[-1500:]}"


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
    run = behave_run(EVENTS, faults=[fault], names=[f"^{s}" for s in scenarios])
    assert run.returncode != 0, run.explain()
    _failed_as_expected(run, scenarios, fragment)
