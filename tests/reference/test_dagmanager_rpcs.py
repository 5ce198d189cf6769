"""Every DAG Manager RPC, through the suite's client, against a real process on a real Redis."""
from __future__ import annotations

import re
import uuid

import grpc
import pytest
import redis

from qmtl_acceptance.clients.dagmanager import DagManagerClient, DagManagerError
from qmtl_acceptance.dag import DagBuilder, two_node_strategy
from qmtl_wire.nodeid import node_ids_crc32
from tests.support.servers import start_dagmanager

KEY_SHAPE = re.compile(r"^(blake3:[0-9a-f]{64}):(\d+):0#ck=[0-9a-f]{64}$")


@pytest.fixture(scope="module")
def dagmanager(redis_url, tmp_path_factory):
    proc, address = start_dagmanager(redis_url, tmp_path_factory.mktemp("dm") / "dagmanager.log")
    try:
        yield proc, address
    finally:
        proc.stop()


@pytest.fixture
def client(dagmanager):
    with DagManagerClient(dagmanager[1], timeout=5.0) as c:
        yield c


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def five_node_dag(label: str) -> dict:
    """Four queue-bearing nodes and a tag query (which gets no queue): two chunks at chunk size 2."""
    b = DagBuilder(label)
    px = b.stream_input("price", tags=["px", "eq"])
    vol = b.stream_input("volume", tags=["px"])
    b.processing("spread", [px, vol])
    b.processing("signal", [px], period=0)
    b.tag_query("peers", ["px"])
    return b.build().as_json()


# -- health ----------------------------------------------------------------------


def test_qmtl_health_says_running_and_names_no_neo4j(client):
    reply = client.status()
    assert (reply.neo4j, reply.state) == ("n/a", "running")


@pytest.mark.parametrize(
    "service",
    ["", "qmtl.services.dagmanager.HealthCheck", "qmtl.services.dagmanager.DiffService",
     "qmtl.services.dagmanager.TagQuery", "qmtl.services.dagmanager.AdminService"],
)
def test_standard_health_serves_the_server_and_each_service(client, service):
    assert client.standard_health(service) == "SERVING"


def test_standard_health_does_not_know_other_services(client):
    with pytest.raises(DagManagerError) as err:
        client.standard_health("no.such.Service")
    assert err.value.code == grpc.StatusCode.NOT_FOUND


# -- diff --------------------------------------------------------------------------


def test_a_diff_streams_a_namespaced_queue_map_in_acknowledged_chunks(client):
    dag = five_node_dag(uid("diff"))
    sid = uid("s")
    outcome = client.diff(sid, dag, world_id="w1", execution_domain="backtest")
    assert len(outcome.chunks) == 2  # four queue-bearing nodes at two per chunk
    assert outcome.resends == [], "a caller that acknowledges at once never sees a re-send"
    assert outcome.sentinel_id == f"{sid}-sentinel"
    assert all(c.sentinel_id == outcome.sentinel_id for c in outcome.chunks)
    assert outcome.version == "v1"
    assert outcome.crc32 == node_ids_crc32(n["node_id"] for n in dag["nodes"])
    queue_bearing = {n["node_id"]: n for n in dag["nodes"] if n["node_type"] != "TagQueryNode"}
    assert len(outcome.queue_map) == 4
    for key, queue in outcome.queue_map.items():
        match = KEY_SHAPE.match(key)
        assert match, key
        node = queue_bearing[match.group(1)]
        assert int(match.group(2)) == node["interval"]
        digest = node["node_id"].split(":")[1][:22]
        assert queue == f"w1.backtest.asset_{node['node_type']}_{digest}_v1"
    # New queues of nodes that keep a window must be warmed up; period 0 needs nothing.
    warmed = {b.node_id: b for b in outcome.buffer_nodes}
    assert set(warmed) == {nid for nid, n in queue_bearing.items() if n["period"] > 0}
    assert all(b.lag == queue_bearing[b.node_id]["period"] for b in warmed.values())


def test_a_chunk_arrives_again_while_its_acknowledgement_is_withheld(client):
    observe = 1.0
    outcome = client.diff_without_acks(uid("s"), five_node_dag(uid("noack")), world_id="w1", execution_domain="live", observe_for=observe)
    assert outcome.ended_with == grpc.StatusCode.DEADLINE_EXCEEDED, outcome.describe()
    assert {d.chunk_id for d in outcome.deliveries} == {0}, "chunk 1 must wait for chunk 0's acknowledgement"
    # About observe / resend-interval re-sends; a loaded machine may fit in fewer, never in none.
    assert len(outcome.resends) >= 2, outcome.describe()
    first = outcome.deliveries[0].chunk.SerializeToString(deterministic=True)
    assert all(d.chunk.SerializeToString(deterministic=True) == first for d in outcome.deliveries)


def test_a_late_acknowledgement_lets_the_diff_finish(client):
    outcome = client.diff(uid("s"), five_node_dag(uid("late")), world_id="w1", execution_domain="live", ack_on_copy=2)
    assert len(outcome.chunks) == 2
    assert len(outcome.resends) == 2, outcome.describe()
    assert len(outcome.queue_map) == 4


def test_diffing_for_a_second_world_adds_that_worlds_queues_and_bumps_the_version(client):
    dag = two_node_strategy(uid("worlds")).as_json()
    sid = uid("s")
    first = client.diff(sid, dag, world_id="wa", execution_domain="live")
    second = client.diff(sid, dag, world_id="wb", execution_domain="live")
    again = client.diff(sid, dag, world_id="wa", execution_domain="live")
    assert second.version == "v2" and again.version == "v3"
    assert all(q.startswith("wb.live.") for q in second.queue_map.values())
    assert set(first.queue_map.values()) == set(again.queue_map.values())
    assert again.buffer_nodes == [], "queues that already exist need no warm-up"
    stats = client.queue_stats(filter=dag["nodes"][0]["node_id"].split(":")[1][:22])
    assert sorted(q.split(".")[0] for q in stats) == ["wa", "wb"]


def test_a_diff_without_world_fields_takes_the_world_and_domain_from_the_dags_meta(client):
    built = two_node_strategy(uid("meta"))
    from_meta = client.diff(uid("s"), built.as_json(meta={"world": "wm", "domain": "backtest"}))
    assert all(q.startswith("wm.backtest.") for q in from_meta.queue_map.values()), from_meta.describe()
    # The request's own fields win over the DAG's meta.
    from_request = client.diff(uid("s"), built.as_json(meta={"world_id": "wm", "execution_domain": "backtest"}),
                               world_id="wr", execution_domain="live")
    assert all(q.startswith("wr.live.") for q in from_request.queue_map.values()), from_request.describe()
    bare = client.diff(uid("s"), built.as_json())
    assert not any("." in q for q in bare.queue_map.values()), bare.describe()


@pytest.mark.parametrize(
    "dag_json, message",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2, 3]", "got a JSON list"),
        ('{"schema_version": "v1"}', "no 'nodes' list"),
    ],
)
def test_a_dag_that_cannot_be_diffed_is_invalid_argument(client, dag_json, message):
    with pytest.raises(DagManagerError) as err:
        client.diff(uid("s"), dag_json, world_id="w1")
    assert err.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert message in err.value.details


def test_a_diff_needs_a_strategy_and_a_plain_world_name(client):
    dag = two_node_strategy(uid("args")).as_json()
    with pytest.raises(DagManagerError, match="strategy_id is required"):
        client.diff("", dag)
    with pytest.raises(DagManagerError, match="world_id"):
        client.diff(uid("s"), dag, world_id="w.1")


# -- tag queries -----------------------------------------------------------------


def test_tag_queries_find_diffed_queues_and_honour_match_mode(client):
    tag_a, tag_b = uid("ta"), uid("tb")
    b = DagBuilder(uid("tags"))
    both = b.stream_input("both", tags=[tag_a, tag_b])
    b.stream_input("only_a", tags=[tag_a])
    b.processing("untagged", [both])
    dag = b.build().as_json()
    outcome = client.diff(uid("s"), dag, world_id="wt", execution_domain="live")
    by_node = {KEY_SHAPE.match(k).group(1): q for k, q in outcome.queue_map.items()}
    q_both, q_a = by_node[dag["nodes"][0]["node_id"]], by_node[dag["nodes"][1]["node_id"]]

    any_of = client.get_queues([tag_a, tag_b], 60, "any")
    assert any_of == sorted([{"queue": q_both, "global": False}, {"queue": q_a, "global": False}], key=lambda d: d["queue"])
    assert client.get_queues([tag_a, tag_b], 60, "all") == [{"queue": q_both, "global": False}]
    assert client.get_queues([tag_a], 60, "") == client.get_queues([tag_a], 60, "any"), "empty match_mode means any"
    assert client.get_queues([tag_a], 30, "any") == [], "another interval finds nothing"
    assert client.get_queues([], 60, "any") == []


def test_queues_diffed_without_a_world_are_global(client):
    tag = uid("g")
    b = DagBuilder(uid("global"))
    b.stream_input("px", tags=[tag])
    client.diff(uid("s"), b.build().as_json())
    (found,) = client.get_queues([tag], 60)
    assert found["global"] is True and "." not in found["queue"]


def test_an_unknown_match_mode_is_invalid_argument(client):
    with pytest.raises(DagManagerError) as err:
        client.get_queues(["x"], 60, "most")
    assert err.value.code == grpc.StatusCode.INVALID_ARGUMENT


# -- admin -------------------------------------------------------------------------


def test_queue_stats_list_diffed_queues_and_filter_by_name(client):
    outcome = client.diff(uid("s"), five_node_dag(uid("stats")), world_id="ws", execution_domain="backtest")
    stats = client.queue_stats()
    for queue in outcome.queue_map.values():
        assert stats[queue] == 0, "no broker: queues are empty from birth"
    one = next(iter(outcome.queue_map.values()))
    assert client.queue_stats(filter=one) == {one: 0}
    assert client.queue_stats(filter=uid("nothing")) == {}


def test_cleanup_releases_a_strategys_queues_but_not_ones_another_strategy_shares(client):
    tag = uid("c")
    shared = DagBuilder(uid("shared"))
    shared.stream_input("px", tags=[tag])
    dag = shared.build().as_json()
    s1, s2 = uid("s"), uid("s")
    first = client.diff(s1, dag, world_id="wc", execution_domain="live")
    client.diff(s2, dag, world_id="wc", execution_domain="live")
    (queue,) = first.queue_map.values()

    client.cleanup(s1)
    assert queue in client.queue_stats(filter=queue), "s2 still uses the queue"
    client.cleanup(s2)
    assert client.queue_stats(filter=queue) == {}
    assert client.get_queues([tag], 60) == []
    with pytest.raises(DagManagerError) as err:
        client.redo_diff(f"{s1}-sentinel")
    assert err.value.code == grpc.StatusCode.NOT_FOUND
    client.cleanup(s1)  # cleaning again is harmless


def test_redo_diff_rebuilds_every_world_with_the_new_dag(client):
    label = uid("redo")
    sid = uid("s")
    old = DagBuilder(label)
    px = old.stream_input("price")
    old.processing("signal", [px])
    old_dag = old.build().as_json()
    client.diff(sid, old_dag, world_id="wr1", execution_domain="live")
    client.diff(sid, old_dag, world_id="wr2", execution_domain="live")
    old_queues = set(client.queue_stats(filter=old_dag["nodes"][1]["node_id"].split(":")[1][:22]))
    assert len(old_queues) == 2

    new = DagBuilder(label)
    px = new.stream_input("price")
    new.processing("momentum", [px])
    new_dag = new.build().as_json()
    result = client.redo_diff(f"{sid}-sentinel", new_dag)
    assert result.sentinel_id == f"{sid}-sentinel"
    assert result.version == "v3"
    assert len(result.queue_map) == 4  # two nodes in two worlds
    assert {q.split(".")[0] for q in result.queue_map.values()} == {"wr1", "wr2"}
    for queue in old_queues:
        assert client.queue_stats(filter=queue) == {}, f"{queue} belonged only to the old DAG"

    again = client.redo_diff(f"{sid}-sentinel")
    assert dict(again.queue_map) == dict(result.queue_map), "an empty dag_json redoes the last DAG"
    assert again.version == "v4"


def test_redo_diff_of_an_unknown_sentinel_is_not_found(client):
    with pytest.raises(DagManagerError) as err:
        client.redo_diff(uid("nobody") + "-sentinel")
    assert err.value.code == grpc.StatusCode.NOT_FOUND


def test_ack_chunk_echoes_even_when_nothing_waits(client):
    reply = client.ack_chunk("nobody-sentinel", 3)
    assert (reply.sentinel_id, reply.chunk_id) == ("nobody-sentinel", 3)


# -- state lives in Redis ----------------------------------------------------------


def test_state_is_in_redis_under_the_documented_keys_and_survives_a_restart(redis_url, tmp_path):
    proc, address = start_dagmanager(redis_url, tmp_path / "dm1.log")
    tag, sid = uid("r"), uid("s")
    b = DagBuilder(uid("restart"))
    b.stream_input("px", tags=[tag])
    dag = b.build().as_json()
    try:
        with DagManagerClient(address) as c:
            (queue,) = c.diff(sid, dag, world_id="wp", execution_domain="live").queue_map.values()
    finally:
        proc.stop()

    store = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        assert store.hget(f"qmtl:dagmanager:queue:{queue}", "node_id") == dag["nodes"][0]["node_id"]
        assert store.sismember(f"qmtl:dagmanager:tag:60:{tag}", queue)
        assert store.get(f"qmtl:dagmanager:sentinel:{sid}-sentinel") == sid
        assert store.smembers(f"qmtl:dagmanager:strategy:{sid}:queues") == {queue}
    finally:
        store.close()

    proc, address = start_dagmanager(redis_url, tmp_path / "dm2.log")
    try:
        with DagManagerClient(address) as c:
            assert c.get_queues([tag], 60) == [{"queue": queue, "global": False}]
            assert c.redo_diff(f"{sid}-sentinel").version == "v2"
    finally:
        proc.stop()
