"""Live processing: bars from each stream's feed, held back until the backfill has finished.

Feeds are subscribed before the backfill starts, so a bar that arrives while
history is loading waits in the queue instead of being lost or processed
against a half-filled cache.
"""
from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from qmtl_reference import faults
from qmtl_reference.sdk import Node, NodeCache, ProcessingNode, StreamInput

from .errors import EXIT_FAILED, RunnerError
from .plan import RunPlan
from .timeline import Timeline

_DONE = object()


class LiveStage:
    def __init__(self, plan: RunPlan, caches: dict[int, NodeCache], timeline: Timeline, backfill_done: asyncio.Event) -> None:
        self.plan = plan
        self.caches = caches
        self.timeline = timeline
        self.backfill_done = backfill_done
        self.processed: list[dict[str, Any]] = []
        self.outputs: list[dict[str, Any]] = []
        self._subscriptions: list[tuple[StreamInput, Any]] = []
        self._queue: asyncio.Queue = asyncio.Queue()
        self._tasks: list[asyncio.Task] = []
        self._consumer: asyncio.Task | None = None

    async def open(self, *, after: int, count: int) -> None:
        if count <= 0:
            return
        for stream in self.plan.strategy.streams():
            if stream.live_feed is None:
                continue
            node_id = self.plan.node_id(stream)
            try:
                subscription = await stream.live_feed.subscribe(node_id=node_id, interval=stream.interval, after=after, count=count)
            except Exception as exc:
                raise RunnerError(f"subscribing to the live feed of stream {stream.name!r} failed: {type(exc).__name__}: {exc}", EXIT_FAILED) from None
            self._subscriptions.append((stream, subscription))

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._pump(stream, sub)) for stream, sub in self._subscriptions]
        self._consumer = asyncio.create_task(self._consume())

    async def wait(self) -> None:
        if self._consumer is not None:
            await self._consumer
        await asyncio.gather(*self._tasks)

    async def cancel(self) -> None:
        pending = [t for t in [*self._tasks, self._consumer] if t is not None and not t.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    async def _pump(self, stream: StreamInput, subscription: Any) -> None:
        try:
            async for row in subscription:
                ts = row.get("ts") if isinstance(row, dict) else None
                if isinstance(ts, bool) or not isinstance(ts, int):
                    raise RunnerError(f"the live feed of stream {stream.name!r} delivered a bar without an integer ts", EXIT_FAILED)
                self.timeline.record("live_bar_received", stream=stream.name, ts=ts)
                await self._queue.put((stream, row))
        finally:
            await self._queue.put((stream, _DONE))

    async def _consume(self) -> None:
        if not faults.is_active("backfill_live_during_backfill"):
            await self.backfill_done.wait()
        # Bars are processed in event-time order across streams (a k-way merge):
        # a bar waits until every stream still open has something at least as
        # late, so the outputs never depend on which feed happened to be faster.
        order = {id(stream): index for index, (stream, _) in enumerate(self._subscriptions)}
        pending: dict[int, deque] = {key: deque() for key in order}
        open_streams = set(order)
        while True:
            while any(pending.values()) and all(pending[key] for key in open_streams):
                key = min((k for k in pending if pending[k]), key=lambda k: (pending[k][0][1]["ts"], order[k]))
                self._process(*pending[key].popleft())
            if not open_streams:
                return
            stream, row = await self._queue.get()
            if row is _DONE:
                open_streams.discard(id(stream))
            else:
                pending[id(stream)].append((stream, row))

    def _process(self, stream: StreamInput, row: dict[str, Any]) -> None:
        ts = row["ts"]
        self.caches[id(stream)].append(row)
        entry = self.timeline.record(
            "live_bar_processed",
            stream=stream.name,
            node_id=self.plan.node_id(stream),
            ts=ts,
            backfill_finished=self.backfill_done.is_set(),
        )
        self.processed.append(entry)
        for node in self._downstream(stream):
            self._compute(node, ts, entry["seq"])

    def _downstream(self, stream: StreamInput) -> list[ProcessingNode]:
        reached: set[int] = {id(stream)}
        found = []
        for node in self.plan.strategy.ordered_nodes():
            if isinstance(node, ProcessingNode) and any(id(i) in reached for i in node.inputs):
                reached.add(id(node))
                found.append(node)
        return found

    def _compute(self, node: ProcessingNode, ts: int, seq: int) -> None:
        inputs = {upstream.name: self._rows(upstream) for upstream in node.inputs}
        if any(not rows for rows in inputs.values()):
            return
        try:
            value = node.compute(inputs)
        except Exception as exc:
            raise RunnerError(f"node {node.name!r} failed on the bar at {ts}: {type(exc).__name__}: {exc}", EXIT_FAILED) from None
        if value is None:
            return
        self.caches[id(node)].append({"ts": ts, "value": value})
        self.outputs.append({"node": node.name, "node_id": self.plan.node_id(node), "ts": ts, "value": value, "seq": seq})

    def _rows(self, node: Node) -> list[dict[str, Any]]:
        return [dict(r) for r in self.caches[id(node)].rows()]
