"""JUnit XML written as the run goes: one file per feature, rewritten whole after each scenario.

Each write goes to a temporary file renamed over the old one, so a reader (or
a runner killed with SIGKILL) always finds complete, parseable XML holding
every scenario finished so far.
"""
from __future__ import annotations

import os
import re
import socket
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from .outcome import RunLedger, ScenarioResult


@dataclass
class FeatureCases:
    name: str
    classname: str
    started: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%S"))
    cases: list[tuple[ScenarioResult, str]] = field(default_factory=list)  # result, full text


def _safe(text: str) -> str:
    # XML 1.0 cannot carry most control characters; a log line with one must not break the report.
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "?", text)


def _write(path: Path, suite: ET.Element) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    ET.ElementTree(suite).write(temporary, encoding="utf-8", xml_declaration=True)
    os.replace(temporary, path)


def write_feature(folder: Path, stem: str, feature: FeatureCases) -> Path:
    results = [r for r, _ in feature.cases]
    suite = ET.Element(
        "testsuite",
        name=feature.name,
        tests=str(len(results)),
        failures=str(sum(r.status == "failed" for r in results)),
        errors="0",
        skipped=str(sum(r.status == "skipped" for r in results)),
        time=f"{sum(r.seconds for r in results):.3f}",
        timestamp=feature.started,
        hostname=socket.gethostname(),
    )
    for result, text in feature.cases:
        case = ET.SubElement(
            suite, "testcase", classname=feature.classname, name=_safe(result.key.name),
            status=result.status, time=f"{result.seconds:.3f}",
        )
        if result.status == "failed":
            failure = ET.SubElement(case, "failure", message=_safe(result.message), type="failure")
            failure.text = _safe(text)
        elif result.status == "skipped":
            ET.SubElement(case, "skipped", message=_safe(result.message))
    path = folder / f"TESTS-{stem}.xml"
    _write(path, suite)
    return path


def write_stop(folder: Path, ledger: RunLedger) -> Path | None:
    """One error naming why the run ended early, and which scenarios it left unrun; never a column of skips."""
    stop = ledger.stop
    if stop is None:
        return None
    not_run = ledger.not_run()
    suite = ET.Element("testsuite", name="run", tests="1", failures="0", errors="1", skipped="0", time="0",
                       timestamp=time.strftime("%Y-%m-%dT%H:%M:%S"), hostname=socket.gethostname())
    name = "the run started" if stop.kind == "not_started" else f"the run finished ({len(not_run)} scenarios not run)"
    case = ET.SubElement(suite, "testcase", classname="qmtl_acceptance.run", name=name, status="error", time="0")
    error = ET.SubElement(case, "error", message=_safe(ledger.closing_line()), type=stop.kind)
    body = [stop.message]
    if not_run:
        body.append("")
        body.append("not run:")
        body += [f"  {key.feature}: {key.name}" for key in not_run]
    error.text = _safe("\n".join(body))
    path = folder / "TESTS-run.xml"
    _write(path, suite)
    return path
