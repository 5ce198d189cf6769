"""One HTTP/1.1 exchange over a plain socket, the request sent byte for byte as given.

For probes whose exact status line matters and for requests no HTTP client
library will send (a malformed request line).
"""
from __future__ import annotations

import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class RawAnswer:
    status_line: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def describe(self) -> str:
        if not self.status_line:
            return "no answer (the connection closed without a status line)"
        return f"{self.status_line} {self.headers} {self.body[:300]!r}"


def exchange(base_url: str, request: bytes, timeout: float) -> RawAnswer:
    """Send ``request`` to the host and port of ``base_url`` and read until the server closes or the body is complete."""
    parts = urlsplit(base_url)
    received = b""
    with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=timeout) as sock:
        sock.sendall(request)
        try:
            while chunk := sock.recv(65536):
                received += chunk
                if _complete(received):
                    break
        except (TimeoutError, ConnectionError):
            pass
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return RawAnswer(lines[0] if received else "", headers, body)


def _complete(received: bytes) -> bool:
    head, sep, body = received.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length" and value.strip().isdigit():
            return len(body) >= int(value.strip())
    return False
