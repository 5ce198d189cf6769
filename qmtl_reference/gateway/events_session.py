"""One accepted /ws/evt socket: snapshots, live events, client commands, expiry.

Three tasks share the socket: the sender drains the hub's outbox, the
receiver answers ack/refresh, the expiry watcher closes the socket (1008)
when its token runs out. Sends and the close go through one lock, so a frame
is never written to a socket that is being closed.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import jwt
from starlette.websockets import WebSocket, WebSocketDisconnect

from qmtl_wire import dagmanager_pb2

from .. import faults
from .events_frames import activation_data, cloud_event, queue_data
from .events_hub import EventHub, Subscription
from .tokens import TokenAuthority, TokenRejected

log = logging.getLogger("qmtl_reference.gateway.events")

POLICY_VIOLATION = 1008
KNOWN_TOPICS = {"queue": "queue", "queues": "queue", "activation": "activation", "policy": "policy", "deprecation": "deprecation"}
SIDES = ("long", "short")
SNAPSHOT_SECONDS = 3.0


def known_topics(requested: Any) -> frozenset[str]:
    """Canonical topic names; unknown ones are ignored, as QMTL does at connect."""
    if not isinstance(requested, list):
        return frozenset()
    known = {k: v for k, v in KNOWN_TOPICS.items() if k != "queues" or not faults.is_active("queues_alias_ignored")}
    return frozenset(known[t] for t in requested if isinstance(t, str) and t in known)


def queue_request(query) -> tuple[list[str], int, str] | None:
    """The tagged-queue snapshot a URL asks for (`?tags=a,b&interval=60[&match_mode=]`), if any."""
    tags = [t.strip() for t in (query.get("tags") or "").split(",") if t.strip()]
    try:
        interval = int(query.get("interval") or "")
    except ValueError:
        return None
    match_mode = "any" if faults.is_active("queue_match_mode_ignored") else (query.get("match_mode") or "any").lower()
    if not tags or interval < 1 or match_mode not in ("any", "all"):
        return None
    return tags, interval, match_mode


class StreamSession:
    def __init__(self, websocket: WebSocket, claims: dict[str, Any], *, authority: TokenAuthority, hub: EventHub,
                 worldservice, dagmanager) -> None:
        self.ws = websocket
        self.claims = claims
        self.authority = authority
        self.hub = hub
        self.worldservice = worldservice
        self.dagmanager = dagmanager
        self.topics = known_topics(claims.get("topics"))
        self.subscription: Subscription | None = None
        self._lock = asyncio.Lock()
        self._closed = False
        self._refreshed = asyncio.Event()

    @property
    def world_id(self) -> str:
        return str(self.claims.get("world_id", ""))

    @property
    def strategy_id(self) -> str:
        return str(self.claims.get("strategy_id", ""))

    def subscribe(self) -> None:
        # Registered before the snapshots are read, so a change made meanwhile
        # arrives as a live event rather than falling between the two.
        self.subscription = self.hub.subscribe(self.world_id, self.topics)

    def unsubscribe(self) -> None:
        if self.subscription is not None:
            self.hub.unsubscribe(self.subscription)
            self.subscription = None

    async def run(self) -> None:
        if self.subscription is None:
            self.subscribe()
        tasks: set[asyncio.Task] = set()
        try:
            await self._send_snapshots()
            tasks = {
                asyncio.create_task(self._send_loop(), name="evt-send"),
                asyncio.create_task(self._receive_loop(), name="evt-receive"),
                asyncio.create_task(self._expiry_loop(), name="evt-expiry"),
            }
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        except (WebSocketDisconnect, RuntimeError, OSError):
            pass  # the client went away while we were writing
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self.unsubscribe()

    # -- writing ------------------------------------------------------------
    async def send(self, payload: dict[str, Any]) -> None:
        async with self._lock:
            if not self._closed:
                await self.ws.send_text(json.dumps(payload))

    async def close(self, code: int, reason: str) -> None:
        async with self._lock:
            if self._closed:
                return
            self._closed = True
            log.info("closing event stream of world %s: %s", self.world_id, reason)
            await self.ws.close(code=code, reason=reason)

    # -- snapshots ----------------------------------------------------------
    async def _send_snapshots(self) -> None:
        if "activation" in self.topics and not faults.is_active("skip_activation_snapshot"):
            for side in SIDES:
                record = await self._activation(side)
                if record is not None:
                    await self.send(cloud_event("activation_updated", activation_data(record)))
        wanted = queue_request(self.ws.query_params)
        if wanted is not None and self._may_see_queues() and not faults.is_active("skip_queue_snapshot"):
            queues = await self._queues(*wanted)
            if queues is not None:
                await self.send(cloud_event("queue_update", queue_data(wanted[0], wanted[1], wanted[2], queues)))

    def _may_see_queues(self) -> bool:
        # The URL only says which tags; whether this socket gets queue data at
        # all is the token's grant (`queue`, or its alias `queues`), as in QMTL.
        return "queue" in self.topics or faults.is_active("queue_snapshot_ignores_topics")

    async def _activation(self, side: str) -> dict[str, Any] | None:
        try:
            return await asyncio.wait_for(self.worldservice.activation(self.world_id, self.strategy_id, side), SNAPSHOT_SECONDS)
        except Exception as exc:  # a snapshot we cannot read is skipped, the live stream still works
            log.warning("activation snapshot (%s) of world %s unavailable: %s", side, self.world_id, exc)
            return None

    async def _queues(self, tags: list[str], interval: int, match_mode: str) -> list[dict[str, Any]] | None:
        request = dagmanager_pb2.TagQueryRequest(tags=tags, interval=interval, match_mode=match_mode)
        try:
            reply = await self.dagmanager.tags.GetQueues(request, timeout=SNAPSHOT_SECONDS)
        except Exception as exc:
            log.warning("queue snapshot for tags %s unavailable: %s", tags, exc)
            return None
        return [{"queue": q.queue, "global": getattr(q, "global")} for q in reply.queues]

    # -- the three tasks ----------------------------------------------------
    async def _send_loop(self) -> None:
        assert self.subscription is not None
        while True:
            frame = await self.subscription.outbox.get()
            await self.send(frame)

    async def _receive_loop(self) -> None:
        while True:
            try:
                raw = await self.ws.receive_text()
            except WebSocketDisconnect:
                return
            try:
                frame = json.loads(raw)
            except ValueError:
                frame = None  # anything that is not a command is a heartbeat
            kind = frame.get("type") if isinstance(frame, dict) else None
            if kind not in ("ack", "refresh") and faults.is_active("heartbeat_closes_stream"):
                await self.close(POLICY_VIOLATION, "unknown frame")
                return
            if kind == "ack":
                reply = {"type": "ack", "ts": time.time(), "last_id": frame.get("last_id")}
                if faults.is_active("ack_without_last_id"):
                    del reply["last_id"]
                await self.send(reply)
            elif kind == "refresh":
                if not await self._refresh(str(frame.get("token") or "")):
                    return

    async def _refresh(self, token: str) -> bool:
        if faults.is_active("refresh_ignores_malformed") and token.count(".") != 2:
            return True
        try:
            if faults.is_active("refresh_skips_verification"):
                claims = jwt.decode(token, options={"verify_signature": False})
            else:
                claims = self.authority.verify(token)
        except (TokenRejected, jwt.PyJWTError):
            await self.close(POLICY_VIOLATION, "invalid token")
            return False
        same_scope = (claims.get("world_id"), claims.get("strategy_id")) == (self.world_id, self.strategy_id)
        if not same_scope:
            if not faults.is_active("refresh_switches_world"):
                # A socket stays in the world it was opened for; switching worlds
                # would hand one world's events to another world's subscriber.
                await self.close(POLICY_VIOLATION, "token is for another world or strategy")
                return False
            assert self.subscription is not None
            self.subscription.world_id = str(claims.get("world_id", ""))
            self.subscription.topics = known_topics(claims.get("topics"))
        self.claims = {**claims, "exp": self.claims.get("exp")} if faults.is_active("refresh_keeps_old_expiry") else claims
        if faults.is_active("refresh_drops_subscription") and self.subscription is not None:
            self.hub.unsubscribe(self.subscription)
        self._refreshed.set()
        if not faults.is_active("refresh_never_acked"):
            await self.send({"type": "refresh_ack", "ts": time.time()})
        return True

    async def _expiry_loop(self) -> None:
        if faults.is_active("expired_sockets_stay_open"):
            await asyncio.Event().wait()
        while True:
            remaining = float(self.claims.get("exp", 0)) - time.time() - (3 if faults.is_active("sockets_close_early") else 0)
            if remaining <= 0:
                await self.close(POLICY_VIOLATION, "token expired")
                return
            self._refreshed.clear()
            try:
                await asyncio.wait_for(self._refreshed.wait(), remaining)
            except asyncio.TimeoutError:
                pass
