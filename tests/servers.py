"""Real servers for tests that exercise one reference service on its own."""
from __future__ import annotations

from pathlib import Path

from qmtl_acceptance.stack.processes import ManagedProcess, free_port
from qmtl_acceptance.stack.stores import redis_process, redis_ready

READY_SECONDS = 20.0


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
