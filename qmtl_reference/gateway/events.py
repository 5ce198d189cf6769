"""Event subscription, the JWK set, and the /ws/evt stream."""
from __future__ import annotations

import json
import time

from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field

from .tokens import TokenRejected, expires_at

router = APIRouter()

POLICY_VIOLATION = 1008


class SubscribeRequest(BaseModel):
    world_id: str = Field(min_length=1)
    strategy_id: str = Field(min_length=1)
    topics: list[str] = Field(default_factory=list)


@router.post("/events/subscribe")
async def subscribe(body: SubscribeRequest, request: Request) -> dict:
    authority = request.app.state.tokens
    token, claims = authority.issue(body.world_id, body.strategy_id, body.topics)
    stream_url = request.app.state.settings.stream_url
    return {
        "stream_url": stream_url,
        "token": token,
        "topics": body.topics,
        "expires_at": expires_at(claims["exp"]),
        # There is no unauthenticated stream: the fallback is the same guarded endpoint.
        "fallback_url": stream_url,
    }


@router.get("/events/jwks")
async def jwks(request: Request) -> dict:
    return request.app.state.tokens.jwks()


def _bearer(websocket: WebSocket) -> str | None:
    header = websocket.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return websocket.query_params.get("token") or None


@router.websocket("/ws/evt")
async def event_stream(websocket: WebSocket) -> None:
    authority = websocket.app.state.tokens
    token = _bearer(websocket)
    try:
        if token is None:
            raise TokenRejected("missing token")
        claims = authority.verify(token)
    except TokenRejected:
        # Closing before accepting makes the server answer the handshake with HTTP 403.
        await websocket.close(code=POLICY_VIOLATION)
        return
    await websocket.accept()
    try:
        while True:
            raw = await websocket.receive_text()
            try:
                frame = json.loads(raw)
            except ValueError:
                continue  # anything that is not a command is a heartbeat
            if not isinstance(frame, dict):
                continue
            kind = frame.get("type")
            if kind == "ack":
                await websocket.send_json({"type": "ack", "ts": time.time(), "last_id": frame.get("last_id")})
            elif kind == "refresh":
                try:
                    claims = authority.verify(str(frame.get("token") or ""))
                except TokenRejected:
                    await websocket.close(code=POLICY_VIOLATION)
                    return
                await websocket.send_json({"type": "refresh_ack", "ts": time.time()})
    except WebSocketDisconnect:
        return
