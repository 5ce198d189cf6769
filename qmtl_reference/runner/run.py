"""``tools sdk run``: check everything, submit, backfill, go live, report.

Every check that can refuse the command — times, strategy, history
providers, report path, Gateway reachability — runs before the submission,
so a refused command leaves nothing behind at the Gateway.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from qmtl_reference import faults

from .args import validate
from .errors import EXIT_FAILED, EXIT_OK, RunnerError
from .execute import execute
from .gateway import GatewayClient
from .loader import load_strategy
from .plan import make_plan
from .report import build_report, failure_report, write_report

PROG = "qmtl-reference"
# The clock the window is checked against, when set (epoch seconds): a test can then stand exactly
# at a window's end. Unset, the runner reads the system clock.
CLOCK_ENV = "QMTL_REFERENCE_RUNNER_NOW"
EXECUTION_DOMAIN = "dryrun"
_LIST_LIMIT = 10


def _say_error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def _check_report_path(path: Path | None) -> None:
    if path is None:
        return
    parent = Path(path).resolve().parent
    if not parent.is_dir():
        raise RunnerError(f"--report {str(path)!r}: directory {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK):
        raise RunnerError(f"--report {str(path)!r}: directory {str(parent)!r} is not writable")
    if Path(path).is_dir():
        raise RunnerError(f"--report {str(path)!r} is a directory; name a file")


def _clock() -> int | None:
    raw = os.environ.get(CLOCK_ENV, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise RunnerError(f"{CLOCK_ENV} {raw!r} is not a whole number of epoch seconds")
    if faults.is_active("runner_clock_one_second_behind"):
        return int(raw) - 1
    return int(raw)


def _short_list(values: list[int], count: int) -> str:
    shown = ", ".join(str(v) for v in values[:_LIST_LIMIT])
    return shown + (f" and {count - _LIST_LIMIT} more" if count > _LIST_LIMIT else "")


def _summarize(report: dict[str, Any]) -> None:
    sub = report["submission"]
    again = " (already registered)" if sub["duplicate"] else ""
    print(f"submitted {report['strategy']} to world {report['world_id']} as strategy {sub['strategy_id']}{again}")
    window = report["window"]
    for stream in report["streams"]:
        cache = stream["cache"]
        held = f"{cache[0]['ts']}..{cache[-1]['ts']}" if cache else "nothing"
        print(
            f"backfilled {stream['name']} ({stream['interval']} s bars): {len(stream['loaded_ts'])} rows"
            f" for [{window['start']}, {window['end']}), cache holds {held}"
        )
        if stream["missing_count"]:
            missing = stream["missing_buckets"]
            print(
                f"{PROG}: warning: stream {stream['name']!r} has no history for {stream['missing_count']} bucket(s)"
                f" in the window: {_short_list(missing, stream['missing_count'])}",
                file=sys.stderr,
            )
    backfill = report["backfill"]
    print(f"backfill: {backfill['rows']} rows in {backfill['seconds']:.3f} s; then {len(report['live']['processed'])} live bars processed")


def run_command(namespace: argparse.Namespace) -> int:
    report_path: Path | None = getattr(namespace, "report", None)
    submitted = False
    try:
        try:
            faults.active_faults()
        except faults.UnknownFault as exc:
            raise RunnerError(str(exc)) from None
        args = validate(namespace, now=_clock())
        _check_report_path(args.report)
        strategy = load_strategy(args.strategy)
        plan = make_plan(args.strategy, strategy, world_id=args.world)
        with GatewayClient(args.gateway_url, timeout=args.gateway_timeout) as gateway:
            gateway.check_reachable()
            submission = gateway.submit(plan.dag, world_id=args.world, meta={"execution_domain": EXECUTION_DOMAIN})
        submitted = True
        outcome = asyncio.run(execute(plan, start=args.start, end=args.end, live_bars=args.live_bars))
        report = build_report(args, plan, submission, outcome)
        if args.report is not None:
            write_report(args.report, report)
        _summarize(report)
        return EXIT_OK
    except RunnerError as exc:
        return _fail(str(exc), exc.exit_code, report_path, submitted)
    except KeyboardInterrupt:
        return _fail("interrupted", 130, report_path, submitted)
    except Exception as exc:  # the last line of defence: still one line, never a traceback wall
        return _fail(f"unexpected {type(exc).__name__}: {exc}", EXIT_FAILED, report_path, submitted)


def _fail(message: str, exit_code: int, report_path: Path | None, submitted: bool) -> int:
    message = " ".join(message.split())
    _say_error(message)
    if report_path is not None and Path(report_path).resolve().parent.is_dir() and not Path(report_path).is_dir():
        try:
            write_report(report_path, failure_report(message, exit_code, submitted=submitted))
        except OSError:
            pass
    return exit_code
