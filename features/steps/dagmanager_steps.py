"""The DAG Manager over gRPC: health, diffs and their acknowledgements, tag queries, admin."""
from __future__ import annotations

import re

from behave import given, then, when

from qmtl_acceptance.clients.dagmanager import DagManagerClient, DagManagerError
from qmtl_acceptance.dag import DagBuilder
from qmtl_acceptance.eventually import eventually

DAGMANAGER_SERVICES = ("HealthCheck", "DiffService", "TagQuery", "AdminService")
SERVICE_PACKAGE = "qmtl.services.dagmanager."
KEY_SHAPE = re.compile(r"^(blake3:[0-9a-f]{64}):(\d+):(\d+)#ck=(\S+)$")
DIFF_SECONDS = 5


def _quoted(text: str) -> list[str]:
    return re.findall(r'"([^"]+)"', text)


def _world(context, role: str) -> str:
    worlds = getattr(context, "worlds", {})
    return worlds.get(role) or context.ids(f"world {role}")


def _queues_of(queue_map: dict[str, str]) -> dict[str, str]:
    """node id → queue, from queue-map keys ``<node_id>:<interval>:<bucket>#ck=<key>``."""
    nodes = {}
    for key, queue in queue_map.items():
        match = KEY_SHAPE.match(key)
        assert match, f"queue-map key {key!r} is not <node_id>:<interval>:<bucket>#ck=<compute key>"
        nodes.setdefault(match.group(1), []).append(queue)
    return nodes


def _scoped(dag, world_id: str, domain: str) -> dict:
    """The DAG naming its world and domain in its own ``meta`` as well as in the request:
    the contract's request fields, and the DAG's meta, from which QMTL namespaces queues."""
    return dag.as_json(meta={"world_id": world_id, "execution_domain": domain})


def _diff(context, world_roles: list[str], domain: str, dag=None, ack_on_copy: int = 1):
    outcomes = []
    for role in world_roles:
        outcome = context.dagmanager.diff(
            context.dm_strategy_id,
            _scoped(dag or context.dag, _world(context, role), domain),
            world_id=_world(context, role),
            execution_domain=domain,
            ack_on_copy=ack_on_copy,
            timeout=context.suite.seconds(DIFF_SECONDS),
        )
        context.observations[f"diff for world {role}"] = outcome.describe()
        outcomes.append(outcome)
    return outcomes


# -- connection and health ---------------------------------------------------------------


@given("a gRPC connection to the DAG Manager")
def step_dm_connection(context):
    context.dagmanager = DagManagerClient(context.stack.dagmanager_address, timeout=context.suite.seconds(5))
    context.add_cleanup(context.dagmanager.close)
    context.dm_strategy_id = context.ids("dag manager strategy")


@when("the DAG Manager's health is checked over QMTL's health service and the standard gRPC health service")
def step_dm_health(context):
    context.dm_status = context.dagmanager.status()
    context.observations["HealthCheck.Status"] = str(context.dm_status).replace("\n", " ")
    context.dm_standard = {}
    for service in ("", *(SERVICE_PACKAGE + s for s in DAGMANAGER_SERVICES)):
        try:
            context.dm_standard[service or "(server)"] = context.dagmanager.standard_health(service)
        except DagManagerError as exc:
            context.dm_standard[service or "(server)"] = str(exc)
    context.observations["grpc.health.v1"] = repr(context.dm_standard)


@then('QMTL\'s health service reports the DAG Manager as "{state}"')
def step_dm_state(context, state):
    assert context.dm_status.state == state, f"HealthCheck.Status said state {context.dm_status.state!r}"


@then("the standard gRPC health service reports the server and each DAG Manager service as serving")
def step_dm_standard_health(context):
    wrong = {name: status for name, status in context.dm_standard.items() if status != "SERVING"}
    assert not wrong, f"not SERVING: {wrong}"


# -- strategies for the DAG Manager --------------------------------------------------------------


@given("a freshly built strategy of a price stream, a volume stream and two computations")
def step_four_node_strategy(context):
    builder = DagBuilder(context.ids("dag"))
    price = builder.stream_input("price")
    volume = builder.stream_input("volume")
    builder.processing("spread", [price, volume])
    builder.processing("signal", [price], period=0)
    context.dag = builder.build()


@given('a strategy diffed for world "{role}" whose "{first}" stream is tagged {first_tags} and whose "{second}" stream is tagged {second_tags}')
def step_tagged_diffed(context, role, first, first_tags, second, second_tags):
    context.tag_ids = {}
    for tag in _quoted(first_tags) + _quoted(second_tags):
        context.tag_ids.setdefault(tag, context.ids(f"tag {tag}"))
    builder = DagBuilder(context.ids("dag"))
    context.stream_nodes = {
        first: builder.stream_input(first, tags=[context.tag_ids[t] for t in _quoted(first_tags)]),
        second: builder.stream_input(second, tags=[context.tag_ids[t] for t in _quoted(second_tags)]),
    }
    builder.processing("untagged", list(context.stream_nodes.values()))
    context.dag = builder.build()
    (outcome,) = _diff(context, [role], "live")
    context.stream_queues = {name: _queues_of(outcome.queue_map)[node_id][0] for name, node_id in context.stream_nodes.items()}


@given('the DAG Manager has diffed it for world {worlds} in the "{domain}" domain')
@given('the DAG Manager has diffed it for worlds {worlds} in the "{domain}" domain')
def step_diffed(context, worlds, domain):
    context.dm_domain = domain
    context.dm_worlds = _quoted(worlds)
    outcomes = _diff(context, context.dm_worlds, domain)
    context.diffed_queues = {q for o in outcomes for q in o.queue_map.values()}


# -- diffs ----------------------------------------------------------------------------------------


@when('the DAG Manager diffs it for world "{role}" in the "{domain}" domain, acknowledging every chunk')
def step_diff_acked(context, role, domain):
    context.dm_domain = domain
    context.dm_worlds = [role]
    (context.diff_outcome,) = _diff(context, [role], domain)


@when('the DAG Manager diffs it for world "{role}", acknowledging each chunk only when it arrives the second time')
def step_diff_late_ack(context, role):
    (context.diff_outcome,) = _diff(context, [role], "live", ack_on_copy=2)


@when('the DAG Manager diffs it for world "{role}" while the acknowledgement is withheld for {seconds:g} seconds')
def step_diff_withheld(context, role, seconds):
    context.withheld_for = context.suite.seconds(seconds)
    world_id = _world(context, role)
    context.diff_outcome = context.dagmanager.diff_without_acks(
        context.dm_strategy_id, _scoped(context.dag, world_id, "live"), world_id=world_id, execution_domain="live",
        observe_for=context.withheld_for,
    )
    context.observations["diff with the acknowledgement withheld"] = context.diff_outcome.describe()


@then("the diff completes within {seconds:g} seconds")
def step_diff_completes(context, seconds):
    outcome = context.diff_outcome
    limit = context.suite.seconds(seconds)
    assert outcome.ended_with is None, f"the diff did not complete: {outcome.describe()}"
    assert outcome.elapsed <= limit, f"the diff took {outcome.elapsed:.2f} s, more than {limit:.2f} s"


@then("every node of the strategy gets one queue in that world's namespace for that domain")
def step_diff_queues(context):
    prefix = f"{_world(context, context.dm_worlds[0])}.{context.dm_domain}."
    by_node = _queues_of(context.diff_outcome.queue_map)
    assert set(by_node) == set(context.dag.node_ids), f"queues for {sorted(by_node)}, expected {sorted(context.dag.node_ids)}"
    wrong = {n: q for n, q in by_node.items() if len(q) != 1 or not q[0].startswith(prefix)}
    assert not wrong, f"expected one queue per node named {prefix}…, got {wrong}"


@then("each queue-map key names its node, the node's interval and a compute key")
def step_diff_keys(context):
    intervals = {n["node_id"]: n["interval"] for n in context.dag.nodes}
    for key in context.diff_outcome.queue_map:
        match = KEY_SHAPE.match(key)
        assert match, f"queue-map key {key!r} is not <node_id>:<interval>:<bucket>#ck=<compute key>"
        assert int(match.group(2)) == intervals[match.group(1)], f"key {key} names the wrong interval"
        assert match.group(4), f"key {key} has an empty compute key"


@then("every chunk carries the strategy's sentinel and the checksum of the DAG's node ids")
def step_diff_sentinel(context):
    outcome = context.diff_outcome
    wanted = f"{context.dm_strategy_id}-sentinel"
    for index, chunk in enumerate(outcome.chunks):
        assert chunk.sentinel_id == wanted, f"chunk {index} names sentinel {chunk.sentinel_id!r}, expected {wanted!r}"
        assert chunk.HasField("crc32") and chunk.crc32 == context.dag.crc32, (
            f"chunk {index} carries checksum {chunk.crc32 if chunk.HasField('crc32') else 'none'}, the DAG's is {context.dag.crc32}"
        )


@then("every chunk arrived exactly twice and the diff still delivered every node's queue")
def step_every_chunk_twice(context):
    outcome = context.diff_outcome
    copies = {}
    for delivery in outcome.deliveries:
        copies[delivery.chunk_id] = copies.get(delivery.chunk_id, 0) + 1
    assert copies and all(n == 2 for n in copies.values()), f"copies per chunk: {copies} ({outcome.describe()})"
    assert set(_queues_of(outcome.queue_map)) == set(context.dag.node_ids), outcome.describe()


@then("the first chunk arrived at least {times:d} times, identical each time")
def step_first_chunk_again(context, times):
    outcome = context.diff_outcome
    first = [d for d in outcome.deliveries if d.chunk_id == 0]
    assert len(first) >= times, f"the first chunk arrived {len(first)} time(s): {outcome.describe()}"
    raw = {d.chunk.SerializeToString(deterministic=True) for d in first}
    assert len(raw) == 1, "the re-sent chunk differs from the original"


@then("no other chunk arrived while the first was unacknowledged")
def step_no_other_chunk(context):
    others = sorted({d.chunk_id for d in context.diff_outcome.deliveries if d.chunk_id != 0})
    assert not others, f"chunks {others} arrived before chunk 0 was acknowledged"


@then("the diff ended with its deadline exceeded")
def step_diff_deadline(context):
    outcome = context.diff_outcome
    ended = outcome.ended_with.name if outcome.ended_with is not None else "OK"
    assert ended == "DEADLINE_EXCEEDED", f"the diff ended {ended}: {outcome.describe()}"


# -- tag queries ----------------------------------------------------------------------------------


@when('the DAG Manager is asked for the queues tagged {tags} at a {interval:d}-second interval in "{mode}" mode')
def step_tag_query(context, tags, interval, mode):
    wanted = [context.tag_ids[t] for t in _quoted(tags)]
    context.tag_answer = context.dagmanager.get_queues(wanted, interval, mode)
    context.observations["tag query answer"] = repr(context.tag_answer)


@then("the DAG Manager answers with the queues of {streams}")
def step_tag_answer(context, streams):
    names = [] if streams == "no stream" else [s.strip() for s in re.split(r"\band\b|,", streams.replace(" only", "")) if s.strip()]
    wanted = sorted(context.stream_queues[name] for name in names)
    seen = sorted(q["queue"] for q in context.tag_answer)
    assert seen == wanted, f"expected the queues of {streams} {wanted}, got {seen}"
    assert all(q["global"] is False for q in context.tag_answer), f"a world's queue is reported global: {context.tag_answer}"


# -- admin ----------------------------------------------------------------------------------------


@when("the DAG Manager's queue statistics are read")
def step_read_stats(context):
    context.queue_stats = context.dagmanager.queue_stats()


@then("they list each of the strategy's queues")
def step_stats_list(context):
    missing = sorted(context.diffed_queues - set(context.queue_stats))
    assert not missing, f"queue statistics lack {missing}"


@when("the DAG Manager cleans up the strategy")
def step_cleanup(context):
    context.dagmanager.cleanup(context.dm_strategy_id)


@then("within {seconds:g} seconds the queue statistics no longer list any of the strategy's queues")
def step_stats_cleaned(context, seconds):
    def gone():
        left = sorted(context.diffed_queues & set(context.dagmanager.queue_stats()))
        assert not left, f"still listed: {left}"

    eventually(gone, within=context.suite.seconds(seconds), what="the cleaned-up strategy's queues disappear")


@when('the DAG Manager redoes the diff from the strategy\'s sentinel with the "{old}" node replaced by "{new}"')
def step_redo(context, old, new):
    builder = DagBuilder(context.ids("dag"))
    kept = {}
    for node in context.dag.nodes:
        name = new if node["name"] == old else node["name"]
        if node["node_type"] == "StreamInput":
            kept[node["node_id"]] = builder.stream_input(name, interval=node["interval"], period=node["period"])
        else:
            builder.processing(name, [kept[d] for d in node["dependencies"]], interval=node["interval"], period=node["period"])
    context.old_dag, context.dag = context.dag, builder.build()
    context.replaced_node = context.old_dag.node(old)["node_id"]
    context.new_node = context.dag.node(new)["node_id"]
    try:
        context.redo = context.dagmanager.redo_diff(f"{context.dm_strategy_id}-sentinel", context.dag.as_json())
    except DagManagerError as exc:
        raise AssertionError(str(exc)) from None
    context.observations["RedoDiff answer"] = str(context.redo).replace("\n", " ")[:2000]


@then("the redo answers with the strategy's sentinel and a version above the earlier diffs'")
def step_redo_answer(context):
    wanted = f"{context.dm_strategy_id}-sentinel"
    assert context.redo.sentinel_id == wanted, f"RedoDiff names sentinel {context.redo.sentinel_id!r}, expected {wanted!r}"
    assert context.redo.version > len(context.dm_worlds), f"version {context.redo.version} after {len(context.dm_worlds)} diff(s)"


@then("the redone queue map holds the new node's queue in every world diffed before")
def step_redo_queues(context):
    by_node = _queues_of(dict(context.redo.queue_map))
    prefixes = sorted(f"{_world(context, r)}.{context.dm_domain}." for r in context.dm_worlds)
    queues = sorted(by_node.get(context.new_node, []))
    assert len(queues) == len(prefixes) and all(q.startswith(p) for q, p in zip(queues, prefixes)), (
        f"the new node's queues are {queues}, expected one under each of {prefixes}"
    )
    assert context.replaced_node not in by_node, "the replaced node still has queues in the redone map"


@then("the replaced node's queues are gone from the queue statistics")
def step_replaced_gone(context):
    digest = context.replaced_node.split(":", 1)[1][:12]
    left = sorted(q for q in context.dagmanager.queue_stats() if digest in q)
    assert not left, f"the replaced node's queues are still listed: {left}"
