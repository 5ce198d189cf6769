"""The DAG Manager scenes' pure parts, without behave or a DAG Manager: shapes, crafting, matching, messages."""
from __future__ import annotations

import json
import time
from types import SimpleNamespace

import pytest

from qmtl_acceptance.clients.dagmanager import Delivery
from qmtl_acceptance.dag import DagBuilder
from qmtl_acceptance.errors import TargetFailure
from qmtl_acceptance.scenes import dagmanager_shapes as shapes
from qmtl_acceptance.scenes.cases import CHOICES
from qmtl_acceptance.scenes.dagmanager_admin import AdminScene
from qmtl_acceptance.scenes.dagmanager_dags import MALFORMED, SHAPES, computations_first, four_node, large
from qmtl_acceptance.scenes.dagmanager_query import TagQueryScene
from qmtl_acceptance.scenes.dagmanager_session import DmStrategy
from qmtl_wire import dagmanager_pb2 as pb
from qmtl_wire.nodeid import node_ids_crc32

CK = "c" * 64


def key(node: dict, interval: int | None = None) -> str:
    return f"{node['node_id']}:{node['interval'] if interval is None else interval}:0#ck={CK}"


def queue(node: dict, prefix: str = "w1.live.") -> str:
    return f"{prefix}asset_{node['node_type']}_{shapes.digest(node['node_id'])[:22]}_v1"


def good_map(dag, prefix: str = "w1.live.") -> dict[str, str]:
    return {key(n): queue(n, prefix) for n in dag.nodes}


# -- keys and names


def test_a_canonical_key_parses_and_a_bare_node_id_does_not():
    dag = four_node("unit")
    parsed = shapes.parse_key(key(dag.nodes[1]))
    assert parsed == shapes.QueueKey(dag.nodes[1]["node_id"], 300, 0, CK)
    assert shapes.parse_key(dag.nodes[1]["node_id"]) is None


def test_key_problems_name_a_wrong_interval_an_unknown_node_and_a_bad_shape():
    dag = four_node("unit")
    assert shapes.key_problems(good_map(dag), dag.nodes) == []
    volume = dag.nodes[1]
    wrong = {key(volume, interval=60): "q", f"blake3:{'0' * 64}:60:0#ck=x": "q", "price:60": "q"}
    problems = " | ".join(shapes.key_problems(wrong, dag.nodes))
    assert "names interval 60, the node's is 300" in problems
    assert "a node the DAG does not have" in problems
    assert "'price:60' is not" in problems


def test_namespace_problems_catch_a_missing_node_a_foreign_prefix_and_a_second_queue():
    dag = four_node("unit")
    assert shapes.namespace_problems(good_map(dag), dag.node_ids, "w1.live.") == []
    first, last = dag.nodes[0], dag.nodes[-1]
    missing = {k: v for k, v in good_map(dag).items() if not k.startswith(last["node_id"])}
    assert "1 of 4 nodes have no queue" in shapes.namespace_problems(missing, dag.node_ids, "w1.live.")[0]
    foreign = {**good_map(dag), key(first): queue(first, "w2.live.")}
    assert "lack exactly one queue named w1.live." in shapes.namespace_problems(foreign, dag.node_ids, "w1.live.")[0]
    twice = {**good_map(dag), f"{first['node_id']}:60:1#ck={CK}": queue(first) + "x"}
    assert shapes.namespace_problems(twice, dag.node_ids, "w1.live.")
    with pytest.raises(ValueError):
        shapes.namespace_problems({}, [], "w1.live.")


def test_name_problems_catch_another_nodes_queue_and_a_wrong_type():
    dag = four_node("unit")
    assert shapes.name_problems(good_map(dag), dag.nodes) == []
    price, spread = dag.nodes[0], dag.nodes[2]
    swapped = {**good_map(dag), key(price): queue(spread)}
    problems = " | ".join(shapes.name_problems(swapped, dag.nodes))
    assert "names type ProcessingNode, its node is a StreamInput" in problems
    assert "does not carry the id of its node" in problems
    assert shapes.name_problems({key(price): "w1.live.price"}, dag.nodes) == ["queue 'w1.live.price' is not <asset>_<NodeType>_<hex>_v<n>"]


def test_a_queue_name_shows_any_prefix_of_its_nodes_digest_from_six_digits_on():
    dag = four_node("unit")
    price = dag.nodes[0]
    hex_digits = price["node_id"].split(":", 1)[1]
    named = lambda shown: {key(price): f"w1.live.price_StreamInput_{shown}_v1"}  # noqa: E731
    for length in (6, 8, 12, 22, 64):
        assert shapes.name_problems(named(hex_digits[:length]), dag.nodes) == [], length
    off_by_one = hex_digits[1:9]
    assert "is not the start of its digest" in shapes.name_problems(named(off_by_one), dag.nodes)[0]
    assert shapes.name_problems(named(hex_digits[:5]), dag.nodes)  # under the pattern's six digits


# -- buffering


def instruction(node: dict, **changes) -> pb.BufferInstruction:
    fields = {**shapes.expected_buffers([node])[node["node_id"]], **changes}
    return pb.BufferInstruction(node_id=node["node_id"], **fields)


def test_buffering_is_expected_for_nodes_with_a_period_only():
    dag = four_node("unit")
    wanted = shapes.expected_buffers(dag.nodes)
    assert set(wanted) == set(dag.node_ids[:3]), "the signal node has period 0"
    assert wanted[dag.nodes[1]["node_id"]]["lag"] == 3 and wanted[dag.nodes[1]["node_id"]]["tags"] == ["crypto", "spot"]


def test_buffer_coverage_catches_a_missing_an_unwanted_and_a_repeated_instruction():
    dag = four_node("unit")
    good = [instruction(n) for n in dag.nodes[:3]]
    assert shapes.buffer_coverage_problems(good, dag.nodes) == []
    signal = dag.nodes[3]
    unwanted = good + [pb.BufferInstruction(node_id=signal["node_id"], period=0)]
    assert "without a period" in shapes.buffer_coverage_problems(unwanted, dag.nodes)[0]
    assert "no buffering instruction" in shapes.buffer_coverage_problems(good[1:], dag.nodes)[0]
    assert "more than one" in shapes.buffer_coverage_problems(good + good[:1], dag.nodes)[0]


def test_buffer_fields_catch_a_lag_that_is_not_the_period_and_a_lost_tag():
    dag = four_node("unit")
    volume = dag.nodes[1]
    assert shapes.buffer_field_problems([instruction(volume)], dag.nodes) == []
    problems = shapes.buffer_field_problems([instruction(volume, lag=0, tags=["spot"])], dag.nodes)
    assert "lag 0 (its node's: 3)" in problems[0] and "tags ['spot']" in problems[0]


# -- chunks, checksums, re-sends and acknowledgements


def chunk(sentinel: str = "s-sentinel", version: str = "v1", crc: int | None = None, entries: dict | None = None) -> pb.DiffChunk:
    made = pb.DiffChunk(sentinel_id=sentinel, version=version, queue_map=entries or {})
    if crc is not None:
        made.crc32 = crc
    return made


def test_chunk_identity_catches_a_wrong_sentinel_in_the_second_chunk_and_mixed_or_empty_versions():
    assert shapes.chunk_identity_problems([chunk(), chunk()], "s-sentinel") == []
    assert shapes.chunk_identity_problems([chunk(version="2026.1")], "s-sentinel") == [], "any label is a version"
    assert "chunk 1 names sentinel 'other'" in shapes.chunk_identity_problems([chunk(), chunk("other")], "s-sentinel")[0]
    assert "versions ['v1', 'v2']" in shapes.chunk_identity_problems([chunk(), chunk(version="v2")], "s-sentinel")[0]
    for empty in ("", " "):
        assert "no version label" in shapes.chunk_identity_problems([chunk(version=empty)], "s-sentinel")[0]
        assert "versions" in shapes.chunk_identity_problems([chunk(), chunk(version=empty)], "s-sentinel")[0]
    assert shapes.chunk_identity_problems([], "s-sentinel") == ["the diff delivered no chunk"]


def test_the_checksum_is_of_the_submitted_order_not_a_sorted_or_topological_one():
    dag = computations_first("unit")
    submitted = node_ids_crc32(dag.node_ids)
    streams_first = node_ids_crc32(four_node("unit").node_ids)
    assert submitted != streams_first
    assert shapes.checksum_problems([chunk(crc=submitted)] * 2, dag.node_ids) == []
    assert "chunk 1 carries checksum" in shapes.checksum_problems([chunk(crc=submitted), chunk(crc=streams_first)], dag.node_ids)[0]
    assert "checksum none" in shapes.checksum_problems([chunk()], dag.node_ids)[0]


def test_a_key_in_two_chunks_is_found():
    assert shapes.repeated_keys([chunk(entries={"a": "1"}), chunk(entries={"b": "2"})]) == []
    assert shapes.repeated_keys([chunk(entries={"a": "1"}), chunk(entries={"a": "1", "b": "2"})]) == ["a"]


def deliveries(*ids: int) -> tuple[Delivery, ...]:
    seen, last = [], None
    for chunk_id in ids:
        message = chunk(entries={str(chunk_id): "q"})
        seen.append(Delivery(chunk_id, message, chunk_id == last, time.monotonic()))
        last = chunk_id
    return tuple(seen)


def test_resend_problems_want_exactly_the_withheld_chunk_twice():
    assert shapes.resend_problems(deliveries(0, 1, 1, 2), 1) == []
    assert "arrived 1 time(s)" in shapes.resend_problems(deliveries(0, 1, 2), 1)[0]
    assert "other chunks arrived more than once: {0: 2}" in shapes.resend_problems(deliveries(0, 0, 1, 1, 2), 1)[0]
    assert "no chunk 3" in shapes.resend_problems(deliveries(0, 1), 3)[0]


def test_ack_answers_must_echo_what_was_sent():
    sent = pb.ChunkAck(sentinel_id="s", chunk_id=2)
    assert shapes.ack_answer_problems([(sent, pb.ChunkAck(sentinel_id="s", chunk_id=2))]) == []
    assert "answered with chunk 0" in shapes.ack_answer_problems([(sent, pb.ChunkAck(sentinel_id="s", chunk_id=0))])[0]
    assert shapes.ack_answer_problems([]) == ["no acknowledgement was sent"]


# -- crafting


def test_every_shape_builds_canonical_distinct_dags_and_the_large_one_needs_three_chunks():
    for phrase, build in SHAPES.items():
        dag = build("unit")
        assert len(set(dag.node_ids)) == len(dag.nodes), phrase
    assert len(large("unit").nodes) > 200
    assert SHAPES["a price stream and one computation"]("a").node_ids != SHAPES["a price stream and one computation"]("b").node_ids


def test_every_malformed_dag_is_really_malformed():
    dag = four_node("unit")
    for phrase, (names_strategy, craft) in MALFORMED.items():
        text = craft(dag)
        if not names_strategy:
            assert json.loads(text)["nodes"], phrase
            continue
        try:
            body = json.loads(text)
        except ValueError:
            continue
        nodes = body.get("nodes") if isinstance(body, dict) else None
        broken = (not isinstance(nodes, list) or any("node_id" not in n or "node_type" not in n for n in nodes)
                  or any(isinstance(n.get("interval"), str) for n in nodes) or len({n["node_id"] for n in nodes}) < len(nodes))
        assert broken, phrase
    assert dag.as_json()["nodes"][1]["node_id"], "crafting must not change the DAG it starts from"


def test_the_registries_are_phrases_of_the_vocabulary():
    assert set(CHOICES["StrategyShape"]) == set(SHAPES)
    assert set(CHOICES["MalformedDag"]) == set(MALFORMED)
    assert {"first", "middle", "last"} == set(CHOICES["ChunkPosition"])


# -- matching with a fake session


def fake_session(queue_maps: dict[str, dict[str, str]], streams: dict[str, str], answer=None):
    strategy = DmStrategy("s1", DagBuilder("x").build(), streams=streams)
    outcomes = {w: SimpleNamespace(queue_map=m, version="v1") for w, m in queue_maps.items()}
    strategy.diffs = [SimpleNamespace(world_role=w, world_id=w, prefix=f"{w}.live.", outcome=o) for w, o in outcomes.items()]
    client = SimpleNamespace(get_queues=lambda tags, interval, mode: answer, queue_stats=lambda filter="": answer)
    scenario = SimpleNamespace(ids=lambda role: f"id-{role}", observe=lambda name, text: None, seconds=lambda s: s)
    return SimpleNamespace(strategies={"the strategy": strategy}, client=client, scenario=scenario,
                           strategy=lambda role="the strategy": strategy, worlds={"alpha": "wa", "beta": "wb"})


def test_a_tag_answer_must_hold_exactly_the_named_streams_queues():
    session = fake_session({"wa": {"n1:60:0#ck=a": "wa.live.q1", "n2:60:0#ck=b": "wa.live.q2"}},
                           {"quotes": "n1", "trades": "n2"},
                           answer=[{"queue": "wa.live.q1", "global": False}])
    scene = TagQueryScene(session)
    scene.ask(["spot"], 60, "any")
    scene.answered_with("quotes only")
    with pytest.raises(TargetFailure, match="expected the queues of quotes and trades"):
        scene.answered_with("quotes and trades")


def test_a_tag_answer_calling_a_worlds_queue_global_fails():
    session = fake_session({"wa": {"n1:60:0#ck=a": "wa.live.q1"}}, {"quotes": "n1"}, answer=[{"queue": "wa.live.q1", "global": True}])
    scene = TagQueryScene(session)
    scene.ask(["spot"], 60, "any")
    with pytest.raises(TargetFailure, match="reported global"):
        scene.answered_with("quotes only")


def test_filtered_statistics_must_list_every_matching_queue_and_may_list_more():
    maps = {"wa": {"k1": "wa.live.q1"}, "wb": {"k2": "wb.live.q2"}}
    scene = AdminScene(fake_session(maps, {}, answer={"wa.live.q1": 0, "wb.live.q2": 0}))
    scene.read_stats("the first world's id")
    assert scene.filter == "wa"
    scene.lists_matching()
    scene = AdminScene(fake_session(maps, {}, answer={"wb.live.q2": 0}))
    scene.read_stats("the first world's id")
    with pytest.raises(TargetFailure, match="lacking"):
        scene.lists_matching()


def test_statistics_sizes_must_be_counts():
    maps = {"wa": {"k1": "wa.live.q1"}}
    scene = AdminScene(fake_session(maps, {}, answer={"wa.live.q1": -1}))
    scene.read_stats()
    with pytest.raises(TargetFailure, match="not a count"):
        scene.sizes_not_negative()


def test_the_four_node_strategy_keeps_canonical_ids_with_compat_ids_of_its_own():
    from qmtl_wire.nodeid import compute_node_id

    dag = four_node("unit")
    assert all(compute_node_id(n) == n["node_id"] for n in dag.nodes)
    assert all(n["schema_compat_id"] != n["schema_hash"] for n in dag.nodes)
    ids = set(dag.node_ids)
    assert all(d in ids for n in dag.nodes for d in n["dependencies"] + n["inputs"])
    assert sorted(computations_first("unit").node_ids) == sorted(dag.node_ids) != computations_first("unit").node_ids
