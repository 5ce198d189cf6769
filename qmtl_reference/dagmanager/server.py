"""Assembling and running the DAG Manager: gRPC services, health, optional HTTP status."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass

import grpc
import redis.asyncio as aioredis
from grpc_health.v1 import health_pb2_grpc
from grpc_health.v1.health import aio as health_aio

from qmtl_reference.dagmanager.acks import AckBook
from qmtl_reference.dagmanager.admin_service import AdminService
from qmtl_reference.dagmanager.diff_service import DiffService
from qmtl_reference.dagmanager.health import NEO4J, HealthCheckService, follow_store, store_ok
from qmtl_reference.dagmanager.http_status import serve_status
from qmtl_reference.dagmanager.settings import Settings
from qmtl_reference.dagmanager.store import DagStore
from qmtl_reference.dagmanager.tagquery_service import TagQueryService
from qmtl_wire import dagmanager_pb2 as pb
from qmtl_wire import dagmanager_pb2_grpc as pb_grpc

log = logging.getLogger("qmtl_reference.dagmanager")

SERVICE_NAMES = [pb.DESCRIPTOR.services_by_name[n].full_name for n in ("HealthCheck", "DiffService", "TagQuery", "AdminService")]
HEALTH_EVERY = 1.0
STOP_GRACE = 1.0


@dataclass(frozen=True)
class Listen:
    host: str
    grpc_port: int
    http_port: int | None = None


async def run(listen: Listen, redis_client: aioredis.Redis, key_prefix: str, settings: Settings) -> None:
    """Serve until SIGTERM or SIGINT, then stop within STOP_GRACE seconds."""
    store = DagStore(redis_client, key_prefix)
    # SO_REUSEPORT would let a second server silently share a busy port.
    server = grpc.aio.server(options=[("grpc.so_reuseport", 0)])
    pb_grpc.add_HealthCheckServicer_to_server(HealthCheckService(store), server)
    pb_grpc.add_DiffServiceServicer_to_server(DiffService(store, AckBook(), settings), server)
    pb_grpc.add_TagQueryServicer_to_server(TagQueryService(store, settings), server)
    pb_grpc.add_AdminServiceServicer_to_server(AdminService(store, settings), server)
    health = health_aio.HealthServicer()
    if not settings.fault("dagmanager_no_standard_health"):
        health_pb2_grpc.add_HealthServicer_to_server(health, server)
    server.add_insecure_port(f"{listen.host}:{listen.grpc_port}")

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    async def probe() -> dict:
        ok = await store_ok(store)
        return {"status": "ok" if ok else "degraded", "state": "running" if ok else "degraded", "neo4j": NEO4J, "redis": "ok" if ok else "error"}

    await server.start()
    http = await serve_status(listen.host, listen.http_port, probe) if listen.http_port else None
    follower = asyncio.create_task(follow_store(health, store, SERVICE_NAMES, HEALTH_EVERY))
    log.info("DAG Manager serving gRPC on %s:%s", listen.host, listen.grpc_port)
    try:
        await stop.wait()
    finally:
        follower.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await follower
        await health.enter_graceful_shutdown()
        if http is not None:
            http.close()
            await http.wait_closed()
        await server.stop(STOP_GRACE)
