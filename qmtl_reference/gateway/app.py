"""Assembles the reference Gateway from its routers and its connections."""
from __future__ import annotations

from contextlib import asynccontextmanager

import grpc
import httpx
import psycopg
import redis.exceptions
from fastapi import FastAPI

from .. import faults
from ..common.http_guard import HttpGuard
from . import events, status, strategies, worlds_proxy
from .dagmanager_client import DagManagerClient
from .settings import GatewaySettings
from .stores import ClaimLost, GatewayStores
from .submission import MAX_BODY_BYTES
from .tokens import TokenAuthority
from .worker import start_worker


def create_app(settings: GatewaySettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.settings = settings
        app.state.tokens = TokenAuthority(settings.key_dir, settings.kids, settings.active_kid, settings.token_ttl)
        app.state.stores = GatewayStores(settings.redis_url, settings.postgres_dsn)
        await app.state.stores.open()
        dagmanager_address = settings.dagmanager_address
        if faults.is_active("gateway_dials_default_dagmanager"):
            dagmanager_address = "127.0.0.1:50051"
        app.state.dagmanager = DagManagerClient(dagmanager_address)
        app.state.worldservice = worlds_proxy.WorldServiceClient(settings.worldservice_url)
        worker = start_worker(app.state.stores, app.state.dagmanager)
        try:
            yield
        finally:
            if worker is not None:
                await worker.stop()
            await app.state.worldservice.close()
            await app.state.dagmanager.close()
            await app.state.stores.close()

    app = FastAPI(title="QMTL reference Gateway", lifespan=lifespan)
    for module in (status, events, strategies, worlds_proxy):
        app.include_router(module.router)
    app.add_middleware(HttpGuard, service="gateway", max_body_bytes=MAX_BODY_BYTES, unavailable=classify_failure)
    return app


DAGMANAGER_DOWN = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


def unavailable(exc: BaseException) -> str | None:
    """What a dependency failure means for the caller (503 with this detail), or None for a real bug."""
    if isinstance(exc, (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)):
        return "Redis unavailable"
    if isinstance(exc, psycopg.OperationalError):
        return "Postgres unavailable"
    if isinstance(exc, (worlds_proxy.WorldServiceUnavailable, httpx.TransportError)):
        return "WorldService unavailable"
    if isinstance(exc, grpc.RpcError) and exc.code() in DAGMANAGER_DOWN:
        return "DAG Manager unavailable"
    if isinstance(exc, ClaimLost):
        return "the submission took too long to record; retry it"
    return None


def classify_failure(exc: BaseException) -> str | None:
    """`unavailable`, unless a planted fault makes a Postgres outage an unhandled error."""
    if isinstance(exc, psycopg.OperationalError) and faults.is_active("postgres_down_500"):
        return None
    return unavailable(exc)
