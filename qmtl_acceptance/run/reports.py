"""Where a run's reports go, how the previous run's are kept, and the summary a run leaves.

A run's reports live in `<reports_dir>/` (allure-results, junit, html, logs,
artifacts). When a new run is about to write anything, the run that was there
moves to `<reports_dir>/previous/`, replacing the one before it; a run that
never ran a scenario (refused) is not worth keeping there and is simply
replaced. `--help` and runs refused before they start touch nothing.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from .outcome import RunLedger

REPORT_PARTS = ("allure-results", "junit", "html", "logs", "artifacts")
SUMMARY = "run.json"
PREVIOUS = "previous"


def _has_reports(folder: Path) -> bool:
    return any((folder / part).exists() for part in REPORT_PARTS)


def _ran_scenarios(folder: Path) -> bool:
    summary = folder / SUMMARY
    if not summary.is_file():
        # Written by an older suite, or by a run that was killed: keep it, it may be all there is.
        return _has_reports(folder)
    try:
        return int(json.loads(summary.read_text()).get("scenarios_run", 0)) > 0
    except (ValueError, OSError, AttributeError):
        return True


def rotate(reports_dir: Path) -> Path | None:
    """Make room for a new run; returns where the previous run's reports now are (None: there were none)."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    previous = reports_dir / PREVIOUS
    if _has_reports(reports_dir) and _ran_scenarios(reports_dir):
        staging = reports_dir / f".{PREVIOUS}-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        for part in (*REPORT_PARTS, SUMMARY):
            if (reports_dir / part).exists():
                os.replace(reports_dir / part, staging / part)
        shutil.rmtree(previous, ignore_errors=True)
        os.replace(staging, previous)
    else:
        for part in REPORT_PARTS:
            shutil.rmtree(reports_dir / part, ignore_errors=True)
        (reports_dir / SUMMARY).unlink(missing_ok=True)
    for part in ("allure-results", "junit", "html"):
        (reports_dir / part).mkdir(parents=True, exist_ok=True)
    return previous if previous.is_dir() else None


def write_summary(reports_dir: Path, ledger: RunLedger, target: str = "") -> None:
    data = {
        "target": target,
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "verdict": ledger.closing_line(),
        "exit_code": ledger.exit_code(),
        "selected": len(ledger.selected),
        "scenarios_run": len(ledger.results),
        "passed": ledger.count("passed"),
        "failed": ledger.count("failed"),
        "results": [{"feature": r.key.feature, "scenario": r.key.name, "status": r.status, "message": r.message,
                     "seconds": round(r.seconds, 3)} for r in ledger.results],
        "skipped": [{"feature": r.key.feature, "scenario": r.key.name, "reason": r.message} for r in ledger.skipped()],
        "not_run": [{"feature": k.feature, "scenario": k.name} for k in ledger.not_run()],
        "service_errors": ledger.service_errors,
        "stop": None if ledger.stop is None else {"kind": ledger.stop.kind, "message": ledger.stop.message},
    }
    summary = reports_dir / SUMMARY
    temporary = summary.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(data, indent=2) + "\n")
    os.replace(temporary, summary)


def locations(reports_dir: Path, cwd: Path | None = None) -> list[str]:
    """One line per report that exists, with its path as a person would type it."""

    def shown(path: Path) -> str:
        try:
            return str(path.relative_to(cwd or Path.cwd()))
        except ValueError:
            return str(path)

    lines = []
    entries = [
        ("JUnit", reports_dir / "junit", ""),
        ("Allure results", reports_dir / "allure-results", " (build the report: bash scripts/report.sh)"),
        ("HTML", reports_dir / "html" / "index.html", ""),
        ("living documentation", reports_dir / "living-docs.html", ""),
        ("clause ledger", reports_dir / "clauses.json", ""),
        ("Allure report", reports_dir / "allure-report" / "index.html", ""),
        ("service logs", reports_dir / "logs", ""),
        ("failure evidence", reports_dir / "artifacts", ""),
        ("previous run", reports_dir / PREVIOUS, ""),
    ]
    for label, path, extra in entries:
        if path.is_file() and path.stat().st_size or path.is_dir() and any(path.iterdir()):
            lines.append(f"  {label}: {shown(path)}{'/' if path.is_dir() else ''}{extra}")
    return lines
