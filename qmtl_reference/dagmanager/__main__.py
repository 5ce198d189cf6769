"""``python -m qmtl_reference.dagmanager``: start the reference DAG Manager.

Bad input or surroundings (busy port, unreachable Redis, unknown fault) end
the process with one line on stderr and exit status 2.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from urllib.parse import urlsplit, urlunsplit

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from qmtl_reference.common.redis_retry import reconnect_once
from qmtl_reference.common.serve import check_faults, check_port_free, fail
from qmtl_reference.dagmanager.server import Listen, run
from qmtl_reference.dagmanager.settings import Settings
from qmtl_reference.dagmanager.store import DEFAULT_PREFIX

SERVICE = "dagmanager"
REDIS_CONNECT_TIMEOUT = 3.0


def redact(url: str) -> str:
    """The URL with any password masked, fit for an error line."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def _positive(kind: type):
    def convert(raw: str):
        try:
            value = kind(raw)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {raw!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be greater than 0, got {raw}")
        return value

    return convert


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m qmtl_reference.dagmanager",
        description="The reference DAG Manager: QMTL's gRPC surface, state in Redis.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--grpc-port", type=int, default=50051, help="gRPC port (default 50051)")
    parser.add_argument("--http-port", type=int, default=None, help="also serve HTTP GET /status on this port")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0", help="where the graph and queue state lives")
    parser.add_argument("--key-prefix", default=DEFAULT_PREFIX, help=f"Redis key prefix (default {DEFAULT_PREFIX})")
    parser.add_argument("--diff-chunk-size", type=_positive(int), default=100, help="queue-map entries per diff chunk")
    parser.add_argument(
        "--ack-resend-interval", type=_positive(float), default=0.5,
        help="seconds before an unacknowledged diff chunk is sent again (default 0.5)",
    )
    parser.add_argument(
        "--ack-timeout", type=_positive(float), default=30.0,
        help="longest wait for one acknowledgement when the caller set no deadline (default 30)",
    )
    return parser.parse_args(argv)


async def connect_redis(url: str) -> aioredis.Redis:
    try:
        client = aioredis.from_url(url, decode_responses=True, socket_connect_timeout=REDIS_CONNECT_TIMEOUT, **reconnect_once())
    except ValueError as exc:
        fail(SERVICE, f"invalid --redis-url {redact(url)}: {exc}")
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        await client.aclose()
        fail(SERVICE, f"cannot reach Redis at {redact(url)}: {exc}")
    return client


async def amain(args: argparse.Namespace, settings: Settings) -> None:
    client = await connect_redis(args.redis_url)
    try:
        await run(Listen(args.host, args.grpc_port, args.http_port), client, args.key_prefix, settings)
    finally:
        await client.aclose()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    check_faults(SERVICE)
    settings = Settings(
        chunk_size=args.diff_chunk_size,
        resend_interval=args.ack_resend_interval,
        ack_timeout=args.ack_timeout,
    )
    check_port_free(SERVICE, args.host, args.grpc_port)
    if args.http_port:
        check_port_free(SERVICE, args.host, args.http_port)
    try:
        asyncio.run(amain(args, settings))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
