"""What QMTL's SDK does in a run: set the strategy up, submit it, `load_history` every stream, feed live bars.

Everything here goes through the installed QMTL: its Strategy and nodes, its
GatewayClient for the submission, `StreamInput.load_history` (QMTL's
BackfillEngine, its node cache and its `backfill_*` metrics) for the window,
and `Runner.feed_queue_data` for each live bar. The adapter only watches:
it wraps each history provider's `fetch` to record what QMTL asked for.
"""
from __future__ import annotations

import asyncio
import importlib
import importlib.metadata
import os
import sys
from dataclasses import dataclass, field
from typing import Any

from qmtl.runtime.sdk import ProcessingNode, Runner, Strategy, StreamInput
from qmtl.runtime.sdk import metrics as sdk_metrics
from qmtl.runtime.sdk import runtime as sdk_runtime
from qmtl.runtime.sdk.gateway_client import GatewayClient
from qmtl.services.dagmanager.topic import build_namespace, topic_namespace_enabled

from .bars import merged_in_event_time
from .errors import EXIT_FAILED, AdapterError
from .gateway import Submission, submission_from
from .report import Timeline, backfill_metrics

# The domain QMTL's own submit() uses when none is chosen.
EXECUTION_DOMAIN = "backtest"


def qmtl_version() -> str:
    try:
        return importlib.metadata.version("qmtl")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _import_module(module_name: str):
    # The guide names strategies relative to the directory it runs in, as under `python -m`.
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            raise AdapterError(f"cannot import module {module_name!r}: no such module") from None
        raise AdapterError(f"importing module {module_name!r} failed: {exc}") from None
    except Exception as exc:
        raise AdapterError(f"importing module {module_name!r} failed: {type(exc).__name__}: {exc}") from None


def load_strategy(reference: str) -> Strategy:
    module_name, sep, class_name = reference.partition(":")
    if not sep or not module_name or not class_name or ":" in class_name:
        raise AdapterError(f"strategy {reference!r} is not of the form MODULE:CLASS")
    cls = getattr(_import_module(module_name), class_name, None)
    if cls is None:
        raise AdapterError(f"module {module_name!r} has no class {class_name!r}")
    if not (isinstance(cls, type) and issubclass(cls, Strategy)):
        raise AdapterError(f"{reference!r} is not a QMTL Strategy class")
    try:
        strategy = cls()
        strategy.setup()
    except Exception as exc:
        text = f"{type(exc).__name__}: {exc}"
        if "interval" in str(exc).lower():
            # QMTL's own words (e.g. "interval must be positive"), with the rule the runner states.
            raise AdapterError(f"strategy {reference!r} is malformed: a stream's interval must be a whole number of at least 1 (QMTL: {text})") from None
        raise AdapterError(f"setting up strategy {reference!r} failed: {text}") from None
    streams(strategy, reference)
    return strategy


def streams(strategy: Strategy, reference: str = "the strategy") -> list[StreamInput]:
    found = [node for node in strategy.nodes if isinstance(node, StreamInput)]
    if not found:
        raise AdapterError(f"strategy {reference!r} has no StreamInput, so there is nothing to backfill")
    for stream in found:
        if stream.history_provider is None:
            raise AdapterError(f"strategy {reference!r} cannot be backfilled: stream {stream.name!r} has no history provider")
        if not isinstance(stream.interval, int) or stream.interval < 1:
            raise AdapterError(f"strategy {reference!r}: stream {stream.name!r} interval must be a whole number of at least 1")
    return found


def dag_for(strategy: Strategy, world: str) -> dict[str, Any]:
    """The DAG as QMTL's own bootstrapper sends it: the world and domain named in its meta's topic namespace."""
    dag = strategy.serialize()
    if topic_namespace_enabled() and build_namespace(world, EXECUTION_DOMAIN):
        dag.setdefault("meta", {})["topic_namespace"] = {"world": world, "domain": EXECUTION_DOMAIN}
    return dag


async def submit(strategy: Strategy, *, gateway_url: str, world: str, timeout: float) -> Submission:
    # QMTL's GatewayClient reads its request timeout from the SDK's runtime settings at each call.
    sdk_runtime.HTTP_TIMEOUT_SECONDS = timeout
    answer = await GatewayClient().post_strategy(
        gateway_url=gateway_url, dag=dag_for(strategy, world), meta={"execution_domain": EXECUTION_DOMAIN}, world_id=world,
    )
    return submission_from(answer, gateway_url)


@dataclass
class StreamRecord:
    stream: StreamInput
    fetch_calls: list[dict[str, Any]] = field(default_factory=list)
    loaded_ts: list[int] = field(default_factory=list)
    cache_after: list[dict[str, Any]] = field(default_factory=list)


def _jobs_in_progress() -> int:
    return int(sdk_metrics.backfill_jobs_in_progress._value.get())


def _watch(record: StreamRecord, timeline: Timeline):
    """Wrap the provider's fetch on the instance: QMTL's BackfillEngine calls it, the adapter notes the call."""
    provider = record.stream.history_provider
    original = provider.fetch

    async def fetch(start: int, end: int, *, node_id: str, interval: int):
        timeline.record("stream_backfill_started", stream=record.stream.name, node_id=node_id, jobs_in_progress=_jobs_in_progress())
        frame = await original(start, end, node_id=node_id, interval=interval)
        ts = [] if frame is None else [int(t) for t in frame["ts"].to_list()]
        record.fetch_calls.append({"start": start, "end": end, "node_id": node_id, "interval": interval, "rows": len(ts)})
        record.loaded_ts = ts
        return frame

    provider.fetch = fetch
    return lambda: setattr(provider, "fetch", original)


async def backfill(found: list[StreamInput], start: int, end: int, timeline: Timeline) -> list[StreamRecord]:
    records = [StreamRecord(stream) for stream in found]
    restores = [_watch(record, timeline) for record in records]
    timeline.record("backfill_started", streams=len(found))
    try:
        await asyncio.gather(*(stream.load_history(start, end) for stream in found))
    except AdapterError:
        raise
    except Exception as exc:
        raise AdapterError(f"loading history failed in QMTL's BackfillEngine: {type(exc).__name__}: {exc}", EXIT_FAILED) from None
    finally:
        for restore in restores:
            restore()
    for record in records:
        timeline.record("stream_backfill_completed", stream=record.stream.name, node_id=record.stream.node_id,
                        rows=len(record.loaded_ts), jobs_in_progress=_jobs_in_progress())
    timeline.record("backfill_finished", rows=sum(len(r.loaded_ts) for r in records))
    return records


def cached_rows(stream: StreamInput) -> list[dict[str, Any]]:
    return [{"ts": int(ts), **{k: v for k, v in dict(payload).items() if k != "ts"}}
            for ts, payload in stream.cache.get_slice(stream.node_id, stream.interval, count=stream.period)]


def _downstream(strategy: Strategy, stream: StreamInput) -> list[ProcessingNode]:
    return [node for node in strategy.nodes if isinstance(node, ProcessingNode) and any(i is stream for i in node.inputs)]


def warm_processing_nodes(strategy: Strategy, found: list[StreamInput]) -> None:
    """Hand each processing node its inputs' backfilled bars, in event time, through QMTL's own `feed` (no compute)."""
    for node in strategy.nodes:
        if not isinstance(node, ProcessingNode):
            continue
        feeds = [(s, cached_rows(s)) for s in found if any(i is s for i in node.inputs)]
        for stream, row in merged_in_event_time(feeds):
            node.feed(stream.node_id, stream.interval, row["ts"], row)


def live(strategy: Strategy, found: list[StreamInput], *, after: int, count: int, timeline: Timeline) -> tuple[list, list]:
    """Live bars after the window, each given to QMTL as a queue message: the stream's cache, then its consumers."""
    processed: list[dict[str, Any]] = []
    outputs: list[dict[str, Any]] = []
    if count <= 0:
        return processed, outputs
    feeds = []
    for stream in found:
        source = getattr(stream.history_provider, "live_bars", None)
        if source is None:
            raise AdapterError(f"stream {stream.name!r} has no live feed: its history provider offers no live_bars(after, count)", EXIT_FAILED)
        feeds.append((stream, source(after, count)))
    for stream, row in merged_in_event_time(feeds):
        ts = row["ts"]
        timeline.record("live_bar_received", stream=stream.name, ts=ts)
        try:
            Runner.feed_queue_data(stream, stream.node_id, stream.interval, ts, row)
            entry = timeline.record("live_bar_processed", stream=stream.name, node_id=stream.node_id, ts=ts, backfill_finished=True)
            processed.append(entry)
            for node in _downstream(strategy, stream):
                value = Runner.feed_queue_data(node, stream.node_id, stream.interval, ts, row)
                if value is not None:
                    outputs.append({"node": node.name, "node_id": node.node_id, "ts": ts, "value": value, "seq": entry["seq"]})
        except AdapterError:
            raise
        except Exception as exc:
            raise AdapterError(f"QMTL failed on the live bar at {ts} of stream {stream.name!r}: {type(exc).__name__}: {exc}", EXIT_FAILED) from None
    return processed, outputs


def metrics_text() -> str:
    from prometheus_client import REGISTRY, generate_latest

    return backfill_metrics(generate_latest(REGISTRY).decode())
