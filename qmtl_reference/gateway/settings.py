from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class GatewaySettings:
    host: str
    port: int
    redis_url: str
    postgres_dsn: str
    dagmanager_address: str
    worldservice_url: str
    key_dir: Path
    kids: tuple[str, ...]
    active_kid: str
    token_ttl: int
    public_stream_url: str = ""

    @property
    def stream_url(self) -> str:
        # Behind a port mapping or a proxy the listening address is not what subscribers dial.
        return self.public_stream_url or f"ws://{self.host}:{self.port}/ws/evt"


def parse_args(argv: list[str] | None = None) -> GatewaySettings:
    parser = argparse.ArgumentParser(prog="python -m qmtl_reference.gateway", description="Reference QMTL Gateway")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--postgres-dsn", required=True)
    parser.add_argument("--dagmanager-address", default="127.0.0.1:50051")
    parser.add_argument("--worldservice-url", default="", help="empty: no WorldService (status 'unknown')")
    parser.add_argument("--key-dir", type=Path, required=True, help="token signing keys, one <kid>.pem each; created when missing")
    parser.add_argument("--kids", default="reference-1", help="comma-separated key ids published in the JWKS")
    parser.add_argument("--active-kid", default="", help="the kid new tokens are signed with (default: the last of --kids)")
    parser.add_argument("--token-ttl", type=int, default=300, help="token lifetime in seconds")
    parser.add_argument("--stream-url", default="", help="the event-stream URL told to subscribers (default: ws://HOST:PORT/ws/evt)")
    args = parser.parse_args(argv)
    kids = tuple(k.strip() for k in args.kids.split(",") if k.strip())
    if not kids:
        parser.error("--kids names no key id")
    active = args.active_kid or kids[-1]
    if active not in kids:
        parser.error(f"--active-kid {active!r} is not one of --kids")
    if args.stream_url and not args.stream_url.startswith(("ws://", "wss://")):
        parser.error("--stream-url must be a ws:// or wss:// URL")
    if args.token_ttl < 1:
        parser.error("--token-ttl must be at least 1 second")
    return GatewaySettings(
        host=args.host,
        port=args.port,
        redis_url=args.redis_url,
        postgres_dsn=args.postgres_dsn,
        dagmanager_address=args.dagmanager_address,
        worldservice_url=args.worldservice_url.rstrip("/"),
        key_dir=args.key_dir,
        kids=kids,
        active_kid=active,
        token_ttl=args.token_ttl,
        public_stream_url=args.stream_url,
    )
