"""Event subscription, the JWK set, the event schemas, and the /ws/evt stream."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Body, FastAPI, Request, WebSocket
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from jwt.algorithms import ECAlgorithm
from pydantic import BaseModel, Field, ValidationError

from .. import faults
from ..common.ids import ID_MAX_LENGTH, ID_PATTERN
from .events_frames import SCHEMAS
from .events_hub import EventHub
from .events_session import KNOWN_TOPICS, POLICY_VIOLATION, StreamSession
from .tokens import TokenRejected, expires_at

log = logging.getLogger("qmtl_reference.gateway.events")


@asynccontextmanager
async def _lifespan(app: FastAPI):
    # The reference stack gives WorldService and the Gateway one Redis, so the
    # broker stream WorldService writes is in the Gateway's own Redis.
    hub = EventHub(app.state.settings.redis_url)
    app.state.events = hub
    await hub.start()
    try:
        yield
    finally:
        await hub.stop()


router = APIRouter(lifespan=_lifespan)


MAX_TOPICS = 16


class SubscribeRequest(BaseModel):
    world_id: str = Field(min_length=1, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN)
    strategy_id: str = Field(min_length=1, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN)
    topics: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=MAX_TOPICS)


class LenientSubscribeRequest(SubscribeRequest):
    world_id: Any = ""
    strategy_id: Any = ""


@router.post(
    "/events/subscribe",
    openapi_extra={"requestBody": {"content": {"application/json": {"schema": SubscribeRequest.model_json_schema()}}}},
)
async def subscribe(request: Request, body: Annotated[Any, Body()] = None) -> Any:
    model = LenientSubscribeRequest if faults.is_active("subscribe_accepts_missing_ids") else SubscribeRequest
    try:
        wanted = model.model_validate(body)
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False, include_context=False)]
        raise RequestValidationError(errors) from None
    unknown = [t for t in wanted.topics if t not in KNOWN_TOPICS]
    if unknown and faults.is_active("unknown_topic_refused"):
        return JSONResponse({"detail": f"unknown topics: {', '.join(unknown)}"}, status_code=422)
    if faults.is_active("subscribe_waits_for_dagmanager"):
        await request.app.state.dagmanager.healthy()
    authority = request.app.state.tokens
    token, claims = authority.issue(str(wanted.world_id or ""), str(wanted.strategy_id or ""), wanted.topics)
    stream_url = request.app.state.settings.stream_url
    return {
        "stream_url": stream_url,
        "token": token,
        # Unknown topics are echoed back and ignored when the socket connects.
        "topics": wanted.topics,
        "expires_at": expires_at(claims["exp"]),
        # There is no unauthenticated stream: the fallback is the same guarded endpoint.
        "fallback_url": stream_url,
    }


@router.get("/events/jwks")
async def jwks(request: Request) -> dict:
    authority = request.app.state.tokens
    published = authority.jwks()
    if faults.is_active("jwks_leaks_private_key"):
        for entry in published["keys"]:
            private = ECAlgorithm.to_jwk(authority.keys[entry["kid"]], as_dict=True)
            entry["d"] = private["d"]
    return published


@router.get("/events/schema")
async def schema() -> dict:
    if faults.is_active("schema_lacks_sentinel_weight"):
        return {kind: s for kind, s in SCHEMAS.items() if kind != "sentinel_weight"}
    return SCHEMAS


def _token(websocket: WebSocket) -> str | None:
    header = websocket.headers.get("authorization", "")
    query = None if faults.is_active("query_token_ignored") else websocket.query_params.get("token")
    if query and faults.is_active("query_token_checked_first"):
        return query
    if header.lower().startswith("bearer ") and not faults.is_active("header_token_ignored"):
        return header[7:].strip() or None
    if query:
        return query
    if faults.is_active("token_from_subprotocol"):
        return websocket.headers.get("sec-websocket-protocol") or None
    return None


def _selected_subprotocol(websocket: WebSocket, token: str | None) -> str | None:
    """None (the Gateway speaks no named subprotocol), unless the one protocol offered is the token presented.

    A browser cannot set the Authorization header and fails a handshake that
    selects none of the protocols it offered, so it offers its token there too.
    """
    offered = websocket.headers.get("sec-websocket-protocol")
    if offered and faults.is_active("subprotocol_echoes_any_offer"):
        return offered.split(",")[0].strip()
    if faults.is_active("token_subprotocol_not_echoed"):
        return None
    return offered if offered and token == offered else None


def _anonymous_claims(websocket: WebSocket) -> dict[str, Any]:
    # What a stream without authentication would serve: whatever world the
    # caller names, for as long as it likes.
    return {"world_id": websocket.query_params.get("world_id", ""), "strategy_id": "", "topics": ["activation"], "exp": 2**40}


@router.websocket("/ws/evt")
async def event_stream(websocket: WebSocket) -> None:
    state = websocket.app.state
    token = _token(websocket)
    try:
        if token is None:
            if not faults.is_active("anonymous_event_stream"):
                raise TokenRejected("missing token")
            claims = _anonymous_claims(websocket)
        else:
            claims = state.tokens.verify(token)
    except TokenRejected as exc:
        log.info("event stream handshake refused: %s", exc)
        # Closing before accepting makes the server answer the handshake with HTTP 403.
        await websocket.close(code=POLICY_VIOLATION)
        return
    session = StreamSession(
        websocket, claims, authority=state.tokens, hub=state.events, worldservice=state.worldservice, dagmanager=state.dagmanager
    )
    # Subscribed before the handshake completes: a client that saw its socket open
    # receives every change made from then on, however soon it makes one.
    session.subscribe()
    try:
        await websocket.accept(subprotocol=_selected_subprotocol(websocket, token))
    except BaseException:
        session.unsubscribe()
        raise
    await session.run()
