"""Load each stream's history for the window into its cache, recording exactly what was asked and got.

Semantics follow QMTL's ``load_history(start, end)``: the provider is asked
once for [start, end), the cache keeps the last ``period`` rows, and
``backfill_last_timestamp{node_id,interval}`` is set to the end time.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from qmtl_reference import faults
from qmtl_reference.sdk import NodeCache, StreamInput, buckets_in

from .errors import EXIT_FAILED, RunnerError
from .metrics import BackfillMetrics
from .timeline import Timeline


@dataclass
class StreamBackfill:
    stream: StreamInput
    node_id: str
    fetch_calls: list[dict[str, Any]] = field(default_factory=list)
    loaded_ts: list[int] = field(default_factory=list)
    missing_buckets: list[int] = field(default_factory=list)
    missing_count: int = 0
    cache_after: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


class RecordingProvider:
    """Wraps a stream's provider so the report shows every request it got."""

    def __init__(self, provider: Any, calls: list[dict[str, Any]]) -> None:
        self._provider = provider
        self._calls = calls

    async def fetch(self, start: int, end: int, *, node_id: str, interval: int) -> list[dict[str, Any]]:
        began = time.perf_counter()
        rows = await self._provider.fetch(start, end, node_id=node_id, interval=interval)
        rows = list(rows)
        self._calls.append(
            {"start": start, "end": end, "node_id": node_id, "interval": interval, "rows": len(rows), "seconds": round(time.perf_counter() - began, 6)}
        )
        return rows


MISSING_LIST_LIMIT = 10_000


def missing_buckets(start: int, end: int, interval: int, loaded_ts: list[int], limit: int = MISSING_LIST_LIMIT) -> tuple[list[int], int]:
    """The window's buckets with no loaded row: the first ``limit`` of them, and how many in all.

    A window of years holds millions of buckets; the count stays exact while
    the list stays small enough for a report.
    """
    window = buckets_in(start, end, interval)
    loaded = {t for t in loaded_ts if t in window}
    count = len(window) - len(loaded)
    listed = []
    if count:
        for bucket in window:
            if bucket not in loaded:
                listed.append(bucket)
                if len(listed) >= limit:
                    break
    return listed, count


def fetch_window(start: int, end: int, interval: int) -> tuple[int, int]:
    if faults.is_active("backfill_off_by_one_end"):
        end += interval
    if faults.is_active("backfill_window_shifted"):
        start, end = start - interval, end - interval
    return start, end


def _checked_rows(stream: StreamInput, rows: list[Any]) -> list[dict[str, Any]]:
    for row in rows:
        ts = row.get("ts") if isinstance(row, dict) else None
        if isinstance(ts, bool) or not isinstance(ts, int):
            raise RunnerError(f"the history provider of stream {stream.name!r} returned a row without an integer ts: {row!r}"[:300], EXIT_FAILED)
    return rows


async def load_history(
    stream: StreamInput, node_id: str, cache: NodeCache, provider: Any, start: int, end: int, metrics: BackfillMetrics
) -> list[dict[str, Any]]:
    try:
        rows = await provider.fetch(start, end, node_id=node_id, interval=stream.interval)
    except RunnerError:
        raise
    except Exception as exc:
        raise RunnerError(f"loading history for stream {stream.name!r} failed: {type(exc).__name__}: {exc}", EXIT_FAILED) from None
    rows = _checked_rows(stream, rows)
    if faults.is_active("backfill_drop_bucket") and len(rows) > 2:
        del rows[len(rows) // 2]
    cache.backfill(rows)
    metrics.last_timestamp.set(end, node_id=node_id, interval=stream.interval)
    return rows


async def backfill_stream(
    stream: StreamInput, node_id: str, cache: NodeCache, start: int, end: int, metrics: BackfillMetrics, timeline: Timeline
) -> StreamBackfill:
    result = StreamBackfill(stream, node_id)
    provider = RecordingProvider(stream.history_provider, result.fetch_calls)
    metrics.jobs_in_progress.inc()
    timeline.record("stream_backfill_started", stream=stream.name, node_id=node_id, jobs_in_progress=int(metrics.jobs_in_progress.value()))
    began = time.perf_counter()
    try:
        fetch_start, fetch_end = fetch_window(start, end, stream.interval)
        rows = await load_history(stream, node_id, cache, provider, fetch_start, fetch_end, metrics)
    finally:
        metrics.jobs_in_progress.dec()
    result.seconds = time.perf_counter() - began
    result.cache_after = [dict(row) for row in cache.rows()]
    result.loaded_ts = [row["ts"] for row in rows]
    result.missing_buckets, result.missing_count = missing_buckets(start, end, stream.interval, result.loaded_ts)
    timeline.record(
        "stream_backfill_completed",
        stream=stream.name,
        node_id=node_id,
        rows=len(rows),
        jobs_in_progress=int(metrics.jobs_in_progress.value()),
    )
    return result


async def backfill_all(
    streams: list[tuple[StreamInput, str]], caches: dict[int, NodeCache], start: int, end: int, metrics: BackfillMetrics, timeline: Timeline
) -> list[StreamBackfill]:
    jobs = [backfill_stream(stream, node_id, caches[id(stream)], start, end, metrics, timeline) for stream, node_id in streams]
    results = await asyncio.gather(*jobs)
    timeline.record("backfill_finished", rows=sum(len(r.loaded_ts) for r in results))
    return list(results)
