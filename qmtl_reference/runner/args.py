"""The ``tools sdk run`` arguments, checked before anything is loaded or sent."""
from __future__ import annotations

import argparse
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from .errors import RunnerError

DEFAULT_GATEWAY_URL = "http://127.0.0.1:8000"
# QMTL's SDK names its Gateway in this variable; the guide's command gives no --gateway-url.
GATEWAY_URL_ENV = "QMTL_GATEWAY_URL"
DEFAULT_WORLD = "default"
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


class OneLineParser(argparse.ArgumentParser):
    """argparse prints usage plus a message; a bad command deserves one line instead."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise RunnerError(message)


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


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("strategy", metavar="MODULE:CLASS", help="the strategy class to run, e.g. qmtl_reference.samples.sample_strategy:SampleStrategy")
    parser.add_argument("--start-time", required=True, metavar="S", help="backfill window start, epoch seconds (inclusive)")
    parser.add_argument("--end-time", required=True, metavar="E", help="backfill window end, epoch seconds (exclusive)")
    parser.add_argument("--world", default=DEFAULT_WORLD, help=f"world to bind the strategy to (default {DEFAULT_WORLD})")
    parser.add_argument("--gateway-url", default=os.environ.get(GATEWAY_URL_ENV) or DEFAULT_GATEWAY_URL,
                        help=f"Gateway base URL (default ${GATEWAY_URL_ENV}, else {DEFAULT_GATEWAY_URL})")
    parser.add_argument("--live-bars", default="5", metavar="N", help="live bars to process per stream after the backfill (default 5)")
    parser.add_argument("--report", type=Path, metavar="FILE", help="write a JSON report of what was loaded and processed")
    parser.add_argument("--gateway-timeout", default="5", metavar="SECONDS", help="timeout for each Gateway request (default 5)")


def _epoch_seconds(option: str, raw: str) -> int:
    text = raw.strip()
    if not _WHOLE_NUMBER.fullmatch(text):
        raise RunnerError(f"{option} {raw!r} is not a whole number of epoch seconds")
    value = int(text)
    if value < 0:
        raise RunnerError(f"{option} {value} is before 1970; give epoch seconds")
    return value


def _gateway_url(raw: str) -> str:
    parsed = urlparse(raw)
    # Credentials in a URL stay out of error messages.
    shown = raw if "@" not in raw else "***@" + raw.rpartition("@")[2]
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise RunnerError(f"--gateway-url {shown!r} is not an http(s) URL")
    try:
        _ = parsed.port  # reading it validates it
    except ValueError:
        raise RunnerError(f"--gateway-url {shown!r} has an invalid port") from None
    return raw.rstrip("/")


def _positive_seconds(option: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise RunnerError(f"{option} {raw!r} is not a number of seconds") from None
    if not 0 < value <= 600:
        raise RunnerError(f"{option} {raw!r} must be between 0 and 600 seconds")
    return value


def validate(namespace: argparse.Namespace, *, now: float | None = None) -> RunArgs:
    start = _epoch_seconds("--start-time", namespace.start_time)
    end = _epoch_seconds("--end-time", namespace.end_time)
    if end < start:
        raise RunnerError(f"--end-time {end} is before --start-time {start}; the window must run forward")
    if end == start:
        raise RunnerError(f"--start-time and --end-time are both {start}; the window [start, end) would be empty")
    current = int(time.time() if now is None else now)
    if end > current:
        raise RunnerError(f"--end-time {end} is in the future (now is {current}); history can only be loaded up to now")
    live_raw = str(namespace.live_bars).strip()
    if not live_raw.isdigit():
        raise RunnerError(f"--live-bars {namespace.live_bars!r} is not a whole number of bars")
    world = namespace.world.strip()
    if not world:
        raise RunnerError("--world is empty; name the world to bind the strategy to")
    return RunArgs(
        strategy=namespace.strategy,
        start=start,
        end=end,
        world=world,
        gateway_url=_gateway_url(namespace.gateway_url),
        live_bars=int(live_raw),
        report=namespace.report,
        gateway_timeout=_positive_seconds("--gateway-timeout", namespace.gateway_timeout),
    )
