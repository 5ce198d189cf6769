"""Real servers for tests that exercise one reference service on its own."""
from __future__ import annotations

import sys
from pathlib import Path

from qmtl_acceptance.clients.dagmanager import DagManagerClient
from qmtl_acceptance.stack.processes import ManagedProcess, free_port
from qmtl_acceptance.stack.stores import redis_process, redis_ready

READY_SECONDS = 20.0
DAGMANAGER_MODULE = "qmtl_reference.dagmanager"
# Short enough that re-sends are seen within a second, long enough that a well-behaved caller never triggers one.
RESEND_INTERVAL = 0.2
CHUNK_SIZE = 2


def start_redis(workdir: Path) -> tuple[ManagedProcess, str]:
    port = free_port()
    proc = redis_process(port, workdir, workdir / "redis.log")
    proc.launch()
    url = f"redis://127.0.0.1:{port}/0"
    try:
        proc.wait_ready(lambda: redis_ready(url), READY_SECONDS)
    except BaseException:
        proc.stop()
        raise
    return proc, url


def dagmanager_argv(port: int, redis_url: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", DAGMANAGER_MODULE, "--host", "127.0.0.1", "--grpc-port", str(port), "--redis-url", redis_url, *extra]


def start_dagmanager(
    redis_url: str,
    log: Path,
    *,
    faults: str = "",
    port: int | None = None,
    extra: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> tuple[ManagedProcess, str]:
    """A reference DAG Manager with small chunks and quick re-sends, once it answers Status."""
    port = port or free_port()
    args = ("--diff-chunk-size", str(CHUNK_SIZE), "--ack-resend-interval", str(RESEND_INTERVAL), *extra)
    proc_env = {"QMTL_REFERENCE_FAULTS": faults, "PATH": "/usr/bin:/bin", **(env or {})}
    proc = ManagedProcess("dagmanager", dagmanager_argv(port, redis_url, *args), log, env=proc_env)
    proc.launch()
    address = f"127.0.0.1:{port}"

    def ready() -> bool:
        with DagManagerClient(address, timeout=1.0) as probe:
            return probe.status().state == "running"

    try:
        proc.wait_ready(ready, READY_SECONDS)
    except BaseException:
        proc.stop()
        raise
    return proc, address
