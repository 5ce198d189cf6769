"""Reads the event broker and fans each event out to the sockets of its world.

One reader per Gateway follows the WorldService's Redis stream with a
blocking XREAD from the last entry it saw, so a broker hiccup delays events
but does not lose them. Each open socket registers a Subscription (its world,
its topics, its outbox); routing is by the event's own world_id.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as aioredis
import redis.exceptions

from qmtl_reference.worldservice.broker import ACTIVATION_STREAM, MalformedBrokerEvent, decode_event

from .. import faults
from .events_frames import activation_data, cloud_event

log = logging.getLogger("qmtl_reference.gateway.events")

BLOCK_MS = 1000
RETRY_SECONDS = (0.1, 0.2, 0.5, 1.0, 2.0)
OUTBOX_LIMIT = 1000
# Broker event type → the subscription topic that receives it.
TOPIC_OF = {"activation_updated": "activation"}


@dataclass(eq=False)
class Subscription:
    world_id: str
    topics: frozenset[str]
    outbox: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(OUTBOX_LIMIT))
    dropped: int = 0

    def offer(self, frame: dict[str, Any]) -> None:
        try:
            self.outbox.put_nowait(frame)
        except asyncio.QueueFull:
            # A subscriber that stops reading must not stall everyone else.
            self.dropped += 1


class EventHub:
    def __init__(self, redis_url: str) -> None:
        self._redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
        self._subscriptions: set[Subscription] = set()
        self._task: asyncio.Task | None = None

    def subscribe(self, world_id: str, topics: frozenset[str]) -> Subscription:
        subscription = Subscription(world_id, topics)
        self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        if faults.is_active("unsubscribe_drops_world"):
            self._subscriptions = {s for s in self._subscriptions if s.world_id != subscription.world_id}
        self._subscriptions.discard(subscription)

    def deliver(self, event_type: str, data: dict[str, Any], correlation_id: str) -> int:
        topic = TOPIC_OF.get(event_type)
        if topic is None:
            return 0
        frame = cloud_event(event_type, activation_data(data), correlation_id)
        delivered = 0
        any_topic = faults.is_active("events_ignore_topics")
        every_world = faults.is_active("events_to_every_world")
        for subscription in list(self._subscriptions):
            wants_topic = any_topic or topic in subscription.topics
            if wants_topic and (every_world or subscription.world_id == data.get("world_id")):
                subscription.offer(frame)
                delivered += 1
                if faults.is_active("live_event_to_one_socket"):
                    break
        return delivered

    async def start(self) -> None:
        self._task = asyncio.create_task(self._follow(), name="event-broker-reader")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        await self._redis.aclose()

    async def _last_entry_id(self) -> str:
        newest = await self._redis.xrevrange(ACTIVATION_STREAM, count=1)
        return newest[0][0] if newest else "0-0"

    async def _follow(self) -> None:
        last_id: str | None = None
        failures = 0
        while True:
            try:
                if last_id is None:
                    # Events written before this Gateway started are history:
                    # a socket learns that state from its snapshot on connect.
                    last_id = await self._last_entry_id()
                batches = await self._redis.xread({ACTIVATION_STREAM: last_id}, block=BLOCK_MS, count=100)
                failures = 0
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
                delay = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                failures += 1
                log.warning("event broker unreachable (%s); retrying in %.1f s", exc, delay)
                await asyncio.sleep(delay)
                if failures > len(RETRY_SECONDS) and faults.is_active("broker_reader_gives_up"):
                    return
                continue
            for _stream, entries in batches or ():
                for entry_id, fields in entries:
                    last_id = entry_id
                    try:
                        event = decode_event(fields)
                    except MalformedBrokerEvent as exc:
                        log.warning("skipping broker entry %s: %s", entry_id, exc)
                        continue
                    self.deliver(event.type, event.data, entry_id)
