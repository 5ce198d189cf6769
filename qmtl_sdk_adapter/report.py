"""The report the backfill features read (the suite's REPORT_SCHEMA), built from what the run saw."""
from __future__ import annotations

import itertools
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

REPORT_VERSION = 1
# QMTL's registry holds every SDK metric; the report carries the backfill families the contract names.
METRIC_PREFIX = "backfill_"


class Timeline:
    """One ordered record of what the run did, so order can be proven afterwards."""

    def __init__(self) -> None:
        self._seq = itertools.count(1)
        self._origin = time.monotonic()
        self.events: list[dict[str, Any]] = []

    def record(self, event: str, **fields: Any) -> dict[str, Any]:
        entry = {"seq": next(self._seq), "t": round(time.monotonic() - self._origin, 6), "event": event, **fields}
        self.events.append(entry)
        return entry


def backfill_metrics(exposition: str) -> str:
    """The backfill families of a Prometheus text exposition, comments included, nothing else."""
    kept = []
    for line in exposition.splitlines():
        name = line.split()[2] if line.startswith("# ") and len(line.split()) > 2 else line.split("{")[0].split(" ")[0]
        if name.startswith(METRIC_PREFIX):
            kept.append(line)
    return "\n".join(kept) + "\n"


def success_report(*, strategy: str, window: tuple[int, int], world: str, submission: dict[str, Any],
                   streams: list[dict[str, Any]], metrics: str, live_requested: int, processed: list[dict[str, Any]],
                   outputs: list[dict[str, Any]], timeline: list[dict[str, Any]], qmtl_version: str) -> dict[str, Any]:
    return {
        "report_version": REPORT_VERSION,
        "ok": True,
        "runner": "qmtl-sdk-adapter",
        "qmtl_version": qmtl_version,
        "strategy": strategy,
        "window": {"start": window[0], "end": window[1]},
        "world_id": world,
        "submission": {"submitted": True, **submission},
        "streams": streams,
        "metrics": metrics,
        "live": {"requested_per_stream": live_requested, "processed": processed, "outputs": outputs},
        "timeline": timeline,
    }


def failure_report(message: str, exit_code: int, *, submitted: bool) -> dict[str, Any]:
    return {"report_version": REPORT_VERSION, "ok": False, "error": message, "exit_code": exit_code,
            "submission": {"submitted": submitted}}


def write_report(path: Path, report: dict[str, Any]) -> None:
    # Write then rename, so a reader never sees half a report.
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".report-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=1, ensure_ascii=False, default=str)
            handle.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
