"""The outermost layer of every reference HTTP service: body size, outages and unhandled errors.

- A body larger than ``max_body_bytes`` is refused with 413, from its
  Content-Length before a byte is read, or as soon as a chunked body passes
  the limit.
- An exception ``unavailable`` recognises (a store or a peer service down)
  becomes 503 with a one-line detail naming what is down.
- Anything else is logged with its traceback and answered 500 with a body
  that holds no trace, path or address.
"""
from __future__ import annotations

import json
import logging
import time
from typing import Any, Awaitable, Callable

from starlette.exceptions import HTTPException

from ..faults import UnknownFault

log = logging.getLogger("qmtl_reference.http")
# One info line per request, so a green run's log still shows what each service did.
access = logging.getLogger("qmtl_reference.access")
CORRELATION_HEADERS = (b"x-correlation-id", b"x-request-id")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]
Classifier = Callable[[BaseException], "str | None"]


class BodyTooLarge(HTTPException):
    """Raised from inside the app's receive; an HTTPException so FastAPI's body parsing lets it through."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"the request body exceeds {limit} bytes")


def configure_logging() -> None:
    """Service logs carry time, level, logger and, for errors, the traceback."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    access.setLevel(logging.INFO)


async def _send_json(send: Send, status: int, body: dict) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": payload})


def _correlation_id(scope: Scope) -> str:
    for name, value in scope.get("headers") or ():
        if name in CORRELATION_HEADERS:
            return value.decode("latin-1")[:80]
    return "-"


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class HttpGuard:
    def __init__(self, app, *, service: str, max_body_bytes: int, unavailable: Classifier) -> None:
        self.app = app
        self.service = service
        self.max_body_bytes = max_body_bytes
        self.unavailable = unavailable

    def _too_large(self) -> dict:
        return {"detail": f"the request body exceeds {self.max_body_bytes} bytes"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.monotonic()
        status, correlation = [500], [_correlation_id(scope)]

        async def status_send(message: dict) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                if correlation[0] == "-":  # one the service made up for this request (proxied answers carry it)
                    correlation[0] = _correlation_id({"headers": message.get("headers")})
            await send(message)

        try:
            await self._guarded(scope, receive, status_send)
        finally:
            access.info("%s %s %s %.1f ms correlation=%s", scope.get("method"), scope.get("path"), status[0],
                        (time.monotonic() - began) * 1000, correlation[0])

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = _declared_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await _send_json(send, 413, self._too_large())
            return
        seen = 0
        started = False

        async def counted_receive() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise BodyTooLarge(self.max_body_bytes)
            return message

        async def tracked_send(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await _send_json(send, 413, self._too_large())
        except Exception as exc:  # the last line of defence: nothing escapes as a bare 500
            if isinstance(exc, UnknownFault):
                # A faults file naming a fault nobody registered: say so, so a typo cannot pass for a fault run.
                log.error("%s: %s", self.service, exc)
                if not started:
                    await _send_json(send, 500, {"detail": str(exc)})
                return
            down = self.unavailable(exc)
            if down is not None:
                log.warning("%s %r: %s (%s: %s)", scope.get("method"), scope.get("path"), down, type(exc).__name__, exc)
                if not started:
                    await _send_json(send, 503, {"detail": down})
                return
            log.exception("%s: unhandled error on %s %r", self.service, scope.get("method"), scope.get("path"))
            if not started:
                await _send_json(send, 500, {"detail": "internal error"})
