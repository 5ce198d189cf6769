"""The runner's backfill and live stages, in-process: exact windows, caches, metrics, order, faults."""
from __future__ import annotations

import asyncio
import re

import pytest

from qmtl_reference.data import ONE_MINUTE_GAP
from qmtl_reference.faults import ENV_VAR
from qmtl_reference.runner.errors import EXIT_FAILED, RunnerError
from qmtl_reference.runner.execute import RunOutcome, execute
from qmtl_reference.runner.plan import make_plan
from qmtl_reference.samples.sample_strategy import SampleStrategy
from qmtl_reference.sdk import Strategy, StreamInput, buckets_in

GUIDE = (1700000000, 1700003600)


def _run(strategy: Strategy | None = None, window=GUIDE, live_bars: int = 3) -> RunOutcome:
    strategy = strategy or SampleStrategy()
    if not strategy.nodes:
        strategy.setup()
    plan = make_plan("sample", strategy, world_id="w")
    return asyncio.run(execute(plan, start=window[0], end=window[1], live_bars=live_bars))


def _stream(outcome: RunOutcome, name: str):
    return next(s for s in outcome.streams if s.stream.name == name)


def _metric(outcome: RunOutcome, node_id: str, interval: int) -> int:
    pattern = rf'^backfill_last_timestamp\{{node_id="{re.escape(node_id)}",interval="{interval}"\}} (\d+)$'
    match = re.search(pattern, outcome.metrics.exposition(), re.M)
    assert match, outcome.metrics.exposition()
    return int(match.group(1))


def _processed_seqs(outcome: RunOutcome) -> list[int]:
    return [e["seq"] for e in outcome.live.processed]


def _finished_seq(outcome: RunOutcome) -> int:
    return next(e["seq"] for e in outcome.timeline.events if e["event"] == "backfill_finished")


def test_guide_window_loads_exactly_the_window_into_each_stream():
    outcome = _run()
    start, end = GUIDE
    for name, interval in (("price", 60), ("trend", 300)):
        result = _stream(outcome, name)
        assert [(c["start"], c["end"], c["interval"]) for c in result.fetch_calls] == [(start, end, interval)]
        assert result.loaded_ts == list(buckets_in(start, end, interval))
        assert result.missing_buckets == []
        assert _metric(outcome, result.node_id, interval) == end
    # The contract's worked example: interval 60, period 5.
    assert [r["ts"] for r in _stream(outcome, "price").cache_after] == [1700003340, 1700003400, 1700003460, 1700003520, 1700003580]
    assert [r["ts"] for r in _stream(outcome, "trend").cache_after] == [1700002800, 1700003100, 1700003400]


def test_jobs_gauge_counts_both_streams_and_ends_at_zero():
    outcome = _run()
    assert outcome.jobs_in_progress_peak == 2
    assert re.search(r"^backfill_jobs_in_progress 0$", outcome.metrics.exposition(), re.M)


def test_live_bars_follow_the_backfill():
    outcome = _run(live_bars=4)
    finished = _finished_seq(outcome)
    assert len(outcome.live.processed) == 8
    assert all(seq > finished for seq in _processed_seqs(outcome))
    for result in outcome.streams:
        live_ts = [e["ts"] for e in outcome.live.processed if e["node_id"] == result.node_id]
        assert live_ts and min(live_ts) > max(result.loaded_ts)
    assert outcome.live.outputs and all(o["node"] == "momentum" for o in outcome.live.outputs)
    # Event-time order across streams, whichever feed was faster.
    processed_ts = [e["ts"] for e in outcome.live.processed]
    assert processed_ts == sorted(processed_ts)


def test_history_gap_is_reported_bucket_by_bucket():
    outcome = _run(window=(1700006400, 1700008200))
    assert _stream(outcome, "price").missing_buckets == list(ONE_MINUTE_GAP)
    assert _stream(outcome, "trend").missing_buckets == []
    assert len(_stream(outcome, "price").loaded_ts) == 30 - len(ONE_MINUTE_GAP)


def test_window_without_any_history_reports_every_bucket():
    outcome = _run(window=(1600000000, 1600000600), live_bars=0)
    assert _stream(outcome, "price").missing_buckets == list(buckets_in(1600000000, 1600000600, 60))
    assert outcome.live.processed == []


def test_same_backfill_twice_gives_identical_results():
    def essence(outcome: RunOutcome):
        return (
            [(s.fetch_calls[0]["start"], s.fetch_calls[0]["end"], s.loaded_ts, s.cache_after) for s in outcome.streams],
            [(e["stream"], e["ts"]) for e in outcome.live.processed],
            [(o["node"], o["ts"], o["value"]) for o in outcome.live.outputs],
            outcome.metrics.exposition(),
        )

    assert essence(_run(live_bars=5)) == essence(_run(live_bars=5))


class _Broken:
    def __init__(self, rows=None, error=None):
        self.rows, self.error = rows, error

    async def fetch(self, start, end, *, node_id, interval):
        if self.error:
            raise self.error
        return self.rows


class _OneStream(Strategy):
    def __init__(self, provider):
        super().__init__()
        self.provider = provider

    def setup(self):
        self.add_nodes([StreamInput(name="only", interval=60, period=2, history_provider=self.provider)])


@pytest.mark.parametrize(
    "provider, message",
    [
        (_Broken(error=ConnectionError("database gone")), "ConnectionError: database gone"),
        (_Broken(rows=[{"ts": "1700000040"}]), "without an integer ts"),
        (_Broken(rows=[("not", "a", "dict")]), "without an integer ts"),
    ],
)
def test_a_failing_provider_stops_the_run_with_one_line(provider, message):
    with pytest.raises(RunnerError) as caught:
        _run(_OneStream(provider), live_bars=0)
    assert caught.value.exit_code == EXIT_FAILED
    assert message in str(caught.value) and "\n" not in str(caught.value)


# Each fault must change what the report shows, or the features could not catch it.

def test_fault_off_by_one_end_loads_the_bucket_after_the_window(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "backfill_off_by_one_end")
    outcome = _run()
    price = _stream(outcome, "price")
    assert price.fetch_calls[0]["end"] == GUIDE[1] + 60
    assert price.loaded_ts[-1] == 1700003640 >= GUIDE[1]
    assert _metric(outcome, price.node_id, 60) != GUIDE[1]


def test_fault_live_during_backfill_processes_bars_before_it_finishes(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "backfill_live_during_backfill")
    for _ in range(5):  # the defect shows on every run, not by luck of timing
        outcome = _run()
        assert min(_processed_seqs(outcome)) < _finished_seq(outcome)
        assert any(not e["backfill_finished"] for e in outcome.live.processed)


def test_fault_drop_bucket_leaves_a_hole(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "backfill_drop_bucket")
    price = _stream(_run(), "price")
    assert len(price.loaded_ts) == 59
    assert price.missing_buckets == [1700001840]


def test_fault_window_shifted_loads_one_interval_early(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "backfill_window_shifted")
    outcome = _run()
    price = _stream(outcome, "price")
    assert (price.fetch_calls[0]["start"], price.fetch_calls[0]["end"]) == (GUIDE[0] - 60, GUIDE[1] - 60)
    assert price.loaded_ts[0] < GUIDE[0]
    assert price.missing_buckets == [1700003580]


def test_missing_buckets_of_a_huge_window_are_counted_exactly_and_listed_briefly():
    from qmtl_reference.runner.backfill import missing_buckets

    listed, count = missing_buckets(0, 1_700_000_000, 60, [60, 120, 120, 1_800_000_000])
    assert count == len(range(0, 1_700_000_000, 60)) - 2
    assert len(listed) == 10_000 and listed[:3] == [0, 180, 240]
    assert missing_buckets(0, 600, 60, [0, 120, 180, 700]) == ([60, 240, 300, 360, 420, 480, 540], 7)
