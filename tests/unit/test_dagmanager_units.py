"""The reference DAG Manager's pure parts: reading DAGs, naming queues, chunking, acknowledgements."""
from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest

from qmtl_acceptance.dag import DagBuilder
from qmtl_reference.dagmanager.acks import AckBook
from qmtl_reference.dagmanager.dag import DagError, DagScope, dag_scope, parse_dag
from qmtl_reference.dagmanager.naming import DiffContext, NamingError, queue_map_key, queue_name, sentinel_id
from qmtl_reference.dagmanager.plan import in_chunks, plan_queues

SAMPLE = json.loads((Path(__file__).parent / "data" / "sample-dag.json").read_text())["dag"]
KEY_SHAPE = re.compile(r"^blake3:[0-9a-f]{64}:\d+:0#ck=[0-9a-f]{64}$")


def test_the_contract_dry_run_example_name_comes_out_exactly():
    stream_input = parse_dag(json.dumps(SAMPLE))[0]
    assert queue_name(stream_input, DiffContext("w1", "backtest")) == "w1.backtest.asset_StreamInput_571eb38bc9a25ff3413b00_v1"


def test_queue_map_keys_have_the_contract_shape_and_differ_per_world():
    node = parse_dag(json.dumps(SAMPLE))[1]
    k1 = queue_map_key(node, DiffContext("w1", "backtest"))
    k2 = queue_map_key(node, DiffContext("w2", "backtest"))
    assert KEY_SHAPE.match(k1), k1
    assert k1.startswith(node.node_id + ":1:0#ck=")
    assert k1 != k2


def test_without_a_world_the_queue_is_global_and_bare():
    node = parse_dag(json.dumps(SAMPLE))[0]
    (plan,) = [p for p in plan_queues([node], DiffContext()) if p.node is node]
    assert plan.queue == "asset_StreamInput_571eb38bc9a25ff3413b00_v1"
    assert plan.is_global


def test_a_missing_domain_defaults_to_live():
    node = parse_dag(json.dumps(SAMPLE))[0]
    assert queue_name(node, DiffContext("w9")).startswith("w9.live.")


def test_the_asset_param_names_the_queue():
    builder = DagBuilder("units-asset")
    builder.stream_input("px", params={"asset": "BTC-USD"})
    node = parse_dag(json.dumps(builder.build().as_json()))[0]
    assert queue_name(node, DiffContext("w1", "live")).startswith("w1.live.btcusd_StreamInput_")


def test_tag_query_nodes_get_no_queue_and_carry_their_query_tags():
    builder = DagBuilder("units-tq")
    builder.tag_query("tq", ["b", "a"], match_mode="all")
    builder.stream_input("px", tags=["b"])
    nodes = parse_dag(json.dumps(builder.build().as_json()))
    assert nodes[0].tags == ("a", "b")
    assert nodes[0].match_mode == "all" and nodes[1].match_mode == "any"
    assert [p.node.node_type for p in plan_queues(nodes, DiffContext("w", "live"))] == ["StreamInput"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "dag_json is empty"),
        ("{not json", "dag_json is not valid JSON"),
        ("[1, 2]", "got a JSON list"),
        ('{"schema_version": "v1"}', "no 'nodes' list"),
        ('{"nodes": [7]}', "node 0 is not a JSON object"),
        ('{"nodes": [{"node_type": "StreamInput"}]}', "node 0 has no node_id"),
        ('{"nodes": [{"node_id": "blake3:aa"}]}', "has no node_type"),
        ('{"nodes": [{"node_id": "a", "node_type": "X"}, {"node_id": "a", "node_type": "X"}]}', "repeats node_id"),
        ('{"nodes": [{"node_id": "a", "node_type": "X", "interval": "soon"}]}', "interval must be an integer"),
    ],
)
def test_dags_that_cannot_be_diffed_are_refused_with_the_reason(text, message):
    with pytest.raises(DagError, match=re.escape(message)):
        parse_dag(text)


@pytest.mark.parametrize(
    "meta, scope",
    [
        (None, DagScope()),
        ("not an object", DagScope()),
        ({"world_id": "w1", "execution_domain": "backtest"}, DagScope("w1", "backtest")),
        ({"world": "w2", "domain": "DryRun"}, DagScope("w2", "dryrun")),
        ({"world": "", "world_id": "w3"}, DagScope("w3", "")),
        ({"world_id": 7}, DagScope("7", "")),
    ],
)
def test_a_dag_names_its_world_and_domain_in_its_meta(meta, scope):
    body = {"nodes": []} if meta is None else {"nodes": [], "meta": meta}
    assert dag_scope(json.dumps(body)) == scope


def test_a_meta_world_that_is_not_text_is_refused_with_the_reason():
    with pytest.raises(DagError, match=re.escape("meta.world_id must be a string")):
        dag_scope(json.dumps({"nodes": [], "meta": {"world_id": ["w1"]}}))


def test_a_world_with_a_dot_is_refused_because_it_would_blur_the_namespace():
    with pytest.raises(NamingError, match="world_id"):
        DiffContext("w.1", "live")


def test_contexts_round_trip_through_json():
    ctx = DiffContext("w1", "backtest", "2026-01-01", "p1", "fp")
    assert DiffContext.from_json(ctx.to_json()) == ctx


def test_sentinel_names_follow_the_strategy():
    assert sentinel_id("abc") == "abc-sentinel"


def test_chunks_split_by_size_and_an_empty_plan_still_yields_one_chunk():
    builder = DagBuilder("units-chunks")
    for i in range(5):
        builder.stream_input(f"s{i}")
    plans = plan_queues(parse_dag(json.dumps(builder.build().as_json())), DiffContext("w", "live"))
    assert [len(c) for c in in_chunks(plans, 2)] == [2, 2, 1]
    assert in_chunks([], 2) == [[]]


def test_an_acknowledgement_releases_exactly_one_waiter_oldest_first():
    async def scenario():
        book = AckBook()
        first, second = book.expect("s", 0), book.expect("s", 0)
        assert book.acknowledge("s", 0)
        assert first.is_set() and not second.is_set()
        assert not book.acknowledge("s", 1), "nobody waits for chunk 1"
        book.forget("s", 0, second)
        assert book.pending() == 0
        assert not book.acknowledge("s", 0), "a late acknowledgement finds nobody"

    asyncio.run(scenario())
