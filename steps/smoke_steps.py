"""The end-to-end guide's smoke checks."""
import time
from datetime import datetime

from behave import given, then, when

from qmtl_acceptance.clients.events import EventStream, HandshakeRefused
from qmtl_acceptance.clients.tokens import claim_mismatches, verify
from qmtl_acceptance.dag import two_node_strategy
from qmtl_acceptance.eventually import eventually

COMPONENT_NAMES = {"redis", "postgres", "dagmanager", "worldservice"}


@when("I ask the Gateway for its status")
def step_ask_status(context):
    context.status_answer = context.gateway.status()
    context.observations["gateway /status"] = context.status_answer.describe()


@then("the Gateway answers within {seconds:g} seconds")
def step_status_within(context, seconds):
    answer = context.status_answer
    assert answer.status == 200, f"expected HTTP 200 from /status, got {answer.describe()}"
    limit = context.suite.seconds(seconds)
    assert answer.elapsed <= limit, f"/status took {answer.elapsed:.2f} s, more than {limit:.2f} s"


@then('the Gateway reports its overall status as "{expected}"')
def step_overall_status(context, expected):
    body = context.status_answer.body
    assert body.get("status") == expected, f"expected overall status {expected!r}, the Gateway said {body.get('status')!r}: {body}"


@then('the Gateway reports each of redis, postgres, dagmanager and worldservice as "{expected}"')
def step_components_status(context, expected):
    body = context.status_answer.body
    wrong = {name: body.get(name, "<absent>") for name in sorted(COMPONENT_NAMES) if body.get(name) != expected}
    assert not wrong, f"expected every component {expected!r}; these were not: {wrong}"


def _subscribe_each_world(context, topics):
    context.subscriptions = {}
    for role, world_id in context.worlds.items():
        strategy_id = context.ids(f"strategy {role}")
        answer = context.gateway.subscribe(world_id, strategy_id, topics)
        context.subscriptions[role] = {"world_id": world_id, "strategy_id": strategy_id, "topics": topics, "answer": answer}
        context.observations[f"subscribe {role}"] = answer.describe()


@when('a strategy in each world subscribes to its "{first}" and "{second}" events')
def step_subscribe_two_topics(context, first, second):
    _subscribe_each_world(context, [first, second])


@given('a strategy in each world holds an event token for its "{topic}" events')
def step_hold_token(context, topic):
    _subscribe_each_world(context, [topic])
    step_given_token(context)


@then("each world is given an event token")
def step_given_token(context):
    for role, sub in context.subscriptions.items():
        answer = sub["answer"]
        assert answer.status == 200, f"subscribing in world {role} was refused: {answer.describe()}"
        token = answer.body.get("token") if isinstance(answer.body, dict) else None
        assert isinstance(token, str) and token.count(".") == 2, f"world {role}: no compact JWT in the answer: {answer.describe()}"
        sub["token"] = token
    tokens = [s["token"] for s in context.subscriptions.values()]
    assert len(set(tokens)) == len(tokens), "two worlds were given the same token"


@then("each token's signature verifies against the keys the Gateway publishes")
def step_tokens_verify(context):
    jwks = context.gateway.jwks()
    assert jwks.status == 200, f"the JWKS could not be read: {jwks.describe()}"
    for role, sub in context.subscriptions.items():
        sub["claims"] = verify(sub["token"], jwks.body)


@then('each token is for the "{audience}" audience, names its own world and strategy, and lists the topics asked for')
def step_token_claims(context, audience):
    problems = []
    for role, sub in context.subscriptions.items():
        claims = sub["claims"]
        expected = {
            "aud": audience,
            "world_id": sub["world_id"],
            "strategy_id": sub["strategy_id"],
            "sub": sub["strategy_id"],
            "topics": sub["topics"],
        }
        problems += claim_mismatches(claims, expected, f"world {role}")
    assert not problems, "; ".join(problems)


@then("each token expires when the Gateway says it does")
def step_token_expiry(context):
    problems = []
    now = time.time()
    for role, sub in context.subscriptions.items():
        claims = sub["claims"]
        stated = datetime.fromisoformat(sub["answer"].body["expires_at"].replace("Z", "+00:00")).timestamp()
        if int(stated) != claims["exp"]:
            problems.append(f"world {role}: expires_at says {stated:.0f} but the token's exp is {claims['exp']}")
        if not claims["iat"] <= now + 5 < claims["exp"]:
            problems.append(f"world {role}: token valid from {claims['iat']} to {claims['exp']} does not cover now ({now:.0f})")
    assert not problems, "; ".join(problems)


@when("a subscriber opens the event stream with each world's token")
def step_open_streams(context):
    context.streams = {}
    context.handshakes = {}
    for role, sub in context.subscriptions.items():
        url = sub["answer"].body["stream_url"]
        started = time.monotonic()
        try:
            stream = EventStream.open(url, sub["token"], timeout=context.suite.seconds(10))
        except HandshakeRefused as exc:
            context.handshakes[role] = (exc, time.monotonic() - started)
            continue
        context.add_cleanup(stream.close)
        context.streams[role] = stream
        context.handshakes[role] = (None, time.monotonic() - started)


@then("each event stream connection is accepted within {seconds:g} seconds")
def step_streams_accepted(context, seconds):
    limit = context.suite.seconds(seconds)
    problems = []
    for role, (refusal, took) in context.handshakes.items():
        if refusal is not None:
            problems.append(f"world {role}: {refusal}")
        elif took > limit:
            problems.append(f"world {role}: handshake took {took:.2f} s, more than {limit:.2f} s")
    assert not problems, "; ".join(problems)
    for role, stream in context.streams.items():
        assert not stream.closed, f"world {role}: the stream closed right after the handshake ({stream.describe()})"


@when("a strategy is submitted to each world through the Gateway")
def step_submit_each_world(context):
    context.submissions = {}
    for role, world_id in context.worlds.items():
        dag = two_node_strategy(context.ids(f"dag {role}"))
        answer = context.gateway.submit_strategy(dag.as_json(), [world_id], dag.crc32)
        context.submissions[role] = answer
        context.observations[f"submission {role}"] = answer.describe()


@then("each submission is accepted with its own strategy id")
def step_submissions_accepted(context):
    ids = {}
    for role, answer in context.submissions.items():
        assert answer.status == 202, f"world {role}: expected 202 Accepted, got {answer.describe()}"
        strategy_id = answer.body.get("strategy_id")
        assert strategy_id, f"world {role}: no strategy id in {answer.describe()}"
        ids[role] = strategy_id
    assert len(set(ids.values())) == len(ids), f"two submissions were given one strategy id: {ids}"
    context.strategy_ids = ids


@then("within {seconds:g} seconds each world lists its own strategy and not the other world's")
def step_worlds_list_strategies(context, seconds):
    for role, world_id in context.worlds.items():
        own = context.strategy_ids[role]
        others = {s for r, s in context.strategy_ids.items() if r != role}

        def bound():
            answer = context.gateway.world_bindings(world_id)
            assert answer.status == 200, answer.describe()
            listed = set(answer.body.get("strategies", []))
            assert own in listed, f"world {role} lists {sorted(listed)}, without {own}"
            assert not listed & others, f"world {role} also lists another world's strategy: {sorted(listed & others)}"
            return listed

        eventually(bound, within=context.suite.seconds(seconds), what=f"world {role} ({world_id}) lists strategy {own}")
