"""A QMTL HistoryProvider over the suite's shipped CSV bars (`qmtl_reference/data/`, read as files only)."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import polars as pl
from qmtl.runtime.sdk.data_io import HistoryProvider

from ..bars import buckets_in, first_bucket_at_or_after, read_bars

DATA_DIR = Path(__file__).resolve().parents[2] / "qmtl_reference" / "data"
ONE_MINUTE_FILE = DATA_DIR / "btc_usd_1m.csv"
FIVE_MINUTE_FILE = DATA_DIR / "btc_usd_5m.csv"
# History files broken in one known place, shipped beside the reference runner's samples.
BROKEN_HISTORY_DIR = Path(__file__).resolve().parents[2] / "qmtl_reference" / "samples" / "history"


class ShippedBars(HistoryProvider):
    """Bars of one interval from a CSV file, answered as QMTL expects: a polars frame with a `ts` column."""

    def __init__(self, path: Path, *, interval: int) -> None:
        self.path = Path(path)
        self.interval = interval

    async def fetch(self, start: int, end: int, *, node_id: str, interval: int) -> pl.DataFrame:
        if interval != self.interval:
            raise ValueError(f"{self.path.name} holds {self.interval}-second bars; {interval}-second bars were asked for")
        rows = await asyncio.to_thread(read_bars, self.path, start, end)
        return pl.DataFrame(rows) if rows else pl.DataFrame({"ts": []}, schema={"ts": pl.Int64})

    async def coverage(self, *, node_id: str, interval: int) -> list[tuple[int, int]]:
        rows = await asyncio.to_thread(read_bars, self.path, 0, 2**62)
        return [(rows[0]["ts"], rows[-1]["ts"])] if rows else []

    async def ensure_range(self, start: int, end: int, *, node_id: str, interval: int) -> None:
        return None  # the file is all there is

    async def fill_missing(self, start: int, end: int, *, node_id: str, interval: int) -> None:
        return None

    def live_bars(self, after: int, count: int) -> list[dict[str, Any]]:
        """The live feed: the file's next `count` bars from `after` on, as a replay (QMTL's own live path is Kafka)."""
        first = first_bucket_at_or_after(after, self.interval)
        wanted = set(buckets_in(first, first + count * self.interval, self.interval))
        return [row for row in read_bars(self.path, first, first + count * self.interval) if row["ts"] in wanted][:count]
