"""`tools sdk run`: check everything, submit through QMTL's SDK, backfill with QMTL, go live, report.

Every check that can refuse the command runs before the submission, so a
refused command leaves nothing behind at the Gateway. Exit codes are the
reference runner's: 0 done, 1 the run broke, 2 a bad command, 3 the Gateway.
"""
from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import Any

from .args import PROG, check_report_path, parser, validate
from .bars import missing_buckets
from .errors import EXIT_FAILED, EXIT_OK, AdapterError
from .gateway import check_reachable, display_url
from .report import Timeline, failure_report, success_report, write_report

_LIST_LIMIT = 10


def _engine():
    try:
        from . import engine
    except ImportError as exc:
        raise AdapterError(f"this Python has no usable QMTL SDK ({exc}); run the adapter with the Python QMTL is installed in", EXIT_FAILED) from None
    return engine


def _stream_sections(records, start: int, end: int, processed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sections = []
    for record in records:
        stream = record.stream
        missing = missing_buckets(start, end, stream.interval, record.loaded_ts)
        sections.append({
            "name": stream.name,
            "node_id": stream.node_id,
            "interval": stream.interval,
            "period": stream.period,
            "fetch_calls": record.fetch_calls,
            "loaded_ts": record.loaded_ts,
            "missing_buckets": missing,
            "missing_count": len(missing),
            "cache": record.cache_after,
            "live_ts": [e["ts"] for e in processed if e["node_id"] == stream.node_id],
        })
    return sections


def _warn_missing(sections: list[dict[str, Any]]) -> None:
    for section in sections:
        missing = section["missing_buckets"]
        if missing:
            shown = ", ".join(str(b) for b in missing[:_LIST_LIMIT]) + (f" and {len(missing) - _LIST_LIMIT} more" if len(missing) > _LIST_LIMIT else "")
            print(f"{PROG}: warning: stream {section['name']!r} has no history for {len(missing)} bucket(s) in the window: {shown}", file=sys.stderr)


def _run(argv: list[str], progress: dict[str, bool]) -> int:
    args = validate(parser().parse_args(argv))
    check_report_path(args.report)
    engine = _engine()
    strategy = engine.load_strategy(args.strategy)
    found = engine.streams(strategy, args.strategy)
    check_reachable(args.gateway_url, timeout=args.gateway_timeout)
    submission = asyncio.run(engine.submit(strategy, gateway_url=args.gateway_url, world=args.world, timeout=args.gateway_timeout))
    progress["submitted"] = True
    timeline = Timeline()
    records = asyncio.run(engine.backfill(found, args.start, args.end, timeline))
    for record in records:
        record.cache_after = engine.cached_rows(record.stream)
    engine.warm_processing_nodes(strategy, found)
    processed, outputs = engine.live(strategy, found, after=args.end, count=args.live_bars, timeline=timeline)
    sections = _stream_sections(records, args.start, args.end, processed)
    report = success_report(
        strategy=args.strategy, window=(args.start, args.end), world=args.world,
        submission={"strategy_id": submission.strategy_id, "http_status": submission.http_status, "duplicate": submission.duplicate,
                    "gateway_url": display_url(args.gateway_url)},
        streams=sections, metrics=engine.metrics_text(), live_requested=args.live_bars, processed=processed,
        outputs=outputs, timeline=timeline.events, qmtl_version=engine.qmtl_version(),
    )
    if args.report is not None:
        write_report(args.report, report)
    again = " (already registered)" if submission.duplicate else ""
    print(f"submitted {args.strategy} to world {args.world} as strategy {submission.strategy_id}{again} (QMTL {engine.qmtl_version()})")
    for section in sections:
        print(f"backfilled {section['name']} ({section['interval']} s bars): {len(section['loaded_ts'])} rows for [{args.start}, {args.end})")
    _warn_missing(sections)
    print(f"then {len(processed)} live bars processed, {len(outputs)} outputs")
    return EXIT_OK


def _keep_qmtl_logs(report_path: Path | None) -> None:
    """QMTL's own log records go to a file beside the report, not to stderr: the runner's error is one line.

    Without a handler Python prints every warning QMTL logs to stderr (logging's last resort).
    """
    handler: logging.Handler = logging.NullHandler()
    if report_path is not None and report_path.parent.is_dir():
        try:
            handler = logging.FileHandler(report_path.parent / "qmtl-sdk.log", encoding="utf-8")
        except OSError:
            pass
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    report_path = _report_option(argv)
    _keep_qmtl_logs(report_path)
    progress = {"submitted": False}
    try:
        return _run(argv, progress)
    except AdapterError as exc:
        return _fail(str(exc), exc.exit_code, report_path, progress["submitted"])
    except KeyboardInterrupt:
        return _fail("interrupted", 130, report_path, progress["submitted"])
    except Exception as exc:  # the last line of defence: still one line, never a traceback wall
        return _fail(f"unexpected {type(exc).__name__}: {exc}", EXIT_FAILED, report_path, progress["submitted"])


def _report_option(argv: list[str]) -> Path | None:
    for index, token in enumerate(argv):
        if token == "--report" and index + 1 < len(argv):
            return Path(argv[index + 1])
        if token.startswith("--report="):
            return Path(token.split("=", 1)[1])
    return None


def _fail(message: str, exit_code: int, report_path: Path | None, submitted: bool) -> int:
    message = " ".join(message.split())
    print(f"{PROG}: error: {message}", file=sys.stderr)
    if report_path is not None and report_path.resolve().parent.is_dir() and not report_path.is_dir():
        try:
            write_report(report_path, failure_report(message, exit_code, submitted=submitted))
        except OSError:
            pass
    return exit_code
