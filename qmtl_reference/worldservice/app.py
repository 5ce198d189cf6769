"""The WorldService HTTP API (contract §6) over a WorldStore."""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Annotated

import redis.exceptions
from fastapi import FastAPI, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from redis.asyncio import Redis

from qmtl_reference.common.http_guard import HttpGuard
from qmtl_reference.common.ids import ID_MAX_LENGTH, ID_PATTERN
from qmtl_reference.common.redis_retry import reconnect_once

from .models import ActivationIn, BindingsIn, WorldIn
from .store import WorldStore, iso_utc, utc_now

WORLD_NOT_FOUND = {"detail": "world not found"}
ACTIVATION_NOT_FOUND = {"detail": "activation not found"}
DECISION_TTL = "300s"
MAX_BODY_BYTES = 1024 * 1024
REDIS_TIMEOUT_SECONDS = 5.0
WorldId = Annotated[str, Path(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)]
STORAGE_DOWN = "WorldService storage unavailable"


def unavailable(exc: BaseException) -> str | None:
    if isinstance(exc, (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)):
        return STORAGE_DOWN
    return None


def create_app(redis_url: str, *, publish_activation: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        client = Redis.from_url(
            redis_url, decode_responses=True,
            socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            **reconnect_once(),
        )
        app.state.store = WorldStore(client, publish_activation=publish_activation)
        try:
            yield
        finally:
            await client.aclose()

    # No slash redirects: their Location would carry this service's own address through the Gateway.
    app = FastAPI(title="QMTL reference WorldService", lifespan=lifespan, redirect_slashes=False)
    app.add_middleware(HttpGuard, service="worldservice", max_body_bytes=MAX_BODY_BYTES, unavailable=unavailable)

    @app.exception_handler(redis.exceptions.ConnectionError)
    @app.exception_handler(redis.exceptions.TimeoutError)
    async def _storage_down(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": STORAGE_DOWN}, status_code=503)

    def store(request: Request) -> WorldStore:
        return request.app.state.store

    @app.get("/health")
    async def health(request: Request) -> dict:
        await store(request).ping()
        return {"status": "ok"}

    @app.post("/worlds")
    async def post_world(body: WorldIn, request: Request) -> dict:
        return await store(request).upsert_world(body.id, body.name, body.description)

    @app.get("/worlds")
    async def list_worlds(request: Request) -> list[dict]:
        return await store(request).list_worlds()

    @app.get("/worlds/{world_id}")
    async def get_world(world_id: WorldId, request: Request):
        world = await store(request).get_world(world_id)
        return world if world is not None else JSONResponse(WORLD_NOT_FOUND, status_code=404)

    @app.delete("/worlds/{world_id}")
    async def delete_world(world_id: WorldId, request: Request):
        if not await store(request).delete_world(world_id):
            return JSONResponse(WORLD_NOT_FOUND, status_code=404)
        return Response(status_code=204)

    # Like real QMTL, activation, bindings and decide do not require the
    # world to exist: they are keyed by the id alone.

    @app.put("/worlds/{world_id}/activation")
    async def put_activation(world_id: WorldId, body: ActivationIn, request: Request, response: Response) -> dict:
        record = await store(request).put_activation(world_id, body.model_dump())
        response.headers["ETag"] = record["etag"]
        return record

    @app.get("/worlds/{world_id}/activation")
    async def get_activation(
        world_id: WorldId, request: Request, response: Response,
        strategy_id: str = Query(min_length=1, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN), side: str = Query(pattern="^(long|short)$"),
    ):
        record = await store(request).get_activation(world_id, strategy_id, side)
        if record is None:
            return JSONResponse(ACTIVATION_NOT_FOUND, status_code=404)
        response.headers["ETag"] = record["etag"]
        return record

    @app.post("/worlds/{world_id}/bindings")
    async def post_bindings(world_id: WorldId, body: BindingsIn, request: Request) -> dict:
        return {"strategies": await store(request).add_bindings(world_id, body.strategies)}

    @app.get("/worlds/{world_id}/bindings")
    async def get_bindings(world_id: WorldId, request: Request) -> dict:
        return {"strategies": await store(request).list_bindings(world_id)}

    @app.get("/worlds/{world_id}/decide")
    async def decide(world_id: WorldId, response: Response) -> dict:
        # No policy engine: every world stays in validation, which QMTL maps
        # to the backtest execution domain.
        now = utc_now()
        as_of = iso_utc(now.replace(microsecond=0))
        response.headers["Cache-Control"] = "max-age=300"
        return {
            "world_id": world_id,
            "policy_version": 0,
            "effective_mode": "validate",
            "execution_domain": "backtest",
            "reason": "no_active_strategies",
            "as_of": as_of,
            "ttl": DECISION_TTL,
            "etag": f"w:{world_id}:v0:{as_of}:{int(now.timestamp())}",
        }

    return app
