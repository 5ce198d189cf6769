"""Both health surfaces: QMTL's own HealthCheck.Status and the standard grpc.health.v1.

The reference DAG Manager keeps its graph in Redis, not Neo4j, so ``neo4j``
says ``n/a``; ``state`` is ``running`` while Redis answers and ``degraded``
otherwise. The standard service follows the same truth (SERVING /
NOT_SERVING), re-checked every ``every`` seconds.
"""
from __future__ import annotations

import asyncio

import grpc
from grpc_health.v1 import health_pb2
from grpc_health.v1.health import aio as health_aio
from redis.exceptions import RedisError

from qmtl_reference import faults
from qmtl_reference.dagmanager.store import DagStore
from qmtl_wire import dagmanager_pb2 as pb
from qmtl_wire import dagmanager_pb2_grpc as pb_grpc

NEO4J = "n/a"


async def store_ok(store: DagStore) -> bool:
    try:
        return await store.ping()
    except (RedisError, OSError):
        return False


class HealthCheckService(pb_grpc.HealthCheckServicer):
    def __init__(self, store: DagStore) -> None:
        self._store = store

    async def Status(self, request: pb.StatusRequest, context: grpc.aio.ServicerContext) -> pb.StatusReply:
        if faults.is_active("stopped_dagmanager_health"):
            return pb.StatusReply(neo4j=NEO4J, state="stopped")
        running = faults.is_active("dagmanager_health_ignores_redis") or await store_ok(self._store)
        return pb.StatusReply(neo4j=NEO4J, state="running" if running else "degraded")


async def follow_store(servicer: health_aio.HealthServicer, store: DagStore, services: list[str], every: float) -> None:
    """Keep the standard health answers in step with Redis until cancelled."""
    while True:
        status = health_pb2.HealthCheckResponse.SERVING if await store_ok(store) else health_pb2.HealthCheckResponse.NOT_SERVING
        for name in ["", *services]:
            await servicer.set(name, status)
        await asyncio.sleep(every)
