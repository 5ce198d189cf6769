"""`qmtl-acceptance stack`: bring a stack up by hand, print where it is, keep it until Ctrl-C.

For trying the external target or the strategy runner against a stack
nothing else started. Its service logs go to `<reports_dir>/stack/logs/`, so
they never mix with a run's.
"""
from __future__ import annotations

import signal
import sys
import threading
from dataclasses import replace
from pathlib import Path

from .config import load_config
from .errors import SuiteError
from .stack import provider_for
from .stack.processes import port_is_free

USAGE = "usage: qmtl-acceptance stack [-D name=value ...] [--gateway-port PORT] [--env-file PATH]"
# The strategy runner's default --gateway-url is http://127.0.0.1:8000: a stack there needs no URL passed.
DEFAULT_GATEWAY_PORT = 8000


def _parse(args: list[str]) -> tuple[dict[str, str], Path | None, int]:
    userdata: dict[str, str] = {}
    env_file = None
    gateway_port = DEFAULT_GATEWAY_PORT
    items = iter(args)
    for arg in items:
        if arg in ("-D", "--define"):
            arg = next(items, "")
        elif arg.startswith("-D"):
            arg = arg[2:]
        elif arg == "--env-file":
            env_file = Path(next(items, ""))
            continue
        elif arg == "--gateway-port":
            raw = next(items, "")
            if not raw.isdigit() or not 0 <= int(raw) < 65536:
                raise SuiteError(f"--gateway-port {raw!r} is not a port number (0 picks a free one)")
            gateway_port = int(raw)
            continue
        else:
            raise SuiteError(f"unexpected argument {arg!r}; {USAGE}")
        name, sep, value = arg.partition("=")
        if not sep:
            raise SuiteError(f"-D {arg!r} is not name=value; {USAGE}")
        userdata[name] = value
    return userdata, env_file, gateway_port


def endpoint_lines(endpoints) -> list[str]:
    fields = ("gateway_url", "worldservice_url", "dagmanager_address", "redis_url", "postgres_dsn", "dagmanager_status_url")
    return [f"{name}={getattr(endpoints, name)}" for name in fields if getattr(endpoints, name)]


def main(args: list[str]) -> int:
    if any(a in ("-h", "--help") for a in args):
        print(USAGE)
        return 0
    try:
        userdata, env_file, gateway_port = _parse(args)
        config = load_config(userdata)
        config = replace(config, reports_dir=config.reports_dir / "stack")
        provider = provider_for(config)
        if gateway_port and hasattr(provider, "fixed_ports"):
            if not port_is_free(gateway_port):
                raise SuiteError(f"port {gateway_port} on 127.0.0.1 is in use: stop what listens there, "
                                 "or choose another with --gateway-port PORT (0 picks a free one)")
            provider.fixed_ports["gateway"] = gateway_port
    except SuiteError as exc:
        print(f"qmtl-acceptance stack: {exc}", file=sys.stderr)
        return 2
    stopping = threading.Event()

    def stop(signum, frame):
        stopping.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print(f"qmtl-acceptance stack: starting the {config.target} stack ...", flush=True)
    try:
        endpoints = provider.start()
    except SuiteError as exc:
        print(f"qmtl-acceptance stack: {exc}", file=sys.stderr)
        return 2
    try:
        lines = endpoint_lines(endpoints)
        if env_file is not None:
            env_file.write_text("".join(line + "\n" for line in lines))
        defines = " ".join(f"-D {line}" for line in lines)
        print(f"qmtl-acceptance stack: the {config.target} stack is ready:", flush=True)
        for line in lines:
            print(f"  {line}")
        print("run the features against it:")
        print(f"  bash scripts/acceptance.sh -D target=external {defines}")
        print("run the strategy runner against it:")
        runner = ("  .venv/bin/qmtl-reference tools sdk run qmtl_reference.samples.sample_strategy:SampleStrategy "
                  "--start-time 1700000000 --end-time 1700003600")
        if endpoints.gateway_url != f"http://127.0.0.1:{DEFAULT_GATEWAY_PORT}":
            runner += f" --gateway-url {endpoints.gateway_url}"
        print(runner)
        print(f"service logs: {config.logs_dir}/")
        print("Ctrl-C stops it.", flush=True)
        while not stopping.wait(0.5):
            pass
    finally:
        print("qmtl-acceptance stack: stopping ...", flush=True)
        provider.stop()
        if env_file is not None:
            env_file.unlink(missing_ok=True)
    print("qmtl-acceptance stack: stopped", flush=True)
    return 0
