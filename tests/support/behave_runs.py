"""Runs behave in a subprocess, as a person would, and reads what it reported.

A run brings up its own stack (the `reference` target by default) unless its
userdata attaches it to a running one (see shared_stack.py); it writes its
reports into a private folder, and tears down whatever it started.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from . import PROJECT_ROOT

ROOT = PROJECT_ROOT
RUN_TIMEOUT_SECONDS = 600


@dataclass
class BehaveRun:
    returncode: int
    output: str
    # scenario name → "passed" | "failed" | "skipped" | "error"
    scenarios: dict[str, str] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)

    def statuses(self, status: str) -> list[str]:
        return [name for name, s in self.scenarios.items() if s == status]

    def explain(self) -> str:
        return f"behave exited {self.returncode}; scenarios {self.scenarios}\n--- output tail ---\n{self.output[-4000:]}"


def _read_junit(folder: Path) -> tuple[dict[str, str], dict[str, str]]:
    scenarios: dict[str, str] = {}
    failures: dict[str, str] = {}
    for report in folder.glob("*.xml"):
        for case in ET.parse(report).getroot().iter("testcase"):
            name = case.get("name", "")
            # behave names a case "<scenario> -- @<row> <examples>" for outline rows.
            status = case.get("status") or "passed"
            for child in case:
                if child.tag in ("failure", "error"):
                    status = "failed"
                    failures[name] = (child.get("message") or "") + "\n" + (child.text or "")
                elif child.tag == "skipped":
                    status = "skipped"
            scenarios[name] = "passed" if status in ("passed", "untested") and status != "skipped" else status
    return scenarios, failures


def run_behave(
    *paths: str,
    userdata: Mapping[str, str] | None = None,
    faults: Iterable[str] = (),
    names: Iterable[str] = (),
    tags: str | None = None,
    extra_args: Iterable[str] = (),
    env: Mapping[str, str] | None = None,
) -> BehaveRun:
    with tempfile.TemporaryDirectory(prefix="behave-run-") as tmp:
        reports = Path(tmp)
        data = {"reports_dir": str(reports), **dict(userdata or {})}
        faults = list(faults)
        if faults:
            data["reference_faults"] = ",".join(faults)
        argv = [sys.executable, "-m", "behave", *paths, "--no-capture", "-f", "plain", "--no-timings",
                "--junit", "--junit-directory", str(reports / "junit")]
        for key, value in data.items():
            argv += ["-D", f"{key}={value}"]
        for name in names:
            argv += ["--name", name]
        if tags:
            argv += ["--tags", tags]
        argv += list(extra_args)
        completed = subprocess.run(
            argv,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT_SECONDS,
            env={**os.environ, **dict(env or {})},
        )
        scenarios, failures = _read_junit(reports / "junit")
        return BehaveRun(completed.returncode, completed.stdout + completed.stderr, scenarios, failures)
