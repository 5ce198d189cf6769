"""Process plumbing every reference HTTP service shares: one-line start-up errors, uvicorn."""
from __future__ import annotations

import socket
import sys

from .. import faults


def fail(service: str, message: str) -> "NoReturn":  # noqa: F821
    print(f"{service}: {message}", file=sys.stderr)
    raise SystemExit(2)


def check_port_free(service: str, host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            fail(service, f"cannot listen on {host}:{port}: {exc.strerror}")


def check_faults(service: str) -> frozenset[str]:
    try:
        active = faults.active_faults()
    except faults.UnknownFault as exc:
        fail(service, str(exc))
    if active:
        print(f"{service}: DELIBERATE FAULTS ACTIVE: {', '.join(sorted(active))}", file=sys.stderr, flush=True)
    return active


def serve_http(service: str, app, host: str, port: int) -> None:
    import uvicorn

    check_port_free(service, host, port)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, ws="websockets-sansio", lifespan="on")
