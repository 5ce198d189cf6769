"""Bars as the contract counts them: interval-aligned epoch seconds in half-open windows."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any


def buckets_in(start: int, end: int, interval: int) -> list[int]:
    """Every bar time of [start, end): the epoch seconds divisible by the interval."""
    first = -(-start // interval) * interval
    return list(range(first, end, interval))


def missing_buckets(start: int, end: int, interval: int, loaded_ts: list[int]) -> list[int]:
    loaded = set(loaded_ts)
    return [bucket for bucket in buckets_in(start, end, interval) if bucket not in loaded]


def first_bucket_at_or_after(ts: int, interval: int) -> int:
    return -(-ts // interval) * interval


def read_bars(path: Path, start: int, end: int) -> list[dict[str, Any]]:
    """The rows of a CSV bar file with `start <= ts < end`, numbers as numbers, in file order.

    A row whose ts is not a whole epoch second, an empty row included, is named by its line in the file.
    """
    rows = []
    with Path(path).open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header or "ts" not in header:
            raise ValueError(f"history file {Path(path).name} has no 'ts' column")
        ts_index = header.index("ts")
        for line_no, values in enumerate(reader, start=2):
            try:
                ts = int(values[ts_index])
            except (ValueError, IndexError):
                raise ValueError(f"{Path(path).name} line {line_no}: ts is not an epoch second") from None
            if start <= ts < end:
                rows.append({"ts": ts, **{k: float(v) for k, v in zip(header, values, strict=False) if k != "ts"}})
    return rows


def merged_in_event_time(feeds: list[tuple[Any, list[dict[str, Any]]]]) -> list[tuple[Any, dict[str, Any]]]:
    """Live bars of every stream in one order: by time, then by stream order, so outputs never depend on feed speed."""
    tagged = [(row["ts"], index, stream, row) for index, (stream, rows) in enumerate(feeds) for row in rows]
    return [(stream, row) for _, _, stream, row in sorted(tagged, key=lambda item: (item[0], item[1]))]
