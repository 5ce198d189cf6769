"""The DAG Manager's HTTP ``GET /status`` (real QMTL's readiness probe), served
without a web framework: one route, one JSON answer."""
from __future__ import annotations

import asyncio
import json
from typing import Awaitable, Callable

StatusProbe = Callable[[], Awaitable[dict]]

_REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 400: "Bad Request"}


async def _answer(writer: asyncio.StreamWriter, code: int, body: dict) -> None:
    payload = json.dumps(body).encode()
    head = (
        f"HTTP/1.1 {code} {_REASONS[code]}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
    )
    writer.write(head.encode() + payload)
    await writer.drain()


def handler(probe: StatusProbe) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            parts = head.split(b"\r\n", 1)[0].decode("latin-1").split()
            if len(parts) != 3:
                await _answer(writer, 400, {"detail": "bad request line"})
            elif parts[1].split("?", 1)[0] != "/status":
                await _answer(writer, 404, {"detail": "not found"})
            elif parts[0] != "GET":
                await _answer(writer, 405, {"detail": "method not allowed"})
            else:
                await _answer(writer, 200, await probe())
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    return handle


async def serve_status(host: str, port: int, probe: StatusProbe) -> asyncio.Server:
    return await asyncio.start_server(handler(probe), host, port)
