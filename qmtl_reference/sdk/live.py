"""Live feeds: bars that arrive after the backfill.

The reference feed replays recorded bars that follow the backfill window, at
a steady pace, as a market feed would deliver them. A subscription is opened
before the backfill starts (so no bar is lost between history and live) and
its bars are delivered whether or not anyone is ready for them.
"""
from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Protocol, runtime_checkable

from .buckets import first_bucket_at_or_after


@runtime_checkable
class LiveFeed(Protocol):
    async def subscribe(self, *, node_id: str, interval: int, after: int, count: int) -> AsyncIterator[dict[str, Any]]:
        """Bars with ts at or after ``after``, at most ``count`` of them."""
        ...


class ReplayFeed:
    def __init__(self, provider: Any, *, pace_seconds: float = 0.005) -> None:
        self.provider = provider
        self.pace_seconds = pace_seconds

    async def subscribe(self, *, node_id: str, interval: int, after: int, count: int) -> AsyncIterator[dict[str, Any]]:
        first = first_bucket_at_or_after(after, interval)
        rows = await self.provider.fetch(first, first + count * interval, node_id=node_id, interval=interval)
        return self._deliver(rows[:count])

    async def _deliver(self, rows: list[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
        for index, row in enumerate(rows):
            if index:
                await asyncio.sleep(self.pace_seconds)
            yield row
