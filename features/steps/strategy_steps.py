"""Strategy submission through the Gateway: the submission matrix, status, dry runs, persisted state."""
from __future__ import annotations

import base64
import json
import re
import uuid

from behave import given, then, when

from qmtl_acceptance.clients.stores import GatewayPostgres, GatewayRedis, dag_hash_candidates
from qmtl_acceptance.dag import Dag, two_node_strategy
from qmtl_acceptance.eventually import eventually
from qmtl_wire.nodeid import node_ids_crc32

TERMINAL_STATUSES = ("completed", "failed")
NON_CANONICAL_ID = "blake3:" + "0" * 64


# -- pure helpers -------------------------------------------------------------------------


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _stored_dag(text: str):
    """A stored DAG in either encoding the contract accepts for ``dag_json``: JSON text, or base64 of it."""
    stripped = text.strip()
    try:
        if stripped[:1] in ("{", "["):
            return json.loads(stripped)
        return json.loads(base64.b64decode(stripped, validate=True).decode("utf-8"))
    except ValueError:
        raise AssertionError(f"the stored DAG is neither JSON nor base64 of JSON: {text[:80]!r}…") from None


def _assert_stored_dag_is_submitted(stored, submitted: dict, strategy_id: str) -> None:
    """The stored DAG is the submitted one; the Gateway may have appended its own
    VersionSentinel node (``<strategy_id>-sentinel``), as the contract says it stores one."""
    sentinel = {"node_type": "VersionSentinel", "node_id": f"{strategy_id}-sentinel"}
    expected = [submitted, {**submitted, "nodes": [*submitted["nodes"], sentinel]}]
    if stored in expected:
        return
    nodes = stored.get("nodes") if isinstance(stored, dict) else None
    kinds = [n.get("node_type") for n in nodes if isinstance(n, dict)] if isinstance(nodes, list) else nodes
    raise AssertionError(
        f"the stored DAG is not the one submitted: stored fields {sorted(stored) if isinstance(stored, dict) else type(stored).__name__}, "
        f"node types {kinds}; submitted fields {sorted(submitted)}, node types {[n['node_type'] for n in submitted['nodes']]}"
    )


def _quoted(text: str) -> list[str]:
    return re.findall(r'"([^"]+)"', text)


def _is_uuid4(value) -> bool:
    try:
        return uuid.UUID(str(value)).version == 4
    except ValueError:
        return False


def _detail(answer) -> dict:
    body = answer.body
    detail = body.get("detail") if isinstance(body, dict) else None
    assert isinstance(detail, dict), f"expected a JSON error detail object, got {answer.describe()}"
    return detail


def _listed(gateway, world_id: str) -> set[str]:
    answer = gateway.world_bindings(world_id)
    assert answer.status == 200, f"reading world {world_id}'s bindings: {answer.describe()}"
    return set(answer.body.get("strategies", []))


def _status_of(gateway, strategy_id: str) -> str:
    answer = gateway.strategy_status(strategy_id)
    assert answer.status == 200, f"status of {strategy_id}: {answer.describe()}"
    return answer.body.get("status")


# -- context access -------------------------------------------------------------------


def _world(context, role: str) -> str:
    worlds = getattr(context, "worlds", {})
    return worlds.get(role) or context.ids(f"world {role}")


def _record(context, name: str, answer) -> None:
    context.observations[name] = answer.describe()


def _redis(context) -> GatewayRedis:
    if getattr(context, "gateway_redis", None) is None:
        context.gateway_redis = GatewayRedis(context.stack.redis_url, timeout=context.suite.seconds(5))
        context.add_cleanup(context.gateway_redis.close)
    return context.gateway_redis


def _postgres(context) -> GatewayPostgres:
    return GatewayPostgres(context.stack.postgres_dsn, timeout=context.suite.seconds(5))


def _accepted_id(context) -> str:
    answer = context.submission
    assert answer.status == 202, f"expected the submission to be accepted (202), got {answer.describe()}"
    return answer.body["strategy_id"]


# -- the strategy under test -------------------------------------------------------------


@given("a freshly built two-node strategy")
def step_fresh_strategy(context):
    context.dag = two_node_strategy(context.ids("dag"))


@given('a freshly built two-node strategy whose price stream is tagged "{tag}"')
def step_fresh_tagged_strategy(context, tag):
    context.tag_ids = {tag: context.ids(f"tag {tag}")}
    context.dag = two_node_strategy(context.ids("dag"), tags=[context.tag_ids[tag]])


# -- the submission matrix ---------------------------------------------------------------


def _submit(context, dag: Dag, world_ids, **kwargs):
    answer = context.gateway.submit_strategy(dag.as_json(), world_ids, dag.crc32, **kwargs)
    context.submission_count = getattr(context, "submission_count", 0) + 1
    _record(context, f"submission {context.submission_count}", answer)
    return answer


def _submit_first(context, dag: Dag, world_ids):
    first = _submit(context, dag, world_ids)
    assert first.status == 202, f"the first submission was not accepted: {first.describe()}"
    context.first_strategy_id = first.body["strategy_id"]


def _altered(context, index: int, change) -> Dag:
    dag = context.dag.copy()
    context.altered_index = index
    context.altered_canonical_id = dag.nodes[index]["node_id"]
    change(dag.nodes[index])
    return dag


def _submission_cases(context):
    dag, alpha, beta = context.dag, _world(context, "alpha"), _world(context, "beta")

    def same_twice(second_world):
        _submit_first(context, dag, [alpha])
        return _submit(context, dag, [second_world])

    def non_canonical():
        changed = _altered(context, 1, lambda node: node.update(node_id=NON_CANONICAL_ID))
        # Keep the checksum right, so the node id itself is what the Gateway objects to.
        return context.gateway.submit_strategy(changed.as_json(), [alpha], node_ids_crc32(changed.node_ids))

    def as_json_list():
        return context.gateway.submit_strategy(None, [alpha], dag.crc32, raw_dag_json=_b64(json.dumps(dag.nodes)))

    return {
        "a valid strategy to world alpha": lambda: _submit(context, dag, [alpha]),
        "the same strategy to world alpha a second time": lambda: same_twice(alpha),
        "the same strategy to world beta after world alpha": lambda: same_twice(beta),
        "one strategy to worlds alpha and beta": lambda: _submit(context, dag, [alpha, beta]),
        "a strategy without a schema version": lambda: _submit(context, Dag(dag.copy().nodes, schema_version=None), [alpha]),
        "a strategy whose node-id checksum does not match": lambda: context.gateway.submit_strategy(
            dag.as_json(), [alpha], (dag.crc32 + 1) & 0xFFFFFFFF
        ),
        "a strategy with a node whose id is not canonical": non_canonical,
        "a strategy with a node lacking its config hash": lambda: _submit(
            context, _altered(context, 1, lambda node: node.pop("config_hash")), [alpha]
        ),
        "a strategy whose DAG is not JSON": lambda: context.gateway.submit_strategy(
            None, [alpha], dag.crc32, raw_dag_json=_b64("this is not JSON")
        ),
        "a strategy whose DAG is a JSON list": as_json_list,
        "a strategy without world ids": lambda: _submit(context, dag, None),
        "a strategy naming world alpha in the old world_id field": lambda: _submit(context, dag, None, extra={"world_id": alpha}),
    }


@when('the strategy author submits "{case}"')
def step_submit_case(context, case):
    cases = _submission_cases(context)
    assert case in cases, f"unknown submission case {case!r}; known: {sorted(cases)}"
    context.dag_sent = context.dag
    context.submission = cases[case]()
    _record(context, "submission under test", context.submission)


@then('the Gateway answers the submission with HTTP {status:d} and error code "{code}"')
def step_submission_answer(context, status, code):
    answer = context.submission
    assert answer.status == status, f"expected HTTP {status}, got {answer.describe()}"
    if code == "none":
        assert isinstance(answer.body, dict) and "detail" not in answer.body, f"expected no error, got {answer.describe()}"
        return
    seen = _detail(answer).get("code")
    assert seen == code, f"expected error code {code}, got {seen!r}: {answer.describe()}"


def _shows_new_id(context):
    body = context.submission.body
    strategy_id = body.get("strategy_id")
    assert _is_uuid4(strategy_id), f"strategy_id {strategy_id!r} is not a UUID4"
    assert body.get("sentinel_id") == f"{strategy_id}-sentinel", f"sentinel_id is {body.get('sentinel_id')!r}"
    assert body.get("node_ids_crc32") == context.dag.crc32, f"node_ids_crc32 echoed as {body.get('node_ids_crc32')!r}"


def _shows_first_id(context):
    seen = _detail(context.submission).get("strategy_id")
    assert seen == context.first_strategy_id, f"the duplicate names {seen!r}, the first submission was {context.first_strategy_id}"


def _shows_supported_versions(context):
    errors = _detail(context.submission).get("errors") or [{}]
    supported = errors[0].get("supported") or []
    assert "v1" in supported, f"the error does not list the supported schema versions: {errors}"


def _shows_canonical_id(context):
    mismatches = _detail(context.submission).get("node_id_mismatch") or []
    wanted = {"index": context.altered_index, "node_id": NON_CANONICAL_ID, "expected": context.altered_canonical_id}
    assert any({k: m.get(k) for k in wanted} == wanted for m in mismatches), f"expected {wanted} among {mismatches}"


def _shows_missing_field(context):
    missing = _detail(context.submission).get("missing_fields") or []
    hit = [m for m in missing if m.get("index") == context.altered_index and "config_hash" in (m.get("missing") or [])]
    assert hit, f"expected node {context.altered_index} reported as missing config_hash, got {missing}"


def _shows_nothing_more(context):
    _detail(context.submission)


EVIDENCE = {
    "a new strategy id, its sentinel and the checksum it was sent": _shows_new_id,
    "the first submission's strategy id": _shows_first_id,
    "the supported schema versions": _shows_supported_versions,
    "the index of the altered node and its canonical id": _shows_canonical_id,
    "the index of the altered node and its missing field": _shows_missing_field,
    "nothing more than the error code": _shows_nothing_more,
}


@then("the submission answer shows {evidence}")
def step_submission_evidence(context, evidence):
    assert evidence in EVIDENCE, f"unknown evidence {evidence!r}; known: {sorted(EVIDENCE)}"
    EVIDENCE[evidence](context)


@then("within {seconds:g} seconds the worlds list this scenario's strategy in {worlds}")
def step_worlds_list(context, seconds, worlds):
    wanted_roles = {"neither": set(), "alpha only": {"alpha"}, "alpha and beta": {"alpha", "beta"}}
    assert worlds in wanted_roles, f"unknown world set {worlds!r}; known: {sorted(wanted_roles)}"
    answer = context.submission
    strategy_id = getattr(context, "first_strategy_id", None) or (answer.body.get("strategy_id") if answer.status == 202 else None)

    def bindings():
        seen = {role: _listed(context.gateway, _world(context, role)) for role in ("alpha", "beta")}
        for role, listed in seen.items():
            expected = {strategy_id} if role in wanted_roles[worlds] else set()
            assert listed == expected, f"world {role} lists {sorted(listed)}, expected {sorted(expected)} (all worlds: {seen})"
        return seen

    eventually(bindings, within=context.suite.seconds(seconds), what=f"the worlds list the strategy in {worlds}")


# -- accepted strategies, status, restart -------------------------------------------------


def _submit_to(context, worlds: str, domain: str | None):
    world_ids = [_world(context, role) for role in _quoted(worlds)]
    meta = {"execution_domain": domain} if domain else None
    context.submitted_worlds = _quoted(worlds)
    context.submitted_meta = meta or {"execution_domain": "dryrun"}
    context.submission = _submit(context, context.dag, world_ids, meta=meta)


@when('the strategy author submits it to world {worlds} for the "{domain}" domain')
@when('the strategy author submits it to worlds {worlds} for the "{domain}" domain')
def step_submit_to_worlds(context, worlds, domain):
    _submit_to(context, worlds, domain)


@given('the strategy author submitted it to world "{role}" and it completed within {seconds:g} seconds')
def step_submitted_and_completed(context, role, seconds):
    _submit_to(context, f'"{role}"', None)
    context.strategy_id = _accepted_id(context)
    step_status_becomes(context, seconds, "completed")


@then("the submission is accepted with a strategy id")
def step_accepted(context):
    context.strategy_id = _accepted_id(context)
    assert _is_uuid4(context.strategy_id), f"strategy_id {context.strategy_id!r} is not a UUID4"


@then('within {seconds:g} seconds the Gateway reports the strategy\'s status as "{status}"')
def step_status_becomes(context, seconds, status):
    seen: list[str] = []

    def probe():
        current = _status_of(context.gateway, context.strategy_id)
        if not seen or seen[-1] != current:
            seen.append(current)
        assert current == status, f"status is {current!r} (statuses seen so far: {seen})"

    eventually(probe, within=context.suite.seconds(seconds), what=f"strategy {context.strategy_id} reaches status {status!r}")
    context.observations["statuses seen"] = " → ".join(seen)


@when("someone asks the Gateway for the status of a strategy id it never issued")
def step_status_unknown(context):
    context.status_answer = context.gateway.strategy_status(str(uuid.uuid4()))
    _record(context, "status of an unknown strategy", context.status_answer)


@then('the Gateway answers the status request with HTTP {status:d} and the detail "{detail}"')
def step_status_answer(context, status, detail):
    answer = context.status_answer
    assert answer.status == status, f"expected HTTP {status}, got {answer.describe()}"
    seen = answer.body.get("detail") if isinstance(answer.body, dict) else answer.body
    assert seen == detail, f"expected the detail {detail!r}, got {answer.describe()}"


@when("the Gateway restarts")
def step_gateway_restarts(context):
    context.stack = context.stack_provider.restart("gateway")


@then('submitting the same strategy to world "{role}" is refused as a duplicate of the first strategy')
def step_duplicate_after_restart(context, role):
    answer = _submit(context, context.dag, [_world(context, role)])
    assert answer.status == 409, f"expected 409 for a DAG accepted before the restart, got {answer.describe()}"
    seen = _detail(answer).get("strategy_id")
    assert seen == context.strategy_id, f"the duplicate names {seen!r}, the first strategy was {context.strategy_id}"


# -- what the stores hold --------------------------------------------------------------------


@then("within {seconds:g} seconds Postgres holds the strategy's row with the meta it was submitted with")
def step_pg_row(context, seconds):
    pg = _postgres(context)

    def row():
        found = pg.strategy(context.strategy_id)
        assert found is not None, "no row in strategies"
        return found

    found = eventually(row, within=context.suite.seconds(seconds), what=f"Postgres has a strategies row for {context.strategy_id}")
    context.observations["strategies row"] = repr(found)
    assert found.meta == context.submitted_meta, f"meta is {found.meta}, submitted {context.submitted_meta}"
    assert found.status in ("queued", "processing", *TERMINAL_STATUSES), f"unexpected status {found.status!r}"


@then('Postgres holds the strategy\'s events, the first being "{event}"')
def step_pg_first_event(context, event):
    events = _postgres(context).events(context.strategy_id)
    context.observations["strategy events"] = ", ".join(events)
    assert events and events[0] == event, f"expected the first event {event!r}, got {events}"


@then("Postgres binds the strategy to worlds {worlds} and to no other world")
def step_pg_bindings(context, worlds):
    wanted = {_world(context, role) for role in _quoted(worlds)}
    bound = _postgres(context).bound_worlds(context.strategy_id)
    assert bound == wanted, f"world_strategy_bindings has {sorted(bound)}, expected {sorted(wanted)}"


@then("Redis holds the strategy's hash with its DAG, the DAG's hash and its state")
def step_redis_hash(context):
    record = _redis(context).strategy_hash(context.strategy_id)
    context.observations["redis strategy hash fields"] = ", ".join(sorted(record))
    missing = [f for f in ("dag", "hash", "state") if not record.get(f)]
    assert not missing, f"strategy:{context.strategy_id} lacks {missing} (fields: {sorted(record)})"
    _assert_stored_dag_is_submitted(_stored_dag(record["dag"]), context.dag.as_json(), context.strategy_id)
    assert record["hash"] in dag_hash_candidates(context.dag.as_json()), f"hash {record['hash']} is not the SHA-256 of the DAG"
    assert record["state"] in ("queued", "processing", *TERMINAL_STATUSES), f"state is {record['state']!r}"
    context.stored_dag_hash = record["hash"]


@then("Redis maps that DAG hash to the strategy")
def step_redis_dag_hash(context):
    owner = _redis(context).dag_hash_owner(context.stored_dag_hash)
    assert owner == context.strategy_id, f"dag_hash:{context.stored_dag_hash} names {owner!r}, expected {context.strategy_id}"


@then("within {seconds:g} seconds WorldService lists the strategy in worlds {worlds}")
def step_worldservice_lists(context, seconds, worlds):
    for role in _quoted(worlds):
        world_id = _world(context, role)

        def listed():
            strategies = _listed(context.gateway, world_id)
            assert context.strategy_id in strategies, f"world {role} lists {sorted(strategies)}"

        eventually(listed, within=context.suite.seconds(seconds), what=f"world {role} lists {context.strategy_id}")


@then("within {seconds:g} seconds Postgres records the strategy's statuses as {statuses} in that order")
def step_pg_status_events(context, seconds, statuses):
    wanted = [s.strip() for s in re.split(r",|\band\b", statuses) if s.strip()]
    pg = _postgres(context)

    def recorded():
        events = pg.events(context.strategy_id)
        context.observations["strategy events"] = ", ".join(events)
        seen = [e.rsplit(":", 1)[-1] for e in events]
        assert seen == wanted, f"the recorded statuses are {seen} (events {events}), expected {wanted}"

    # The status is read from Redis; the event rows may land a moment later.
    eventually(recorded, within=context.suite.seconds(seconds), what="Postgres records every status change as an event")


# -- dry runs ------------------------------------------------------------------------------------


@when('the strategy author dry-runs it for worlds {worlds} in the "{domain}" domain')
def step_dry_run(context, worlds, domain):
    context.dry_run_worlds = _quoted(worlds)
    context.dry_run_domain = domain
    world_ids = [_world(context, role) for role in context.dry_run_worlds]
    dag = context.dag
    context.dry_run = context.gateway.dry_run(dag.as_json(), world_ids, dag.crc32, meta={"execution_domain": domain})
    _record(context, "dry run", context.dry_run)


@then("the Gateway answers the dry run with HTTP {status:d}")
def step_dry_run_status(context, status):
    assert context.dry_run.status == status, f"expected HTTP {status}, got {context.dry_run.describe()}"


@then("every node has one queue per world, each named after its world and that domain")
def step_dry_run_queues(context):
    queue_map = context.dry_run.body.get("queue_map") or {}
    problems = []
    for node_id in context.dag.node_ids:
        entries = queue_map.get(node_id)
        if not isinstance(entries, list):
            problems.append(f"node {node_id} has no queue list")
            continue
        names = sorted(e.get("queue", "") for e in entries)
        prefixes = sorted(f"{_world(context, role)}.{context.dry_run_domain}." for role in context.dry_run_worlds)
        if len(names) != len(prefixes) or not all(n.startswith(p) and len(n) > len(p) for n, p in zip(names, prefixes)):
            problems.append(f"node {node_id}: queues {names}, expected one under each of {prefixes}")
        suffixes = {n.split(".", 2)[-1] for n in names}
        if len(suffixes) != 1:
            problems.append(f"node {node_id}: the worlds name different queues {sorted(suffixes)}")
    assert not problems, "; ".join(problems)


@then("the same strategy can still be submitted afterwards")
def step_dry_run_recorded_nothing(context):
    answer = _submit(context, context.dag, [_world(context, role) for role in context.dry_run_worlds])
    assert answer.status == 202, f"after a dry run the real submission must be new, got {answer.describe()}"


# -- queues by tag through the Gateway -------------------------------------------------------------


def _by_tag(context, tag_role: str, interval: int | None, world_role: str | None):
    params = {"tags": context.tag_ids[tag_role]}
    if interval is not None:
        params["interval"] = interval
    if world_role:
        params["world_id"] = _world(context, world_role)
    answer = context.gateway.request("GET", "/queues/by_tag", params=params)
    _record(context, f"queues by tag {params}", answer)
    return answer


@then(
    'the Gateway lists, for queues tagged "{tag}" at a {interval:d}-second interval '
    'in world "{role}", only that world\'s queue of the tagged stream'
)
def step_by_tag(context, tag, interval, role):
    tagged = next(n for n in context.dag.nodes if n["tags"])
    world_id = _world(context, role)
    answer = _by_tag(context, tag, interval, role)
    assert answer.status == 200, answer.describe()
    queues = answer.body.get("queues", [])
    assert len(queues) == 1, f"expected exactly one queue, got {queues}"
    (queue,) = queues
    digest = tagged["node_id"].split(":", 1)[1]
    assert queue["queue"].startswith(f"{world_id}.") and digest[:12] in queue["queue"], f"not world {role}'s queue: {queue}"
    assert queue["global"] is False, f"a world's queue is reported global: {queue}"


@then('asking the Gateway for queues tagged "{tag}" without an interval is refused with HTTP {status:d}')
def step_by_tag_without_interval(context, tag, status):
    answer = _by_tag(context, tag, None, None)
    assert answer.status == status, f"expected HTTP {status} without an interval, got {answer.describe()}"
