"""A node's cache: the last ``period`` rows of one interval, ordered by time."""
from __future__ import annotations

from typing import Any, Iterable, Mapping

Row = Mapping[str, Any]


class NodeCache:
    def __init__(self, period: int) -> None:
        self.period = period
        self._by_ts: dict[int, Row] = {}

    def backfill(self, rows: Iterable[Row]) -> None:
        """Merge history under whatever is already cached: a row seen live is never replaced by history."""
        for row in rows:
            self._by_ts.setdefault(int(row["ts"]), row)
        self._trim()

    def append(self, row: Row) -> None:
        self._by_ts[int(row["ts"])] = row
        self._trim()

    def rows(self) -> list[Row]:
        return [self._by_ts[ts] for ts in sorted(self._by_ts)]

    def timestamps(self) -> list[int]:
        return sorted(self._by_ts)

    def last_ts(self) -> int | None:
        return max(self._by_ts) if self._by_ts else None

    def __len__(self) -> int:
        return len(self._by_ts)

    def _trim(self) -> None:
        for ts in sorted(self._by_ts)[: max(0, len(self._by_ts) - self.period)]:
            del self._by_ts[ts]
