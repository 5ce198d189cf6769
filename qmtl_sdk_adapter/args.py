"""The `tools sdk run` command line, the same as the reference runner's, checked before QMTL is touched."""
from __future__ import annotations

import argparse
import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from .errors import AdapterError

PROG = "qmtl-sdk-adapter"
DEFAULT_GATEWAY_URL = "http://127.0.0.1:8000"
DEFAULT_WORLD = "default"
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


class OneLineParser(argparse.ArgumentParser):
    """argparse prints usage and a message; a bad command gets one line instead."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise AdapterError(message)


@dataclass(frozen=True)
class RunArgs:
    strategy: str
    start: int
    end: int
    world: str
    gateway_url: str
    live_bars: int
    report: Path | None
    gateway_timeout: float


def parser() -> OneLineParser:
    top = OneLineParser(prog=PROG, description="Run a strategy through the installed QMTL SDK: backfill, then live bars.")
    tools = top.add_subparsers(dest="group", required=True, parser_class=OneLineParser).add_parser("tools")
    sdk = tools.add_subparsers(dest="tool", required=True, parser_class=OneLineParser).add_parser("sdk")
    run = sdk.add_subparsers(dest="command", required=True, parser_class=OneLineParser).add_parser("run")
    run.add_argument("strategy", metavar="MODULE:CLASS")
    run.add_argument("--start-time", required=True, metavar="S", help="window start, epoch seconds (inclusive)")
    run.add_argument("--end-time", required=True, metavar="E", help="window end, epoch seconds (exclusive)")
    run.add_argument("--world", default=DEFAULT_WORLD)
    run.add_argument("--gateway-url", default=DEFAULT_GATEWAY_URL)
    run.add_argument("--live-bars", default="5", metavar="N")
    run.add_argument("--report", type=Path, metavar="FILE")
    run.add_argument("--gateway-timeout", default="5", metavar="SECONDS")
    return top


def _epoch_seconds(option: str, raw: str) -> int:
    text = raw.strip()
    if not _WHOLE_NUMBER.fullmatch(text):
        raise AdapterError(f"{option} {raw!r} is not a whole number of epoch seconds")
    value = int(text)
    if value < 0:
        raise AdapterError(f"{option} {value} is before 1970; give epoch seconds")
    return value


def _gateway_url(raw: str) -> str:
    parsed = urlparse(raw)
    shown = raw if "@" not in raw else "***@" + raw.rpartition("@")[2]
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise AdapterError(f"--gateway-url {shown!r} is not an http(s) URL")
    try:
        _ = parsed.port
    except ValueError:
        raise AdapterError(f"--gateway-url {shown!r} has an invalid port") from None
    return raw.rstrip("/")


def _seconds(option: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise AdapterError(f"{option} {raw!r} is not a number of seconds") from None
    if not 0 < value <= 600:
        raise AdapterError(f"{option} {raw!r} must be between 0 and 600 seconds")
    return value


def validate(namespace: argparse.Namespace, *, now: float | None = None) -> RunArgs:
    start = _epoch_seconds("--start-time", namespace.start_time)
    end = _epoch_seconds("--end-time", namespace.end_time)
    if end < start:
        raise AdapterError(f"--end-time {end} is before --start-time {start}; the window must run forward")
    if end == start:
        raise AdapterError(f"--start-time and --end-time are both {start}; the window [start, end) would be empty")
    current = int(time.time() if now is None else now)
    if end > current:
        raise AdapterError(f"--end-time {end} is in the future (now is {current}); history can only be loaded up to now")
    live = str(namespace.live_bars).strip()
    if not live.isdigit():
        raise AdapterError(f"--live-bars {namespace.live_bars!r} is not a whole number of bars")
    world = namespace.world.strip()
    if not world:
        raise AdapterError("--world is empty; name the world to bind the strategy to")
    return RunArgs(namespace.strategy, start, end, world, _gateway_url(namespace.gateway_url), int(live),
                   namespace.report, _seconds("--gateway-timeout", namespace.gateway_timeout))


def check_report_path(path: Path | None) -> None:
    if path is None:
        return
    parent = Path(path).resolve().parent
    if not parent.is_dir():
        raise AdapterError(f"--report {str(path)!r}: directory {str(parent)!r} does not exist")
    if Path(path).is_dir():
        raise AdapterError(f"--report {str(path)!r} is a directory; name a file")
