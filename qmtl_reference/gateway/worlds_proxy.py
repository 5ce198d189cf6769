"""The Gateway's view of WorldService: health, bindings, and the /worlds proxy."""
from __future__ import annotations

import uuid
from urllib.parse import quote, unquote, urlsplit

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from .. import faults

router = APIRouter()

CORRELATION_HEADER = "X-Correlation-ID"
# Headers that describe one hop and must not be forwarded to the next.
HOP_HEADERS = {"host", "content-length", "connection", "transfer-encoding", "keep-alive"}


class WorldServiceUnavailable(Exception):
    pass


class WorldServiceClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = httpx.AsyncClient(base_url=base_url or "http://unset.invalid", timeout=5.0)

    async def health(self) -> str:
        if not self.base_url:
            return "unknown"
        try:
            response = await self.http.get("/worlds", timeout=2.0)
        except httpx.HTTPError:
            return "error"
        return "ok" if response.status_code == 200 else "error"

    async def bind(self, world_id: str, strategy_ids: list[str]) -> None:
        if not self.base_url:
            return
        try:
            response = await self.http.post(f"/worlds/{quote(world_id, safe='')}/bindings", json={"strategies": strategy_ids})
        except httpx.HTTPError as exc:
            raise WorldServiceUnavailable(str(exc)) from None
        if response.status_code >= 500:
            raise WorldServiceUnavailable(f"WorldService answered {response.status_code} to a binding")
        response.raise_for_status()

    async def activation(self, world_id: str, strategy_id: str, side: str) -> dict | None:
        """One side's activation record, or None when WorldService has none."""
        if not self.base_url:
            return None
        try:
            response = await self.http.get(
                f"/worlds/{quote(world_id, safe='')}/activation", params={"strategy_id": strategy_id, "side": side}
            )
        except httpx.HTTPError as exc:
            raise WorldServiceUnavailable(str(exc)) from None
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()

    async def forward(self, method: str, path: str, query: bytes, headers: dict[str, str], body: bytes) -> httpx.Response:
        if not self.base_url:
            raise WorldServiceUnavailable("no WorldService configured")
        url = path + (("?" + query.decode()) if query else "")
        try:
            return await self.http.request(method, url, headers=headers, content=body)
        except httpx.HTTPError as exc:
            raise WorldServiceUnavailable(str(exc)) from None

    async def close(self) -> None:
        await self.http.aclose()


class UnsafePath(ValueError):
    pass


def upstream_path(raw_path: bytes) -> str:
    """The WorldService path for a Gateway /worlds path, each segment re-encoded on its own.

    Segments are decoded one by one from the raw path, so an encoded slash
    (``%2F``) stays inside its segment instead of becoming a separator; a
    segment that is ``.``/``..``, empty, or holds a slash, backslash or control
    character is refused, so nothing can climb out of ``/worlds``.
    """
    text = raw_path.decode("latin-1")
    if not (text == "/worlds" or text.startswith("/worlds/")):
        raise UnsafePath("not a /worlds path")
    segments = text.split("/")[2:]
    clean: list[str] = []
    for index, raw in enumerate(segments):
        segment = unquote(raw, errors="strict") if "%" in raw else raw
        if segment in ("", ".", "..") or any(ch in segment for ch in "/\\") or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in segment):
            raise UnsafePath(f"path segment {index + 1} is not allowed")
        clean.append(quote(segment, safe=""))
    return "/".join(["/worlds", *clean]) if clean else "/worlds"


def _public_location(location: str, base_url: str) -> str:
    """A redirect from WorldService pointed at the Gateway instead, never at WorldService's own address."""
    parts = urlsplit(location)
    if parts.scheme or parts.netloc:
        if not base_url or not location.startswith(base_url):
            return "/worlds"
        return location[len(base_url):] or "/"
    return location


@router.api_route("/worlds", methods=["GET", "POST"])
@router.api_route("/worlds/{rest:path}", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
async def proxy(request: Request, rest: str = "") -> Response:
    correlation_id = request.headers.get(CORRELATION_HEADER) or uuid.uuid4().hex
    headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
    headers[CORRELATION_HEADER] = correlation_id
    try:
        path = upstream_path(request.scope.get("raw_path") or request.url.path.encode())
    except (UnsafePath, UnicodeDecodeError) as exc:
        detail = str(exc) if isinstance(exc, UnsafePath) else "the path is not valid percent-encoded UTF-8"
        return JSONResponse({"detail": f"bad /worlds path: {detail}"}, status_code=400, headers={CORRELATION_HEADER: correlation_id})
    try:
        upstream = await request.app.state.worldservice.forward(
            request.method, path, request.url.query.encode(), headers, await request.body()
        )
    except WorldServiceUnavailable:
        return JSONResponse({"detail": "WorldService unavailable"}, status_code=503, headers={CORRELATION_HEADER: correlation_id})
    passthrough = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_HEADERS | {"content-encoding"}}
    if "location" in {k.lower() for k in passthrough}:
        passthrough = {k: (_public_location(v, request.app.state.worldservice.base_url) if k.lower() == "location" else v)
                       for k, v in passthrough.items()}
    passthrough[CORRELATION_HEADER] = correlation_id
    if faults.is_active("worlds_answers_name_worldservice"):
        passthrough["Content-Location"] = request.app.state.worldservice.base_url + path
    return Response(content=upstream.content, status_code=upstream.status_code, headers=passthrough)
