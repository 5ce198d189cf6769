"""Run the features mapped to one mutant's file against a stack started from its scratch copy."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from mutation import scratch
from mutation.mutants import Mutant
from mutation.settings import Settings

KILLED, SURVIVED, TIMED_OUT, EQUIVALENT = "killed", "survived", "timed out", "equivalent"
TEARDOWN_GRACE = 60.0


@dataclass
class Outcome:
    mutant: Mutant
    verdict: str
    detail: str          # the killing scenario, the equivalence reason, or what happened
    features: tuple[str, ...]
    seconds: float


class LiveRuns:
    """Every behave run under way, so an interrupt can end each one (and its stack) by its own id."""

    def __init__(self):
        self._lock = threading.Lock()
        self._procs: dict[int, subprocess.Popen] = {}
        self.stopping = False

    def add(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._procs[proc.pid] = proc

    def discard(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._procs.pop(proc.pid, None)

    def stop_all(self) -> None:
        self.stopping = True
        with self._lock:
            procs = list(self._procs.values())
        for proc in procs:
            end(proc)


def end(proc: subprocess.Popen) -> None:
    """SIGTERM to behave (its hooks tear the stack down), then SIGKILL to its process group."""
    if proc.poll() is None:
        try:
            proc.send_signal(signal.SIGTERM)
            proc.wait(TEARDOWN_GRACE)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def behave_command(features: tuple[str, ...], settings: Settings, reports: Path,
                   stop_at_first: bool = True, leave_out: tuple[str, ...] = ()) -> list[str]:
    command = [
        sys.executable, "-m", "behave", *features,
        "-D", f"timeout_scale={settings.timeout_scale:g}",
        "-D", f"reports_dir={reports}",
        "-f", "progress",
        "--junit", "--junit-directory", str(reports / "junit"),
    ]
    if stop_at_first:
        command.append("--stop")
    if leave_out:
        # behave selects scenarios by a name pattern only; a negative look-ahead leaves these out.
        names = "|".join(re.escape(n) for n in leave_out)
        command += ["--name", f"^(?!(?:{names})\\s*$)"]
    return command


def failures(junit_dir: Path) -> list[tuple[str, str]]:
    """(feature, scenario name) of every failed scenario, in report order."""
    found = []
    for report in sorted(junit_dir.glob("*.xml")):
        for case in ET.parse(report).getroot().iter("testcase"):
            if any(child.tag in ("failure", "error") for child in case):
                found.append((case.get("classname", ""), case.get("name", "")))
    return found


def first_failure(junit_dir: Path) -> str | None:
    found = failures(junit_dir)
    return f"{found[0][0]}: {found[0][1]}".strip(": ") if found else None


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def run_one(mutant: Mutant | None, features: tuple[str, ...], settings: Settings, live: LiveRuns,
            log_dir: Path, label: str, leave_out: tuple[str, ...] = (),
            red: list | None = None, source: Path | None = None) -> tuple[str, str, float]:
    """(verdict, detail, seconds) for one behave run.

    mutant None is the baseline: the unmutated code, every scenario run, the
    failed ones' names appended to `red`. A mutant's run stops at its first
    failed scenario and leaves out the scenarios red on the baseline.
    """
    started = time.monotonic()
    folder = scratch.make(mutant, source) if source else scratch.make(mutant)
    try:
        reports = folder / "reports"
        log_path = log_dir / f"{label}.log"
        with open(log_path, "w") as log:
            proc = subprocess.Popen(behave_command(features, settings, reports, stop_at_first=mutant is not None, leave_out=leave_out), cwd=folder, stdout=log,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
            live.add(proc)
            try:
                proc.wait(settings.timeout_seconds)
                timed_out = False
            except subprocess.TimeoutExpired:
                timed_out = True
            finally:
                end(proc)
                live.discard(proc)
        seconds = time.monotonic() - started
        if live.stopping:
            return "interrupted", "", seconds
        if timed_out:
            return TIMED_OUT, f"no verdict within {settings.timeout_seconds:g} s", seconds
        if proc.returncode == 0:
            return SURVIVED, "", seconds
        if red is not None:
            red.extend(name.strip() for _, name in failures(reports / "junit"))
        failed = first_failure(reports / "junit")
        if failed:
            return KILLED, failed, seconds
        return KILLED, f"behave exited {proc.returncode} before a scenario failed: {_last_line(log_path.read_text())}", seconds
    finally:
        scratch.remove(folder)
