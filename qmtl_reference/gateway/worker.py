"""The strategy worker: takes submitted strategies off Redis and diffs them with the DAG Manager.

A strategy goes ``queued`` → ``processing`` → ``completed`` (every world
diffed, its queue map recorded) or ``failed`` (the DAG Manager refused the
DAG). A DAG Manager that stays unreachable through every attempt of a turn
fails nothing: the strategy goes back to the queue and waits for it. Each change is written to
Redis and Postgres together with a strategy event ``<CAUSE>:<status>``.

Work is claimed by moving the id from ``strategy_queue`` to
``strategy_queue:processing``; on start the worker puts anything left there
back, so a Gateway that stopped mid-diff resumes it rather than losing it.

Fairness: one turn diffs at most ``WORLDS_PER_TURN`` worlds of a strategy.
A strategy with more goes back to the tail of the queue with its progress
(``diff_done``, ``queue_map_partial``) in its hash, so a strategy naming
many worlds cannot hold back the ones submitted after it.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging

import grpc
import psycopg
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from qmtl_wire import dagmanager_pb2 as pb

from .. import faults
from .dagmanager_client import DagManagerClient
from .stores import STRATEGY_QUEUE, GatewayStores, strategy_key

log = logging.getLogger("qmtl_reference.gateway.worker")

PROCESSING_LIST = STRATEGY_QUEUE + ":processing"
TERMINAL = ("completed", "failed")
# A blocking pop wakes up this often, so a stop request is seen promptly.
POLL_SECONDS = 1.0
DIFF_SECONDS = 15.0
ACK_SECONDS = 5.0
ATTEMPTS = 3
RETRY_PAUSE = 0.5
WORLDS_PER_TURN = 8
# Worth another attempt: the DAG Manager (or its store) was briefly away.
RETRYABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


class DiffFailed(Exception):
    pass


class DagManagerUnreachable(Exception):
    pass


async def diff_world(
    dagmanager: DagManagerClient, strategy_id: str, dag_json: str, world_id: str, domain: str
) -> tuple[dict[str, str], str]:
    """One world's diff, acknowledging every chunk; a re-sent chunk is acknowledged again under its id."""
    call = dagmanager.diff.Diff(
        pb.DiffRequest(strategy_id=strategy_id, dag_json=dag_json, world_id=world_id, execution_domain=domain),
        timeout=DIFF_SECONDS,
    )
    queue_map: dict[str, str] = {}
    sentinel, last, chunk_id = "", b"", -1
    try:
        async for chunk in call:
            raw = chunk.SerializeToString(deterministic=True)
            if raw != last:
                last, chunk_id = raw, chunk_id + 1
                queue_map.update(chunk.queue_map)
                sentinel = chunk.sentinel_id
            await dagmanager.diff.AckChunk(pb.ChunkAck(sentinel_id=chunk.sentinel_id, chunk_id=chunk_id), timeout=ACK_SECONDS)
    finally:
        call.cancel()
    return queue_map, sentinel


class StrategyWorker:
    def __init__(self, stores: GatewayStores, dagmanager: DagManagerClient) -> None:
        self.stores = stores
        self.dagmanager = dagmanager
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="strategy-worker")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        redis = self.stores.redis
        restored = False
        while True:
            strategy_id = None
            try:
                if not restored:
                    await self._take_back_claimed()
                    restored = True
                strategy_id = await redis.blmove(STRATEGY_QUEUE, PROCESSING_LIST, POLL_SECONDS, "LEFT", "RIGHT")
                if strategy_id is None:
                    continue
                await self.process(strategy_id)
                await redis.lrem(PROCESSING_LIST, 1, strategy_id)
            except asyncio.CancelledError:
                raise
            except (RedisConnectionError, RedisTimeoutError, psycopg.OperationalError) as exc:
                log.warning("strategy worker: a store is unavailable (%s: %s); retrying", type(exc).__name__, exc)
                await self._give_back(strategy_id)
            except DagManagerUnreachable as exc:
                log.warning("strategy worker: %s; %s goes back to the queue", exc, strategy_id)
                await self._give_back(strategy_id)
            except Exception:  # a bug in one strategy's turn must not end the worker
                log.exception("strategy worker: processing %s failed; it goes back to the queue", strategy_id)
                await self._give_back(strategy_id)

    async def _take_back_claimed(self) -> None:
        """Queue again what a Gateway that stopped mid-diff left claimed, oldest claim first."""
        if faults.is_active("claimed_strategies_forgotten"):
            return
        while await self.stores.redis.lmove(PROCESSING_LIST, STRATEGY_QUEUE, "RIGHT", "LEFT"):
            pass

    async def _give_back(self, strategy_id: str | None) -> None:
        """After a pause, put a half-processed strategy back in the queue (or leave it for the next start)."""
        await asyncio.sleep(RETRY_PAUSE)
        if strategy_id is None:
            return
        try:
            async with self.stores.redis.pipeline(transaction=True) as tx:
                tx.lrem(PROCESSING_LIST, 1, strategy_id)
                tx.rpush(STRATEGY_QUEUE, strategy_id)
                await tx.execute()
        except Exception as exc:
            log.warning("strategy worker: %s stays claimed until the next start (%s)", strategy_id, type(exc).__name__)

    async def process(self, strategy_id: str) -> None:
        record = await self.stores.strategy(strategy_id)
        if record is None or record.get("state") in TERMINAL:
            return
        if record.get("state") != "processing":
            await self._set_status(strategy_id, "processing", "DIFF_STARTED")
        world_ids = json.loads(record.get("world_ids") or "[]") or [""]
        domain = str(json.loads(record.get("meta") or "{}").get("execution_domain") or "")
        done = int(record.get("diff_done") or 0)
        queue_map = json.loads(record.get("queue_map_partial") or "{}")
        turn = world_ids[done : done + WORLDS_PER_TURN]
        key = strategy_key(strategy_id)
        try:
            part, sentinel = await self._diff_all(strategy_id, record.get("dag", ""), turn, domain)
        except DiffFailed as exc:
            await self.stores.redis.hset(key, "error", str(exc))
            await self._set_status(strategy_id, "failed", "DIFF_FAILED")
            return
        queue_map.update(part)
        done += len(turn)
        if done < len(world_ids):
            async with self.stores.redis.pipeline(transaction=True) as tx:
                tx.hset(key, mapping={"diff_done": done, "queue_map_partial": json.dumps(queue_map, sort_keys=True)})
                tx.rpush(STRATEGY_QUEUE, strategy_id)
                tx.lrem(PROCESSING_LIST, 1, strategy_id)
                await tx.execute()
            return
        async with self.stores.redis.pipeline(transaction=True) as tx:
            tx.hset(key, mapping={"queue_map": json.dumps(queue_map, sort_keys=True), "dm_sentinel_id": sentinel})
            tx.hdel(key, "diff_done", "queue_map_partial")
            await tx.execute()
        await self._set_status(strategy_id, "completed", "DIFF_APPLIED")

    async def _diff_all(self, strategy_id: str, dag_json: str, world_ids: list[str], domain: str) -> tuple[dict, str]:
        queue_map: dict[str, str] = {}
        sentinel = ""
        for world_id in world_ids:
            for attempt in range(1, ATTEMPTS + 1):
                try:
                    part, sentinel = await diff_world(self.dagmanager, strategy_id, dag_json, world_id, domain)
                    queue_map.update(part)
                    break
                except grpc.RpcError as exc:
                    reason = f"DAG Manager diff for world {world_id or '(none)'}: {exc.code().name}: {exc.details()}"
                    if exc.code() not in RETRYABLE:
                        raise DiffFailed(reason) from None
                    if attempt == ATTEMPTS:
                        raise DagManagerUnreachable(reason) from None
                    log.warning("%s; attempt %d of %d", reason, attempt, ATTEMPTS)
                    await asyncio.sleep(RETRY_PAUSE * attempt)
        return queue_map, sentinel

    async def _set_status(self, strategy_id: str, status: str, cause: str) -> None:
        if not faults.is_active("strategy_events_not_recorded"):
            await self.stores.set_status(strategy_id, status, f"{cause}:{status}")
            return
        await self.stores.redis.hset(strategy_key(strategy_id), "state", status)
        async with self.stores.pool.connection() as conn:
            await conn.execute("UPDATE strategies SET status = %s WHERE id = %s", (status, strategy_id))


def start_worker(stores: GatewayStores, dagmanager: DagManagerClient) -> StrategyWorker | None:
    """Start the worker, unless the fault that keeps every strategy queued (as real QMTL does) is on."""
    if faults.is_active("strategy_status_never_advances"):
        return None
    worker = StrategyWorker(stores, dagmanager)
    worker.start()
    return worker
