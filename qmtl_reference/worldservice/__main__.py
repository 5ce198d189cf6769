"""python -m qmtl_reference.worldservice --host H --port P --redis-url URL"""
from __future__ import annotations

import argparse
from urllib.parse import urlparse

from qmtl_reference.common.http_guard import configure_logging
from qmtl_reference.common.serve import check_faults, serve_http

from .app import create_app

SERVICE = "worldservice"


def _redis_url(value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("redis", "rediss") or not parsed.hostname:
        raise argparse.ArgumentTypeError(f"{value!r} is not a redis:// URL")
    return value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m qmtl_reference.worldservice",
        description="Reference WorldService: worlds, activation and bindings in Redis; "
        "activation changes are appended to the Redis stream the Gateway reads.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--redis-url", type=_redis_url, required=True,
                        help="state and event broker, e.g. redis://127.0.0.1:6379/0")
    args = parser.parse_args(argv)
    configure_logging()
    check_faults(SERVICE)
    app = create_app(args.redis_url)
    serve_http(SERVICE, app, args.host, args.port)


if __name__ == "__main__":
    main()
