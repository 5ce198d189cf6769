"""The run's machine-readable account: what was submitted, loaded, cached and processed."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .args import RunArgs
from .execute import RunOutcome
from .gateway import Submission, display_url
from .plan import RunPlan

REPORT_VERSION = 1


def _stream_section(plan: RunPlan, outcome: RunOutcome) -> list[dict[str, Any]]:
    sections = []
    for result in outcome.streams:
        stream = result.stream
        live = [e for e in outcome.live.processed if e["node_id"] == result.node_id]
        sections.append(
            {
                "name": stream.name,
                "node_id": result.node_id,
                "interval": stream.interval,
                "period": stream.period,
                "fetch_calls": result.fetch_calls,
                "loaded_ts": result.loaded_ts,
                "missing_buckets": result.missing_buckets,
                "missing_count": result.missing_count,
                "cache": result.cache_after,
                "cache_at_end": [dict(row) for row in outcome.caches[id(stream)].rows()],
                "live_ts": [e["ts"] for e in live],
            }
        )
    return sections


def build_report(args: RunArgs, plan: RunPlan, submission: Submission, outcome: RunOutcome) -> dict[str, Any]:
    seconds = outcome.backfill_seconds
    return {
        "report_version": REPORT_VERSION,
        "ok": True,
        "strategy": args.strategy,
        "window": {"start": args.start, "end": args.end},
        "world_id": args.world,
        "gateway_url": display_url(args.gateway_url),
        "submission": {
            "submitted": True,
            "strategy_id": submission.strategy_id,
            "http_status": submission.http_status,
            "duplicate": submission.duplicate,
            "node_ids": submission.node_ids,
            "node_ids_crc32": submission.node_ids_crc32,
        },
        "streams": _stream_section(plan, outcome),
        "backfill": {
            "rows": outcome.rows_loaded,
            "seconds": round(seconds, 6),
            "rows_per_second": round(outcome.rows_loaded / seconds, 1) if seconds > 0 else None,
            "jobs_in_progress_peak": outcome.jobs_in_progress_peak,
        },
        "metrics": outcome.metrics.exposition(),
        "live": {
            "requested_per_stream": args.live_bars,
            "processed": outcome.live.processed,
            "outputs": outcome.live.outputs,
        },
        "timeline": outcome.timeline.events,
    }


def failure_report(message: str, exit_code: int, *, submitted: bool) -> dict[str, Any]:
    return {"report_version": REPORT_VERSION, "ok": False, "error": message, "exit_code": exit_code, "submission": {"submitted": submitted}}


def write_report(path: Path, report: dict[str, Any]) -> None:
    # Write then rename, so a reader never sees half a report.
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".report-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=1, ensure_ascii=False)
            handle.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
