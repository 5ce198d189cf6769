"""The suite's DAG builder and the wire module reproduce QMTL's own node ids byte for byte."""
import json
from pathlib import Path

import pytest

from qmtl_acceptance.dag import DagBuilder, two_node_strategy
from qmtl_wire.nodeid import canonical_preimage, compute_node_id, node_ids_crc32

DATA = Path(__file__).parent / "data"
VECTORS = json.loads((DATA / "node-id-vectors.json").read_text())
SHARED = Path(__file__).resolve().parents[3] / "shared" / "contract" / "node-id-vectors.json"


@pytest.mark.parametrize("case", VECTORS["node_id_cases"], ids=lambda c: c["name"])
def test_node_id_matches_qmtl(case):
    assert canonical_preimage(case["node"]) == case["canonical_preimage"]
    assert compute_node_id(case["node"]) == case["node_id"]


@pytest.mark.parametrize("case", VECTORS["crc32_cases"], ids=lambda c: f"{len(c['node_ids'])}-ids")
def test_crc32_matches_qmtl(case):
    assert node_ids_crc32(case["node_ids"]) == case["node_ids_crc32"]


def test_sample_dag_accepted_by_qmtl_has_canonical_ids():
    sample = json.loads((DATA / "sample-dag.json").read_text())
    nodes = sample["dag"]["nodes"]
    assert [compute_node_id(n) for n in nodes] == [n["node_id"] for n in nodes]
    assert node_ids_crc32(n["node_id"] for n in nodes) == sample["node_ids_crc32"]


@pytest.mark.skipif(not SHARED.exists(), reason="no contract folder beside the checkout")
def test_vendored_vectors_equal_the_contract():
    assert json.loads(SHARED.read_text()) == VECTORS


def test_builder_nodes_carry_their_canonical_ids():
    builder = DagBuilder("label-1")
    price = builder.stream_input("price", interval=60, period=5, tags=["price"])
    builder.processing("signal", [price], params={"window": 3, "world_id": "ignored"})
    builder.tag_query("feed", ["ohlcv", "price"], match_mode="all")
    dag = builder.build()
    for node in dag.nodes:
        assert node["node_id"] == compute_node_id(node)
    assert dag.crc32 == node_ids_crc32(dag.node_ids)


def test_builder_labels_keep_scenarios_apart():
    assert two_node_strategy("a").node_ids != two_node_strategy("b").node_ids
    assert two_node_strategy("a").node_ids == two_node_strategy("a").node_ids
