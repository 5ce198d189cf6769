"""A loopback endpoint that fails the way a Gateway can, for judging how the strategy runner reports it.

The real Gateway cannot be made to drop a connection, speak another protocol
or answer 503 on demand, so the backfill features point the runner at one of
these instead. Each serves in a thread of its own until ``close``.
"""
from __future__ import annotations

import json
import socket
import socketserver
import threading
from typing import Callable

# Enough of a request to answer it: the request line and the headers, or the body a POST announced.
_READ_LIMIT = 1 << 20

STATUS_OK = {"status": "ok", "redis": "ok", "postgres": "ok", "dagmanager": "ok", "worldservice": "ok"}


def _read_request(conn: socket.socket) -> tuple[str, str]:
    """The method and path of one request, after reading it whole (so closing sends no reset)."""
    data = b""
    while b"\r\n\r\n" not in data and len(data) < _READ_LIMIT:
        chunk = conn.recv(65536)
        if not chunk:
            return "", ""
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next((int(line.split(":", 1)[1]) for line in lines[1:] if line.lower().startswith("content-length:")), 0)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    method, path = (lines[0].split(" ") + ["", ""])[:2]
    return method, path


def _http(status: int, body: str, content_type: str = "application/json") -> bytes:
    raw = body.encode()
    return (f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {len(raw)}\r\n"
            "Connection: close\r\n\r\n").encode() + raw


def _status_then(submission: Callable[[socket.socket], None]) -> Callable[[socket.socket], None]:
    """Answer /status as a healthy Gateway does; fail the submission as ``submission`` says."""
    def behave(conn: socket.socket) -> None:
        method, path = _read_request(conn)
        if method == "GET" and path.startswith("/status"):
            conn.sendall(_http(200, json.dumps(STATUS_OK)))
        elif method:
            submission(conn)
    return behave


def _answer(status: int, body: str, content_type: str = "application/json") -> Callable[[socket.socket], None]:
    return lambda conn: conn.sendall(_http(status, body, content_type))


def _after_reading(answer: Callable[[socket.socket], None]) -> Callable[[socket.socket], None]:
    def behave(conn: socket.socket) -> None:
        _read_request(conn)
        answer(conn)
    return behave


def _drop(conn: socket.socket) -> None:
    return None


def _drop_after_reading(conn: socket.socket) -> None:
    _read_request(conn)


def _not_http(conn: socket.socket) -> None:
    _read_request(conn)
    conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")


def _silent(conn: socket.socket) -> None:
    _read_request(conn)
    conn.settimeout(30)
    try:
        conn.recv(1)  # until the runner gives up and hangs up
    except OSError:
        pass


# Phrase (after "a Gateway that") → what it does with each connection.
FAILURES: dict[str, Callable[[socket.socket], None]] = {
    "closes every connection without answering": _drop_after_reading,
    "answers in a protocol that is not HTTP": _not_http,
    "never answers": _silent,
    "answers its status with HTTP 503": _after_reading(_answer(503, json.dumps({"detail": "starting"}))),
    "drops every submission without answering": _status_then(_drop),
    "refuses every strategy with HTTP 503 and a detail":
        _status_then(_answer(503, json.dumps({"detail": "DAG Manager unavailable"}))),
    "refuses every strategy with HTTP 400 and an error code":
        _status_then(_answer(400, json.dumps({"detail": {"code": "E_SCHEMA_INVALID", "message": "bad DAG"}}))),
    "refuses every strategy with HTTP 500 and a plain-text body":
        _status_then(_answer(500, "Internal Server Error", "text/plain")),
}


class BrokenGateway:
    def __init__(self, failure: str) -> None:
        behave = FAILURES[failure]

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                try:
                    behave(self.request)
                except OSError:
                    pass

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="broken-gateway", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
