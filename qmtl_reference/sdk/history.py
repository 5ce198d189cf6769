"""History providers: where a stream's past bars come from.

The protocol is QMTL's: an async ``fetch(start, end, *, node_id, interval)``
returning the rows with ``start <= ts < end``, each with an integer ``ts``.
"""
from __future__ import annotations

import asyncio
import csv
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from qmtl_reference import faults


@runtime_checkable
class HistoryProvider(Protocol):
    async def fetch(self, start: int, end: int, *, node_id: str, interval: int) -> list[dict[str, Any]]: ...


class HistoryError(RuntimeError):
    pass


class CsvHistoryProvider:
    """Bars of one interval from a CSV file with a ``ts`` column (epoch seconds) and numeric columns."""

    def __init__(self, path: str | Path, *, interval: int | None = None, ts_column: str = "ts") -> None:
        self.path = Path(path)
        self.interval = interval
        self.ts_column = ts_column

    async def fetch(self, start: int, end: int, *, node_id: str, interval: int) -> list[dict[str, Any]]:
        if self.interval is not None and interval != self.interval:
            raise HistoryError(f"{self.path.name} holds {self.interval}-second bars; {interval}-second bars were asked for")
        # A file read blocks: it runs off the event loop so live bars keep flowing meanwhile.
        return await asyncio.to_thread(self._read, start, end)

    def _read(self, start: int, end: int) -> list[dict[str, Any]]:
        try:
            handle = self.path.open(newline="", encoding="utf-8")
        except OSError as exc:
            raise HistoryError(f"cannot read history file {self.path}: {exc.strerror}") from None
        rows = []
        with handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if not header or self.ts_column not in header:
                raise HistoryError(f"history file {self.path.name} has no {self.ts_column!r} column")
            ts_index = header.index(self.ts_column)
            for line_no, values in enumerate(reader, start=2):
                try:
                    ts = int(values[ts_index])
                except (ValueError, IndexError):
                    shown = line_no - 1 if faults.is_active("history_lines_counted_from_data") else line_no
                    raise HistoryError(f"{self.path.name} line {shown}: {self.ts_column} is not an epoch second") from None
                if start <= ts < end:
                    rows.append(self._row(header, values, ts_index, ts))
        return rows

    @staticmethod
    def _row(header: list[str], values: list[str], ts_index: int, ts: int) -> dict[str, Any]:
        row: dict[str, Any] = {"ts": ts}
        for index, (column, raw) in enumerate(zip(header, values, strict=False)):
            if index == ts_index:
                continue
            try:
                row[column] = float(raw)
            except ValueError:
                row[column] = raw
        return row
