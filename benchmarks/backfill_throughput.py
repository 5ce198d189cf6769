"""Backfill throughput: one week of one-minute bars through the runner's backfill stage.

Generates the week (10,080 bars) into a temporary CSV, then runs the same
backfill code the ``tools sdk run`` command runs (provider fetch, cache fill,
metrics, bookkeeping) several times and prints the median rows per second.

    python benchmarks/backfill_throughput.py [--repeat 7] [--json]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
from pathlib import Path

from qmtl_reference.data.synth import write_bars
from qmtl_reference.runner.execute import execute
from qmtl_reference.runner.plan import make_plan
from qmtl_reference.sdk import CsvHistoryProvider, Strategy, StreamInput

WEEK_START = 1699833600  # a Monday 00:00 UTC, bucket-aligned for one-minute bars
WEEK_SECONDS = 7 * 24 * 3600
INTERVAL = 60


class WeekStrategy(Strategy):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def setup(self) -> None:
        provider = CsvHistoryProvider(self.path, interval=INTERVAL)
        self.add_nodes([StreamInput(name="price", interval=INTERVAL, period=5, history_provider=provider)])


def measure(path: Path) -> dict[str, float]:
    strategy = WeekStrategy(path)
    strategy.setup()
    plan = make_plan("benchmark", strategy, world_id="benchmark")
    outcome = asyncio.run(execute(plan, start=WEEK_START, end=WEEK_START + WEEK_SECONDS, live_bars=0))
    [stream] = outcome.streams
    if stream.missing_buckets or len(stream.loaded_ts) != WEEK_SECONDS // INTERVAL:
        raise SystemExit(f"benchmark data incomplete: {len(stream.loaded_ts)} rows, {len(stream.missing_buckets)} missing")
    return {"rows": outcome.rows_loaded, "seconds": outcome.backfill_seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a sentence")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="backfill-bench-") as folder:
        path = Path(folder) / "week_1m.csv"
        rows = write_bars(path, WEEK_START, WEEK_START + WEEK_SECONDS, INTERVAL, seed=7)
        size = path.stat().st_size
        measure(path)  # warm the file cache and imports once
        runs = [measure(path) for _ in range(max(1, args.repeat))]
    rates = [r["rows"] / r["seconds"] for r in runs]
    result = {
        "rows": rows,
        "file_bytes": size,
        "repeat": len(runs),
        "median_seconds": round(statistics.median(r["seconds"] for r in runs), 4),
        "median_rows_per_second": round(statistics.median(rates)),
        "min_rows_per_second": round(min(rates)),
        "max_rows_per_second": round(max(rates)),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"one week of one-minute bars ({rows} rows, {size / 1024:.0f} KiB CSV): median {result['median_seconds']} s,"
            f" {result['median_rows_per_second']} rows/s (min {result['min_rows_per_second']}, max {result['max_rows_per_second']}, {len(runs)} runs)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
