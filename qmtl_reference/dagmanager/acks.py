"""Chunk acknowledgements between a Diff stream and the AckChunk calls that answer it.

A chunk is named by its sentinel and its zero-based position in the stream
(``chunk_id``); DiffChunk carries no id of its own, so the caller counts. Two
streams for one sentinel (one strategy diffed for two worlds at once) share
names, so each acknowledgement releases exactly one waiter, oldest first.
"""
from __future__ import annotations

import asyncio
from collections import defaultdict, deque


class AckBook:
    def __init__(self) -> None:
        self._waiting: dict[tuple[str, int], deque[asyncio.Event]] = defaultdict(deque)

    def expect(self, sentinel: str, chunk_id: int) -> asyncio.Event:
        """Register before sending, so an acknowledgement that races the send is not lost."""
        event = asyncio.Event()
        self._waiting[(sentinel, chunk_id)].append(event)
        return event

    def acknowledge(self, sentinel: str, chunk_id: int) -> bool:
        """Release the oldest waiter; False when nobody waits (late or repeated ack)."""
        queue = self._waiting.get((sentinel, chunk_id))
        while queue:
            event = queue.popleft()
            if not event.is_set():
                event.set()
                self._drop_if_empty(sentinel, chunk_id)
                return True
        self._drop_if_empty(sentinel, chunk_id)
        return False

    def forget(self, sentinel: str, chunk_id: int, event: asyncio.Event) -> None:
        queue = self._waiting.get((sentinel, chunk_id))
        if queue is not None:
            try:
                queue.remove(event)
            except ValueError:
                pass
            self._drop_if_empty(sentinel, chunk_id)

    def pending(self) -> int:
        return sum(len(q) for q in self._waiting.values())

    def _drop_if_empty(self, sentinel: str, chunk_id: int) -> None:
        if not self._waiting.get((sentinel, chunk_id)):
            self._waiting.pop((sentinel, chunk_id), None)
