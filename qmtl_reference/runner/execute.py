"""One run after submission: subscribe live feeds, backfill every stream, then process live bars."""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from qmtl_reference.sdk import NodeCache

from .backfill import StreamBackfill, backfill_all
from .live import LiveStage
from .metrics import BackfillMetrics
from .plan import RunPlan
from .timeline import Timeline


@dataclass
class RunOutcome:
    streams: list[StreamBackfill]
    caches: dict[int, NodeCache]
    live: LiveStage
    metrics: BackfillMetrics
    timeline: Timeline
    backfill_seconds: float

    @property
    def rows_loaded(self) -> int:
        return sum(len(s.loaded_ts) for s in self.streams)

    @property
    def jobs_in_progress_peak(self) -> int:
        return max((e["jobs_in_progress"] for e in self.timeline.events if "jobs_in_progress" in e), default=0)


async def execute(plan: RunPlan, *, start: int, end: int, live_bars: int) -> RunOutcome:
    timeline = Timeline()
    metrics = BackfillMetrics()
    caches = {id(node): NodeCache(node.period) for node in plan.strategy.nodes}
    backfill_done = asyncio.Event()
    live = LiveStage(plan, caches, timeline, backfill_done)
    # Subscribe first: a bar that arrives while history loads waits in the queue rather than being missed.
    await live.open(after=end, count=live_bars)
    timeline.record("backfill_started", streams=len(plan.strategy.streams()))
    live.start()
    try:
        began = time.perf_counter()
        streams = await backfill_all(
            [(s, plan.node_id(s)) for s in plan.strategy.streams()], caches, start, end, metrics, timeline
        )
        seconds = time.perf_counter() - began
        backfill_done.set()
        await live.wait()
    finally:
        await live.cancel()
    return RunOutcome(streams, caches, live, metrics, timeline, seconds)
