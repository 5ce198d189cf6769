"""Event stream: tokens, the handshake, snapshots, live events, world isolation, stream control.

Every scenario has one strategy (the same id in every world it names) and
creates its worlds through the Gateway. The subscriber a step speaks of is
the last stream opened, or the one of the world it names.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from behave import given, then, when

from qmtl_acceptance.clients import token_craft
from qmtl_acceptance.clients.events import EventStream, Frame, HandshakeRefused, stream_url
from qmtl_acceptance.clients.dagmanager import DagManagerClient
from qmtl_acceptance.clients.gateway import Answer
from qmtl_acceptance.clients.tokens import claim_mismatches, verify
from qmtl_acceptance.dag import DagBuilder
from qmtl_acceptance.event_schema import frame_problem
from qmtl_acceptance.eventually import eventually, never
from qmtl_acceptance.redaction import fingerprint

PRIVATE_JWK_FIELDS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
# Returned instead of a token when the scenario had to be skipped.
SKIPPED = object()


@dataclass
class Holder:
    """One subscription: who asked, what the Gateway answered, the token it gave."""

    world_role: str
    world_id: str
    strategy_id: str
    topics: list[str]
    answer: Answer

    @property
    def token(self) -> str:
        body = self.answer.body if isinstance(self.answer.body, dict) else {}
        token = body.get("token")
        assert isinstance(token, str) and token.count(".") == 2, f"no compact JWT in the subscription answer: {self.answer.describe()}"
        return token


@dataclass
class Attempt:
    """The outcome of one handshake: a refusal or an open stream, and how long it took."""

    took: float
    refused: HandshakeRefused | None = None
    stream: EventStream | None = None


@dataclass
class EventScene:
    worlds: dict[str, str] = field(default_factory=dict)
    holders: dict[str, list[Holder]] = field(default_factory=dict)
    streams: dict[str, EventStream] = field(default_factory=dict)
    current: EventStream | None = None
    attempt: Attempt | None = None
    answer: Answer | None = None
    jwks: dict | None = None
    changes: dict[str, tuple[dict, float]] = field(default_factory=dict)
    queue_request: tuple[list[str], int] | None = None
    tags: dict[str, str] = field(default_factory=dict)
    ack_id: str = ""
    expiring: tuple[EventStream, float] | None = None


def scene(context) -> EventScene:
    if not hasattr(context, "event_scene"):
        context.event_scene = EventScene()
    return context.event_scene


def _strategy(context) -> str:
    return context.ids("strategy")


def _world(context, role: str) -> str:
    worlds = scene(context).worlds
    if role not in worlds:
        world_id = context.ids(f"world {role}")
        answer = context.gateway.create_world(world_id, f"acceptance world {role}")
        assert answer.status == 200, f"creating world {role} ({world_id}) through the Gateway: {answer.describe()}"
        worlds[role] = world_id
    return worlds[role]


def _subscribe(context, role: str, topics: list[str]) -> Holder:
    world_id = _world(context, role)
    answer = context.gateway.subscribe(world_id, _strategy(context), topics)
    context.observations[f"subscription in world {role} for {topics}"] = answer.describe()
    assert answer.status == 200, f"subscribing in world {role} for {topics} was refused: {answer.describe()}"
    holder = Holder(role, world_id, _strategy(context), topics, answer)
    scene(context).holders.setdefault(role, []).append(holder)
    return holder


def _holder(context, role: str | None = None) -> Holder:
    holders = scene(context).holders
    assert holders, "no strategy holds an event token yet in this scenario"
    if role is None:
        role = list(holders)[-1]
    assert role in holders, f"no strategy in world {role!r} holds an event token"
    return holders[role][-1]


def _jwks(context) -> dict:
    answer = context.gateway.jwks()
    assert answer.status == 200 and isinstance(answer.body, dict), f"the JWKS could not be read: {answer.describe()}"
    return answer.body


def _open(context, token: str | None, *, via: str = "header", url: str | None = None, query: dict | None = None,
          timeout_seconds: float = 10) -> Attempt:
    target = stream_url(url or _holder(context).answer.body["stream_url"], query)
    started = time.monotonic()
    try:
        stream = EventStream.open(target, token, via=via, timeout=context.suite.seconds(timeout_seconds))
    except HandshakeRefused as refused:
        return Attempt(time.monotonic() - started, refused=refused)
    context.add_cleanup(stream.close)
    return Attempt(time.monotonic() - started, stream=stream)


def _open_stream(context, token: str, *, role: str | None = None, query: dict | None = None) -> EventStream:
    attempt = _open(context, token, query=query)
    assert attempt.stream is not None, f"the Gateway refused a genuine token ({fingerprint(token)}): {attempt.refused}"
    events = scene(context)
    events.current = attempt.stream
    events.streams[role or _holder(context).world_role] = attempt.stream
    return attempt.stream


def _stream(context, role: str | None = None) -> EventStream:
    events = scene(context)
    stream = events.current if role is None else events.streams.get(role)
    assert stream is not None, f"no subscriber has the event stream open{'' if role is None else ' for world ' + role}"
    return stream


def _frames_text(stream: EventStream) -> str:
    lines = []
    for frame in stream.frames():
        data = frame.payload.get("data") if isinstance(frame.payload, dict) else None
        brief = {k: data.get(k) for k in ("world_id", "strategy_id", "side", "active", "weight", "etag", "tags", "interval")
                 if isinstance(data, dict) and k in data}
        lines.append(f"{frame.type}: {brief}" if brief else f"{frame.type or '?'}: {str(frame.payload)[:200]}")
    return "; ".join(lines) or "no frames"


def _observe(context, name: str, stream: EventStream) -> None:
    context.observations[name] = f"{stream.describe()}; {_frames_text(stream)}"


# -- tokens the Gateway must refuse ------------------------------------------

def _trusted_signer(context, genuine: str) -> token_craft.Signer | None:
    kid = token_craft.header_of(genuine).get("kid")
    signer = token_craft.trusted_signer(_jwks(context), context.stack_provider.token_signing_keys(), kid)
    if signer is None:
        context.scenario.skip(f"the {context.suite.target} target gives the suite no key the Gateway trusts, "
                              "so it cannot present a correctly signed token that is wrong in one other way")
        return None
    # The crafted token must differ from a genuine one only in the way under
    # test: prove the Gateway takes this signer's otherwise-unchanged token.
    control = _open(context, signer.sign(token_craft.claims_like(genuine)))
    assert control.stream is not None, (
        f"a token re-signed with the suite's copy of key {kid!r} was refused ({control.refused}), "
        "so a refusal of the crafted token would prove nothing"
    )
    control.stream.close()
    return signer


def _crafted(context, presented: str, genuine: str) -> tuple[str | None, str]:
    """The token (or None) and the way it is offered, for the wording in the feature."""
    algorithm = token_craft.header_of(genuine).get("alg", "ES256")
    kid = token_craft.header_of(genuine).get("kid")
    if presented == "no token":
        return None, "header"
    if presented == "a token whose signature was tampered with":
        return token_craft.with_flipped_signature(genuine), "header"
    if presented == "a token that has expired":
        signer = _trusted_signer(context, genuine)
        return (signer.sign(token_craft.expired_claims(genuine)) if signer else SKIPPED), "header"
    if presented == "a token issued for another audience":
        signer = _trusted_signer(context, genuine)
        return (signer.sign(token_craft.claims_like(genuine, aud="not-the-controlbus")) if signer else SKIPPED), "header"
    if presented == "a token naming a key id the Gateway never published":
        unknown = token_craft.unpublished_kid()
        return token_craft.foreign_signer(algorithm, unknown).sign(token_craft.claims_like(genuine)), "header"
    if presented == "a token signed by a key the Gateway does not publish":
        return token_craft.foreign_signer(algorithm, kid).sign(token_craft.claims_like(genuine)), "header"
    if presented == "a genuine token offered only as a WebSocket subprotocol":
        return genuine, "subprotocol"
    raise ValueError(f"the steps know no token described as {presented!r}")


# -- subscriptions and tokens ---------------------------------------------------

@given('a strategy in world "{world}" holds a token for its "{topic}" events')
@given('the strategy in world "{world}" holds a token for its "{topic}" events')
def step_holds_token(context, world, topic):
    _subscribe(context, world, [topic])


@given('the strategy in world "{world}" holds one token for both its "{first}" and "{second}" events')
def step_holds_token_for_two(context, world, first, second):
    _subscribe(context, world, [first, second])


@given("that genuine token opens the event stream")
def step_genuine_token_opens(context):
    attempt = _open(context, _holder(context).token)
    assert attempt.stream is not None, f"the Gateway refused the token it had just issued: {attempt.refused}"
    attempt.stream.close()


@when("a subscriber opens the event stream presenting {presented}")
def step_open_presenting(context, presented):
    token, via = _crafted(context, presented, _holder(context).token)
    if token is SKIPPED:
        return
    attempt = _open(context, token, via=via)
    scene(context).attempt = attempt
    context.observations[f"handshake presenting {presented}"] = (
        f"refused: {attempt.refused}" if attempt.refused else f"accepted: {attempt.stream.describe()}"
    )


@when("a subscriber opens the fallback stream the Gateway named, without a token")
def step_open_fallback(context):
    body = _holder(context).answer.body
    fallback = body.get("fallback_url")
    assert isinstance(fallback, str) and fallback, f"the subscription names no fallback stream: {_holder(context).answer.describe()}"
    scene(context).attempt = _open(context, None, url=fallback)


@then("the Gateway refuses the handshake with HTTP {status:d} within {seconds:g} seconds")
def step_handshake_refused(context, status, seconds):
    attempt = scene(context).attempt
    assert attempt is not None, "no handshake was attempted"
    if attempt.stream is not None:
        stream = attempt.stream
        seen = f"{stream.describe()}; {_frames_text(stream)}"
        stream.close()
        raise AssertionError(f"expected the handshake to be refused with HTTP {status}, but the Gateway accepted it ({seen})")
    refused = attempt.refused
    assert refused.status == status, f"expected the handshake to be refused with HTTP {status}, it ended with: {refused}"
    limit = context.suite.seconds(seconds)
    assert attempt.took <= limit, f"the refusal took {attempt.took:.2f} s, more than {limit:.2f} s"


@when("I read the key set the Gateway publishes for event tokens")
def step_read_jwks(context):
    scene(context).jwks = _jwks(context)
    context.observations["published key set (kids and types)"] = str(
        [(k.get("kid"), k.get("kty"), k.get("alg")) for k in scene(context).jwks.get("keys", []) if isinstance(k, dict)]
    )


def _published(context) -> list[dict]:
    jwks = scene(context).jwks
    assert jwks is not None, "the key set has not been read"
    keys = jwks.get("keys")
    assert isinstance(keys, list), f"the key set has no 'keys' list (it has: {sorted(jwks)})"
    return [k for k in keys if isinstance(k, dict)]


@then("the key set holds at least one key")
def step_jwks_not_empty(context):
    assert _published(context), "the Gateway publishes an empty key set"


@then("no published key is a shared secret")
def step_jwks_no_symmetric(context):
    symmetric = [k.get("kid") for k in _published(context) if k.get("kty") == "oct" or str(k.get("alg", "")).startswith("HS")]
    assert not symmetric, "; ".join(
        f"the JWKS publishes a symmetric key {kid!r}: whoever reads it can mint tokens" for kid in symmetric
    )


@then("no published key carries private key material")
def step_jwks_no_private(context):
    leaks = [f"key {k.get('kid')!r} carries {', '.join(f for f in PRIVATE_JWK_FIELDS if f in k)}"
             for k in _published(context) if any(f in k for f in PRIVATE_JWK_FIELDS)]
    assert not leaks, "the JWKS publishes private key material: " + "; ".join(leaks)


@then("the strategy's token verifies against the published key set")
def step_token_verifies(context):
    verify(_holder(context).token, scene(context).jwks)


@when('the strategy in world "{world}" asks for a second token for its "{first}" and "{second}" events')
def step_second_token(context, world, first, second):
    _subscribe(context, world, [first, second])


def _both(context) -> list[tuple[Holder, dict[str, Any]]]:
    holders = [h for hs in scene(context).holders.values() for h in hs]
    assert len(holders) >= 2, f"expected two tokens, the scenario holds {len(holders)}"
    jwks = _jwks(context)
    return [(h, verify(h.token, jwks)) for h in holders]


@then('both tokens are for the "{audience}" audience with the strategy as their subject')
def step_tokens_audience(context, audience):
    problems = []
    for holder, claims in _both(context):
        if claims.get("aud") != audience:
            problems.append(f"token for {holder.topics}: aud is {claims.get('aud')!r}, expected {audience!r}")
        if claims.get("sub") != holder.strategy_id:
            problems.append(f"token for {holder.topics}: sub is {claims.get('sub')!r}, expected the strategy {holder.strategy_id!r}")
    assert not problems, "; ".join(problems)


@then('both tokens name world "{world}", the strategy, and the topics each asked for')
def step_tokens_name(context, world):
    world_id = _world(context, world)
    problems = []
    for holder, claims in _both(context):
        expected = {"world_id": world_id, "strategy_id": holder.strategy_id, "topics": holder.topics}
        problems += claim_mismatches(claims, expected, f"token for {holder.topics}")
    assert not problems, "; ".join(problems)


@then("the two tokens have different token ids")
def step_tokens_distinct_jti(context):
    ids = [claims.get("jti") for _, claims in _both(context)]
    assert all(isinstance(i, str) and i for i in ids), f"a token has no jti: {ids}"
    assert len(set(ids)) == len(ids), f"two tokens share the token id {ids[0]!r}"


@then("each token expires the configured token lifetime after it was issued")
def step_tokens_ttl(context):
    ttl = context.suite.token_ttl_seconds
    problems = [f"token for {h.topics}: exp - iat is {c.get('exp', 0) - c.get('iat', 0)} s, expected {ttl} s"
                for h, c in _both(context) if c.get("exp", 0) - c.get("iat", 0) != ttl]
    assert not problems, "; ".join(problems)


@then("the expiry the Gateway stated for each token is that token's own expiry")
def step_tokens_expires_at(context):
    problems = []
    for holder, claims in _both(context):
        stated = holder.answer.body.get("expires_at")
        try:
            moment = datetime.fromisoformat(str(stated).replace("Z", "+00:00"))
        except ValueError:
            problems.append(f"token for {holder.topics}: expires_at {stated!r} is not an ISO-8601 time")
            continue
        # exp is whole seconds; an expires_at that also states the sub-second part names the same second.
        if moment.utcoffset() is None or int(moment.timestamp()) != claims.get("exp"):
            problems.append(f"token for {holder.topics}: expires_at is {stated!r} ({int(moment.timestamp())}), "
                            f"the token's exp is {claims.get('exp')}")
    assert not problems, "; ".join(problems)


@when("a strategy asks for an event token without {missing}")
def step_subscribe_without(context, missing):
    world_id = _world(context, "alpha")
    if missing == "a world id":
        answer = context.gateway.subscribe(None, _strategy(context), ["activation"])
    elif missing == "a strategy id":
        answer = context.gateway.subscribe(world_id, None, ["activation"])
    else:
        raise ValueError(f"the steps know no subscription field described as {missing!r}")
    scene(context).answer = answer
    context.observations[f"subscription without {missing}"] = answer.describe()


@then("the Gateway refuses the subscription with HTTP {status:d}")
def step_subscription_refused(context, status):
    answer = scene(context).answer
    assert answer.status == status, f"expected HTTP {status}, the Gateway answered {answer.describe()}"


@when('the strategy in world "{world}" subscribes to its "{first}" and "{second}" events')
def step_subscribe_two(context, world, first, second):
    scene(context).answer = _subscribe(context, world, [first, second]).answer


@then('the Gateway grants the subscription, listing the topics "{first}" and "{second}"')
def step_subscription_topics(context, first, second):
    answer = scene(context).answer
    assert answer.status == 200, f"the subscription was refused: {answer.describe()}"
    listed = answer.body.get("topics")
    assert listed == [first, second], f"expected the topics {[first, second]} echoed back, the Gateway listed {listed!r}"


# -- activation state --------------------------------------------------------

def _put_activation(context, role: str, side: str, state: str, weight: float) -> dict:
    assert state in ("active", "inactive"), f"an activation is 'active' or 'inactive', not {state!r}"
    world_id = _world(context, role)
    body = {"strategy_id": _strategy(context), "side": side, "active": state == "active", "weight": weight}
    sent = time.monotonic()
    answer = context.gateway.request("PUT", f"/worlds/{quote(world_id, safe='')}/activation", json=body)
    context.observations[f"activation {side} in world {role}"] = answer.describe()
    assert answer.status == 200, f"setting the {side}-side activation in world {role} through the Gateway: {answer.describe()}"
    scene(context).changes[role] = (answer.body, sent)
    return answer.body


@given('a strategy in world "{world}" is {state} on the {side} side with weight {weight:g}')
def step_activation_given(context, world, state, side, weight):
    _put_activation(context, world, side, state, weight)


@given("the same strategy is {state} on the {side} side with weight {weight:g}")
def step_same_strategy_weight(context, state, side, weight):
    _put_activation(context, list(scene(context).worlds)[-1], side, state, weight)


@given("the same strategy is {state} on the {side} side")
def step_same_strategy(context, state, side):
    _put_activation(context, list(scene(context).worlds)[-1], side, state, 0.0)


@when('the strategy\'s {side}-side activation in world "{world}" changes to {state} with weight {weight:g}')
def step_activation_changes(context, side, world, state, weight):
    _put_activation(context, world, side, state, weight)


def _snapshot(context, role: str, side: str) -> dict:
    world_id = _world(context, role)
    answer = context.gateway.request(
        "GET", f"/worlds/{quote(world_id, safe='')}/activation", params={"strategy_id": _strategy(context), "side": side}
    )
    assert answer.status == 200, f"WorldService holds no {side}-side activation in world {role}: {answer.describe()}"
    return answer.body


def _activation_frames(stream: EventStream, world_id: str | None = None) -> list[Frame]:
    def wanted(frame: Frame) -> bool:
        data = frame.payload.get("data") if isinstance(frame.payload, dict) else None
        return frame.type == "activation_updated" and isinstance(data, dict) and (world_id is None or data.get("world_id") == world_id)

    return stream.frames(wanted)


def _carries(frame: Frame, record: dict) -> bool:
    data = frame.payload["data"]
    return all(data.get(k) == record.get(k) for k in ("world_id", "strategy_id", "side", "active", "weight", "etag"))


def _await_activation(context, stream: EventStream, record: dict, seconds: float, what: str) -> Frame:
    def arrived() -> Frame:
        for frame in _activation_frames(stream):
            if _carries(frame, record):
                return frame
        raise AssertionError(f"{stream.describe()}; {_frames_text(stream)}")

    return eventually(arrived, within=context.suite.seconds(seconds), what=what)


# -- streams -----------------------------------------------------------------

@when("a subscriber opens the event stream with the strategy's token")
@given("a subscriber has the event stream open with the strategy's token")
def step_open_with_token(context):
    _open_stream(context, _holder(context).token)


@then("within {seconds:g} seconds the subscriber receives the {side}-side activation snapshot, as WorldService holds it")
def step_one_snapshot(context, seconds, side):
    role = _holder(context).world_role
    record = _snapshot(context, role, side)
    _await_activation(context, _stream(context), record, seconds,
                      f"the {side}-side activation snapshot of world {role} (etag {record.get('etag')})")


@then("within {seconds:g} seconds the subscriber receives one activation snapshot per side, as WorldService holds them")
def step_both_snapshots(context, seconds):
    role = _holder(context).world_role
    stream = _stream(context)
    for side in ("long", "short"):
        record = _snapshot(context, role, side)
        _await_activation(context, stream, record, seconds, f"the {side}-side activation snapshot of world {role} (etag {record.get('etag')})")
    sides = [f.payload["data"].get("side") for f in _activation_frames(stream)]
    assert sorted(sides) == ["long", "short"], f"expected exactly one snapshot per side, got sides {sides}"
    _observe(context, "stream after connect", stream)


@given('the DAG Manager has diffed a strategy whose price stream is tagged "{first}" and "{second}" every {interval:d} seconds')
def step_dag_with_tags(context, first, second, interval):
    events = scene(context)
    events.tags = {tag: context.ids(f"tag {tag}") for tag in (first, second)}
    builder = DagBuilder(context.ids("tagged dag"))
    price = builder.stream_input("price", interval=interval, tags=list(events.tags.values()))
    builder.processing("signal", [price], interval=interval)
    dag = builder.build()
    assert context.stack.dagmanager_address, f"the {context.suite.target} target names no DAG Manager address"
    with DagManagerClient(context.stack.dagmanager_address, timeout=context.suite.seconds(10)) as client:
        world_id = _world(context, "alpha")
        # The world and domain ride in the DAG's meta too: QMTL's DAG Manager namespaces queues from there.
        scoped = dag.as_json(meta={"world_id": world_id, "execution_domain": "dryrun"})
        outcome = client.diff(context.ids("tagged strategy"), scoped, world_id=world_id, execution_domain="dryrun")
    context.observations["diff of the tagged strategy"] = outcome.describe()


def _tags(context, *names: str) -> list[str]:
    known = scene(context).tags
    return [known.get(name, name) for name in names]


@when('a subscriber opens the event stream with the strategy\'s token, asking for queues tagged "{first}" and "{second}" every {interval:d} seconds')
def step_open_with_queues(context, first, second, interval):
    tags = _tags(context, first, second)
    scene(context).queue_request = (tags, interval)
    _open_stream(context, _holder(context).token, query={"tags": ",".join(tags), "interval": str(interval)})


def _queue_frame(context, seconds: float) -> Frame:
    tags, interval = scene(context).queue_request
    stream = _stream(context)

    def arrived() -> Frame:
        for frame in stream.frames(lambda f: f.type == "queue_update"):
            data = frame.payload.get("data") or {}
            if sorted(data.get("tags") or []) == sorted(tags) and data.get("interval") == interval:
                return frame
        raise AssertionError(f"{stream.describe()}; {_frames_text(stream)}")

    return eventually(arrived, within=context.suite.seconds(seconds), what=f"a queue_update snapshot for tags {tags} every {interval} s")


@then('within {seconds:g} seconds the subscriber receives a queue snapshot for the tags "{first}" and "{second}" every {interval:d} seconds')
def step_queue_snapshot(context, seconds, first, second, interval):
    assert scene(context).queue_request == (_tags(context, first, second), interval), "the stream was opened for other tags"
    frame = _queue_frame(context, seconds)
    match_mode = frame.payload["data"].get("match_mode")
    assert match_mode == "any", f"the snapshot's match_mode is {match_mode!r}; a URL without one asks for 'any'"


@then("the queue snapshot lists exactly the queues the DAG Manager finds for those tags")
def step_queue_snapshot_matches(context):
    tags, interval = scene(context).queue_request
    frame = _queue_frame(context, 0)
    with DagManagerClient(context.stack.dagmanager_address, timeout=context.suite.seconds(10)) as client:
        expected = client.get_queues(tags, interval, "any")
    listed = frame.payload["data"].get("queues")
    key = lambda q: (q.get("queue"), q.get("global"))  # noqa: E731
    assert isinstance(listed, list) and sorted(listed, key=key) == sorted(expected, key=key), (
        f"the snapshot lists {listed!r}, the DAG Manager finds {expected!r}"
    )


@then("for {seconds:g} second the subscriber receives no queue snapshot")
@then("for {seconds:g} seconds the subscriber receives no queue snapshot")
def step_no_queue_snapshot(context, seconds):
    stream = _stream(context)

    def leaked() -> str | None:
        frames = stream.frames(lambda f: f.type == "queue_update")
        return f"{len(frames)} queue snapshot(s): {_frames_text(stream)}" if frames else None

    never(leaked, for_seconds=context.suite.seconds(seconds), what="the subscriber receives no queue snapshot")


@then("within {seconds:g} seconds the subscriber has received {count:d} events")
def step_received_count(context, seconds, count):
    stream = _stream(context)

    def enough() -> int:
        got = len(stream.frames())
        assert got >= count, f"{stream.describe()}; {_frames_text(stream)}"
        return got

    eventually(enough, within=context.suite.seconds(seconds), what=f"{count} events on the stream")
    _observe(context, "stream frames", stream)


@then("every frame the subscriber received is a CloudEvents 1.0 event valid against the schema the Gateway publishes for its type")
def step_frames_valid(context):
    answer = context.gateway.request("GET", "/events/schema")
    assert answer.status == 200 and isinstance(answer.body, dict), f"the event schemas could not be read: {answer.describe()}"
    frames = _stream(context).frames()
    assert frames, "the subscriber received no frame to check"
    problems = []
    for frame in frames:
        payload = frame.payload
        if not isinstance(payload, dict) or payload.get("specversion") != "1.0":
            spec = payload.get("specversion") if isinstance(payload, dict) else None
            problems.append(f"frame {frame.type or '?'} is not a CloudEvents 1.0 event (specversion {spec!r})")
        problem = frame_problem(payload, answer.body)
        if problem:
            problems.append(problem)
    assert not problems, "; ".join(problems)


@then('within {seconds:g} seconds the subscriber of world "{world}" receives that activation change')
def step_receives_change(context, seconds, world):
    record, sent = scene(context).changes[world]
    stream = _stream(context, world) if world in scene(context).streams else _stream(context)
    frame = _await_activation(context, stream, record, seconds,
                              f"the subscriber of world {world} receives activation change {record.get('etag')}")
    context.observations[f"delivery of {record.get('etag')}"] = f"{frame.received_at - sent:.3f} s after the change was sent"


@given('one strategy runs in both worlds "{first}" and "{second}"')
def step_strategy_in_two_worlds(context, first, second):
    for role in (first, second):
        _world(context, role)


@given('a subscriber has the event stream open for the strategy\'s "{topic}" events in each world')
def step_stream_per_world(context, topic):
    for role in list(scene(context).worlds):
        holder = _subscribe(context, role, [topic])
        _open_stream(context, holder.token, role=role)


@then('for {seconds:g} second the subscriber of world "{world}" receives no event of world "{other}"')
@then('for {seconds:g} seconds the subscriber of world "{world}" receives no event of world "{other}"')
def step_receives_nothing_of(context, seconds, world, other):
    stream = _stream(context, world)
    other_id = _world(context, other)

    def leaked() -> str | None:
        frames = _activation_frames(stream, other_id)
        return f"{len(frames)} event(s) of world {other}: {_frames_text(stream)}" if frames else None

    never(leaked, for_seconds=context.suite.seconds(seconds), what=f"the subscriber of world {world} receives no event of world {other}")


# -- stream control ------------------------------------------------------------

@when("the subscriber acknowledges the events up to a given event id")
def step_send_ack(context):
    scene(context).ack_id = context.ids("acknowledged event")
    _stream(context).send({"type": "ack", "last_id": scene(context).ack_id})


@then("within {seconds:g} seconds the Gateway answers with an acknowledgement echoing that event id")
def step_ack_echo(context, seconds):
    stream, wanted = _stream(context), scene(context).ack_id

    def echoed() -> Frame:
        for frame in stream.frames(lambda f: f.type == "ack"):
            if frame.payload.get("last_id") == wanted:
                return frame
        acks = [f.payload for f in stream.frames(lambda f: f.type == "ack")]
        raise AssertionError(f"acks so far: {acks}; {stream.describe()}")

    eventually(echoed, within=context.suite.seconds(seconds), what=f"an ack echoing last_id {wanted!r}")


@when("the subscriber refreshes its stream with a new token for the same world and strategy")
def step_refresh_valid(context):
    holder = _subscribe(context, _holder(context).world_role, _holder(context).topics)
    _stream(context).send({"type": "refresh", "token": holder.token})


@when("the subscriber refreshes its stream with a token whose signature was tampered with")
def step_refresh_tampered(context):
    _stream(context).send({"type": "refresh", "token": token_craft.with_flipped_signature(_holder(context).token)})


@when('the subscriber refreshes its stream with the token for world "{world}"')
def step_refresh_other_world(context, world):
    _stream(context).send({"type": "refresh", "token": _holder(context, world).token})


@then("within {seconds:g} seconds the Gateway answers with a refresh acknowledgement")
def step_refresh_ack(context, seconds):
    stream = _stream(context)

    def acked() -> Frame:
        found = stream.frames(lambda f: f.type == "refresh_ack")
        assert found, f"{stream.describe()}; {_frames_text(stream)}"
        return found[0]

    eventually(acked, within=context.suite.seconds(seconds), what="a refresh_ack")


@then("the stream stays open for {seconds:g} second")
@then("the stream stays open for {seconds:g} seconds")
def step_stays_open(context, seconds):
    stream = _stream(context)
    never(lambda: (f"it closed with code {stream.close_code}" if stream.closed else None),
          for_seconds=context.suite.seconds(seconds), what="the stream stays open")


def _await_close(context, stream: EventStream, code: int, within: float, what: str) -> None:
    def closed() -> int:
        assert stream.closed, f"still open: {stream.describe()}"
        return stream.close_code

    eventually(closed, within=within, what=what)
    assert stream.close_code == code, f"the stream closed with code {stream.close_code} ({stream.close_reason!r}), expected {code}"


@then("within {seconds:g} seconds the Gateway closes the stream with code {code:d}")
def step_closed_with(context, seconds, code):
    _await_close(context, _stream(context), code, context.suite.seconds(seconds), f"the Gateway closes the stream with code {code}")


@given("a subscriber has the event stream open with a token for the strategy that expires in {seconds:d} seconds")
def step_open_short_lived(context, seconds):
    genuine = _holder(context).token
    signer = _trusted_signer(context, genuine)
    if signer is None:
        return
    claims = token_craft.short_lived_claims(genuine, seconds)
    stream = _open_stream(context, signer.sign(claims))
    # Whole-second exp: the token expires at that second, not `seconds` after now.
    scene(context).expiring = (stream, float(claims["exp"]))


@then("within {seconds:g} seconds after that token expires the Gateway closes its stream with code {code:d}")
def step_closed_after_expiry(context, seconds, code):
    stream, exp = scene(context).expiring
    within = max(0.0, exp - time.time()) + context.suite.seconds(seconds)
    _await_close(context, stream, code, within, f"the Gateway closes the stream within {seconds:g} s after its token expired")


# -- topics --------------------------------------------------------------------

def _topic_stream(topic: str) -> str:
    return f"{topic} events"


@given('a subscriber has the event stream open for the strategy\'s "{topic}" events in world "{world}"')
@given('another subscriber has the event stream open for the strategy\'s "{topic}" events in world "{world}"')
def step_stream_for_topic(context, topic, world):
    holder = _subscribe(context, world, [topic])
    _open_stream(context, holder.token, role=_topic_stream(topic))


@then('within {seconds:g} seconds the subscriber for "{topic}" events receives that activation change')
def step_topic_receives_change(context, seconds, topic):
    record, _ = list(scene(context).changes.values())[-1]
    _await_activation(context, _stream(context, _topic_stream(topic)), record, seconds,
                      f"the subscriber for {topic} events receives activation change {record.get('etag')}")


@then('for {seconds:g} second the subscriber for "{topic}" events receives no activation event')
@then('for {seconds:g} seconds the subscriber for "{topic}" events receives no activation event')
def step_topic_receives_nothing(context, seconds, topic):
    stream = _stream(context, _topic_stream(topic))

    def leaked() -> str | None:
        frames = _activation_frames(stream)
        return f"{len(frames)} activation event(s): {_frames_text(stream)}" if frames else None

    never(leaked, for_seconds=context.suite.seconds(seconds), what=f"the subscriber for {topic} events receives no activation event")
