"""A subscriber on the Gateway's /ws/evt stream (websocket-client), recording every frame it receives."""
from __future__ import annotations

import json
import socket
import struct
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlencode

import websocket
from websocket import ABNF

from . import wire_log

# What the peer's close frame said when there was none: the connection just dropped.
ABNORMAL_CLOSURE = 1006
NO_STATUS = 1005


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


def close_status(data: bytes) -> tuple[int, str]:
    """The code and reason a close frame's payload carries (RFC 6455 §5.5.1)."""
    if len(data) < 2:
        return NO_STATUS, ""
    code = struct.unpack("!H", data[:2])[0]
    return code, data[2:].decode("utf-8", errors="replace")


class EventStream:
    """One open socket. A reader thread keeps every frame, so none is missed between checks."""

    # Called with each frame sent or received, as evidence; the running scenario sets it.
    on_record: "wire_log.Recorder | None" = None

    def __init__(self, connection: websocket.WebSocket) -> None:
        self.connection = connection
        self.on_record = EventStream.on_record
        self.opened_at = time.monotonic()
        self._frames: list[Frame] = []
        self._lock = threading.Lock()
        self.close_code: int | None = None
        self.close_reason: str = ""
        # The subprotocol the handshake answer selected (its Sec-WebSocket-Protocol), None when it named none.
        self.subprotocol: str | None = (connection.getheaders() or {}).get("sec-websocket-protocol")
        # The reader blocks on the socket; closing it from here is what wakes it.
        connection.settimeout(None)
        self._reader = threading.Thread(target=self._read, name="events-reader", daemon=True)
        self._reader.start()

    @classmethod
    def open(cls, url: str, token: str | None, *, via: str = "header", timeout: float = 5.0) -> "EventStream":
        """Present ``token`` one way: as the Authorization header, the ``?token=`` query, or a subprotocol."""
        if via not in ("header", "query", "subprotocol"):
            raise ValueError(f"a token is offered as a header, a query or a subprotocol, not {via!r}")
        return cls.connect(url, timeout=timeout, **({via: token} if token is not None else {}))

    @classmethod
    def connect(cls, url: str, *, header: str | None = None, query: str | None = None, subprotocol: str | None = None,
                offered: str | None = None, timeout: float = 5.0) -> "EventStream":
        """Open the stream presenting any combination of tokens at once (to see which the Gateway takes).

        ``offered`` is a raw Sec-WebSocket-Protocol header the client does not check the answer against,
        so the answer's own choice (or none) can be read back from ``subprotocol``.
        """
        if query is not None:
            url = stream_url(url, {"token": query})
        headers = [f"Authorization: Bearer {header}"] if header is not None else []
        if offered is not None:
            headers.append(f"Sec-WebSocket-Protocol: {offered}")
        try:
            connection = websocket.create_connection(
                url, header=headers, subprotocols=[subprotocol] if subprotocol is not None else None,
                timeout=timeout, enable_multithread=True,
            )
        except websocket.WebSocketBadStatusException as exc:
            raise HandshakeRefused(exc.status_code, str(exc.status_message or "")) from None
        except (OSError, websocket.WebSocketException) as exc:
            raise HandshakeRefused(None, f"{type(exc).__name__}: {exc}") from None
        return cls(connection)

    def _read(self) -> None:
        code, reason = ABNORMAL_CLOSURE, ""
        try:
            while True:
                opcode, data = self.connection.recv_data(control_frame=False)
                if opcode == ABNF.OPCODE_CLOSE:
                    code, reason = close_status(data)
                    break
                text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
                try:
                    payload: Any = json.loads(text)
                except (TypeError, ValueError):
                    payload = text
                with self._lock:
                    self._frames.append(Frame(time.monotonic(), payload))
                wire_log.emit(self.on_record, "websocket", "received", "/ws/evt", payload)
        except (OSError, websocket.WebSocketException):
            pass
        finally:
            self.close_code, self.close_reason = code, reason
            self.connection.shutdown()

    @property
    def closed(self) -> bool:
        return not self._reader.is_alive()

    def frames(self, where: Callable[[Frame], bool] = lambda f: True) -> list[Frame]:
        with self._lock:
            return [f for f in self._frames if where(f)]

    def send(self, payload: Any) -> None:
        self.send_text(json.dumps(payload))

    def send_text(self, text: str) -> None:
        self.connection.send(text)
        wire_log.emit(self.on_record, "websocket", "sent", "/ws/evt", text)

    def close(self) -> None:
        if self.closed:
            return
        try:
            self.connection.send_close()
        except (OSError, websocket.WebSocketException):
            pass
        self._reader.join(timeout=2)
        if self._reader.is_alive():
            try:
                if self.connection.sock is not None:
                    self.connection.sock.shutdown(socket.SHUT_RDWR)
            except (OSError, AttributeError):
                pass
            self._reader.join(timeout=2)

    def describe(self) -> str:
        frames = self.frames()
        kinds = [f.type or "?" for f in frames]
        state = f"closed with code {self.close_code}" if self.closed else "open"
        return f"socket {state}, {len(frames)} frame(s): {kinds[:20]}"
