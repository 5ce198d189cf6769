"""Deterministic OHLCV bars: the shipped history and the benchmark's week of data.

A seeded random walk, so a regenerated file is byte-identical and a benchmark
run measures the same rows every time.
"""
from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path
from typing import Iterable

from . import COVERAGE, FIVE_MINUTE_FILE, ONE_MINUTE_FILE, ONE_MINUTE_GAP

COLUMNS = ("ts", "open", "high", "low", "close", "volume")


def bars(start: int, end: int, interval: int, *, seed: int, price: float = 37000.0) -> Iterable[tuple]:
    rng = random.Random(seed)
    close = price
    for ts in range(start, end, interval):
        open_ = close
        close = max(1.0, open_ * (1 + rng.gauss(0, 0.0008)))
        high = max(open_, close) * (1 + abs(rng.gauss(0, 0.0003)))
        low = min(open_, close) * (1 - abs(rng.gauss(0, 0.0003)))
        volume = abs(rng.gauss(12, 4)) * interval / 60
        yield ts, f"{open_:.2f}", f"{high:.2f}", f"{low:.2f}", f"{close:.2f}", f"{volume:.4f}"


def aggregate(rows: Iterable[tuple], interval: int) -> list[tuple]:
    """Coarser bars from finer ones, so both shipped files tell the same market story."""
    groups: dict[int, list[tuple]] = {}
    for row in rows:
        groups.setdefault(row[0] // interval * interval, []).append(row)
    out = []
    for ts, group in sorted(groups.items()):
        high = max(float(r[2]) for r in group)
        low = min(float(r[3]) for r in group)
        volume = sum(float(r[5]) for r in group)
        out.append((ts, group[0][1], f"{high:.2f}", f"{low:.2f}", group[-1][4], f"{volume:.4f}"))
    return out


def write_rows(path: Path, rows: Iterable[tuple], *, gaps: Iterable[int] = ()) -> int:
    skip = set(gaps)
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            if row[0] in skip:
                continue
            writer.writerow(row)
            written += 1
    return written


def write_bars(path: Path, start: int, end: int, interval: int, *, seed: int, gaps: Iterable[int] = ()) -> int:
    return write_rows(path, bars(start, end, interval, seed=seed), gaps=gaps)


def write_shipped(directory: Path) -> None:
    start, end = COVERAGE
    minutes = list(bars(start, end, 60, seed=60))
    write_rows(directory / ONE_MINUTE_FILE, minutes, gaps=ONE_MINUTE_GAP)
    write_rows(directory / FIVE_MINUTE_FILE, aggregate(minutes, 300))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the shipped history files.")
    parser.add_argument("--dir", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args(argv)
    write_shipped(args.dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
