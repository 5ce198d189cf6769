"""A subscriber on the Gateway's /ws/evt stream, recording every frame it receives."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlencode

from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from . import wire_log


class HandshakeRefused(Exception):
    def __init__(self, status: int | None, reason: str) -> None:
        super().__init__(f"handshake refused: HTTP {status} ({reason})")
        self.status = status


@dataclass(frozen=True)
class Frame:
    received_at: float  # time.monotonic() at arrival
    payload: Any  # decoded JSON, or the raw text when it is not JSON

    @property
    def type(self) -> str | None:
        return self.payload.get("type") if isinstance(self.payload, dict) else None


def stream_url(base: str, query: dict[str, str] | None = None) -> str:
    if not query:
        return base
    return base + ("&" if "?" in base else "?") + urlencode(query)


class EventStream:
    """One open socket. A reader thread keeps every frame, so none is missed between checks."""

    # Called with each frame sent or received, as evidence; the running scenario sets it.
    on_record: "wire_log.Recorder | None" = None

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.on_record = EventStream.on_record
        self.opened_at = time.monotonic()
        self._frames: list[Frame] = []
        self._lock = threading.Lock()
        self.close_code: int | None = None
        self.close_reason: str = ""
        self._reader = threading.Thread(target=self._read, name="events-reader", daemon=True)
        self._reader.start()

    @classmethod
    def open(cls, url: str, token: str | None, *, via: str = "header", timeout: float = 5.0) -> "EventStream":
        headers = {}
        if token is not None and via == "header":
            headers["Authorization"] = f"Bearer {token}"
        elif token is not None and via == "query":
            url = stream_url(url, {"token": token})
        elif token is not None and via == "subprotocol":
            return cls._open(url, {}, timeout, subprotocols=[token])
        return cls._open(url, headers, timeout)

    @classmethod
    def _open(cls, url: str, headers: dict[str, str], timeout: float, subprotocols: list[str] | None = None) -> "EventStream":
        try:
            connection = connect(
                url, additional_headers=headers, open_timeout=timeout, subprotocols=subprotocols, max_size=2**22,
                # The connection outlives this call (a reader thread owns it), so it cannot be a with-block.
                legacy=True,
            )
        except InvalidStatus as exc:
            raise HandshakeRefused(exc.response.status_code, exc.response.reason_phrase) from None
        except (OSError, TimeoutError) as exc:
            raise HandshakeRefused(None, f"{type(exc).__name__}: {exc}") from None
        return cls(connection)

    def _read(self) -> None:
        try:
            while True:
                message = self.connection.recv()
                try:
                    payload: Any = json.loads(message)
                except (TypeError, ValueError):
                    payload = message
                with self._lock:
                    self._frames.append(Frame(time.monotonic(), payload))
                wire_log.emit(self.on_record, "websocket", "received", "/ws/evt", payload)
        except ConnectionClosed:
            pass
        finally:
            # The close frame the server sent; none means the connection just dropped (1006).
            received = self.connection.protocol.close_rcvd
            self.close_code = received.code if received else 1006
            self.close_reason = received.reason if received else ""

    @property
    def closed(self) -> bool:
        return not self._reader.is_alive()

    def frames(self, where: Callable[[Frame], bool] = lambda f: True) -> list[Frame]:
        with self._lock:
            return [f for f in self._frames if where(f)]

    def send(self, payload: Any) -> None:
        self.connection.send(json.dumps(payload))
        wire_log.emit(self.on_record, "websocket", "sent", "/ws/evt", payload)

    def close(self) -> None:
        try:
            self.connection.close()
        finally:
            self._reader.join(timeout=5)

    def describe(self) -> str:
        frames = self.frames()
        kinds = [f.type or "?" for f in frames]
        state = f"closed with code {self.close_code}" if self.closed else "open"
        return f"socket {state}, {len(frames)} frame(s): {kinds[:20]}"
