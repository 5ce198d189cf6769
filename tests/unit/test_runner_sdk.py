"""The strategy SDK: DAG specs the Gateway accepts, caches, history windows."""
from __future__ import annotations

import asyncio
import base64
import json

import pytest

from qmtl_reference.data import COVERAGE, ONE_MINUTE_FILE, ONE_MINUTE_GAP, shipped_path
from qmtl_reference.samples.sample_strategy import SampleStrategy
from qmtl_reference.sdk import (
    CsvHistoryProvider,
    HistoryError,
    NodeCache,
    NodeError,
    ProcessingNode,
    Strategy,
    StreamInput,
    buckets_in,
    first_bucket_at_or_after,
    serialize,
)
from qmtl_wire.nodeid import compute_node_id, missing_node_fields, node_ids_crc32


def _sample() -> SampleStrategy:
    strategy = SampleStrategy()
    strategy.setup()
    return strategy


def test_sample_dag_carries_valid_node_ids_and_checksum():
    dag = serialize(_sample(), world_id="w1")
    nodes = dag.dag["nodes"]
    assert dag.dag["schema_version"] == "v1"
    assert [n["name"] for n in nodes] == ["price", "trend", "momentum"]
    for node in nodes:
        assert node["node_id"] == compute_node_id(node)
        assert missing_node_fields(node) == []
    assert dag.crc32 == node_ids_crc32([n["node_id"] for n in nodes])
    momentum = nodes[2]
    assert momentum["dependencies"] == [nodes[0]["node_id"], nodes[1]["node_id"]]
    decoded = json.loads(base64.b64decode(dag.dag_json_base64()))
    assert decoded == dag.dag


def test_world_changes_the_dag_text_but_not_the_node_ids():
    in_w1 = serialize(_sample(), world_id="w1")
    in_w2 = serialize(_sample(), world_id="w2")
    assert in_w1.ordered_ids == in_w2.ordered_ids
    assert in_w1.dag_json_base64() != in_w2.dag_json_base64()
    assert in_w1.dag["nodes"][0]["params"]["world_id"] == "w1"


def test_editing_a_compute_function_changes_its_node_id():
    price = StreamInput(name="p", interval=60, period=2, params={"s": 1})

    def first(inputs):
        return 1

    def second(inputs):
        return 2

    ids = []
    for fn in (first, second):
        strategy = Strategy()
        strategy.add_nodes([price, ProcessingNode(inputs=[price], compute_fn=fn, name="x", interval=60, period=1)])
        ids.append(serialize(strategy).ordered_ids[1])
    assert ids[0] != ids[1]


def test_two_nodes_computing_the_same_thing_are_refused():
    strategy = Strategy()
    strategy.add_nodes([StreamInput(name="a", interval=60, period=5), StreamInput(name="b", interval=60, period=5)])
    with pytest.raises(NodeError, match="compute the same thing"):
        serialize(strategy)


def test_a_node_reading_an_unadded_node_is_refused():
    hidden = StreamInput(name="hidden", interval=60, period=5)
    strategy = Strategy()
    strategy.add_nodes([ProcessingNode(inputs=[hidden], compute_fn=len, name="x", interval=60, period=1)])
    with pytest.raises(NodeError, match="did not add"):
        strategy.ordered_nodes()


@pytest.mark.parametrize("interval, period", [(0, 5), (60, 0), (1.5, 5), ("60", 5), (True, 5)])
def test_node_shape_is_checked(interval, period):
    with pytest.raises(NodeError):
        StreamInput(name="s", interval=interval, period=period)


def test_cache_keeps_the_last_period_rows_and_live_rows_win_over_history():
    cache = NodeCache(3)
    cache.append({"ts": 300, "close": "live"})
    cache.backfill([{"ts": t, "close": "history"} for t in (60, 120, 180, 240, 300)])
    assert cache.timestamps() == [180, 240, 300]
    assert cache.rows()[-1]["close"] == "live"
    assert cache.last_ts() == 300


def test_buckets_are_epoch_aligned_and_the_window_is_half_open():
    assert first_bucket_at_or_after(1700000000, 60) == 1700000040
    assert first_bucket_at_or_after(1700000040, 60) == 1700000040
    window = list(buckets_in(1700000000, 1700003600, 60))
    assert len(window) == 60 and window[0] == 1700000040 and window[-1] == 1700003580
    assert list(buckets_in(120, 240, 60)) == [120, 180]


def _fetch(provider, start, end, interval=60):
    return asyncio.run(provider.fetch(start, end, node_id="blake3:x", interval=interval))


def test_csv_provider_returns_exactly_the_half_open_window():
    provider = CsvHistoryProvider(shipped_path(ONE_MINUTE_FILE), interval=60)
    rows = _fetch(provider, 1700002800, 1700003400)
    assert [r["ts"] for r in rows] == list(range(1700002800, 1700003400, 60))
    assert set(rows[0]) == {"ts", "open", "high", "low", "close", "volume"}
    assert isinstance(rows[0]["close"], float)


def test_shipped_history_has_its_documented_gap_and_nothing_else_missing():
    provider = CsvHistoryProvider(shipped_path(ONE_MINUTE_FILE), interval=60)
    got = {r["ts"] for r in _fetch(provider, *COVERAGE)}
    assert sorted(set(range(*COVERAGE, 60)) - got) == list(ONE_MINUTE_GAP)


def test_csv_provider_refuses_another_interval(tmp_path):
    provider = CsvHistoryProvider(shipped_path(ONE_MINUTE_FILE), interval=60)
    with pytest.raises(HistoryError, match="60-second bars"):
        _fetch(provider, 0, 10, interval=300)


def test_csv_provider_names_a_bad_file(tmp_path):
    with pytest.raises(HistoryError, match="cannot read"):
        _fetch(CsvHistoryProvider(tmp_path / "absent.csv"), 0, 10)
    bad = tmp_path / "bad.csv"
    bad.write_text("ts,close\n60,1\nsoon,2\n")
    with pytest.raises(HistoryError, match="line 3"):
        _fetch(CsvHistoryProvider(bad), 0, 1000)
    headless = tmp_path / "headless.csv"
    headless.write_text("time,close\n60,1\n")
    with pytest.raises(HistoryError, match="no 'ts' column"):
        _fetch(CsvHistoryProvider(headless), 0, 1000)
