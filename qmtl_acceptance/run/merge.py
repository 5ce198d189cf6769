"""One set of reports from a run's phases: each worker (and the serial phase) wrote its own folder.

JUnit testcases of one feature file join one `TESTS-<feature>.xml`; Allure
results (one uuid-named file each) and failure evidence move as they are; the
HTML pages join one page; each phase's console output is kept under logs/.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from .junit import _write
from .outcome import ScenarioKey, ScenarioResult, Stop

_SUMMED = ("tests", "failures", "errors", "skipped")


def phase_results(folder: Path) -> tuple[list[ScenarioResult], Stop | None, bool]:
    """A phase's recorded scenarios, why it stopped early (if it did), and whether it left a verdict at all."""
    try:
        data = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return [], None, False
    results = [ScenarioResult(ScenarioKey(r["feature"], r["scenario"]), r["status"], r.get("message", ""),
                              float(r.get("seconds", 0.0))) for r in data.get("results", [])]
    stop = data.get("stop")
    return results, (Stop(stop["kind"], stop["message"]) if stop else None), True


def merge_junit(phases: list[Path], into: Path) -> None:
    suites: dict[str, ET.Element] = {}
    for phase in phases:
        for report in sorted((phase / "junit").glob("TESTS-*.xml")):
            if report.name == "TESTS-run.xml":  # the command writes the run's own error, once
                continue
            suite = ET.parse(report).getroot()
            merged = suites.get(report.name)
            if merged is None:
                suites[report.name] = suite
                continue
            for name in _SUMMED:
                merged.set(name, str(int(merged.get(name, "0")) + int(suite.get(name, "0"))))
            merged.set("time", f"{float(merged.get('time', '0')) + float(suite.get('time', '0')):.3f}")
            merged.extend(suite.findall("testcase"))
    for name, suite in suites.items():
        _write(into / name, suite)


def _move_tree(source: Path, into: Path) -> None:
    if not source.is_dir():
        return
    for path in sorted(source.rglob("*")):
        if path.is_file():
            target = into / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)


def _body(page: str) -> tuple[str, str, str]:
    opened = re.search(r"<body[^>]*>", page)
    closed = page.rfind("</body>")
    if not opened or closed < 0:
        return page, "", ""
    return page[:opened.end()], page[opened.end():closed], page[closed:]


def merge_html(pages: list[Path], into: Path) -> None:
    """Each phase's feature sections on one page; element ids get the phase's prefix so toggles stay apart."""
    texts = [(i, p.read_text(encoding="utf-8")) for i, p in enumerate(pages, 1) if p.is_file() and p.stat().st_size]
    if not texts:
        return
    head, _, tail = _body(texts[0][1])
    bodies = []
    for number, text in texts:
        _, body, _ = _body(text)
        prefix = f"p{number}-"
        body = re.sub(r'\bid="', f'id="{prefix}', body)
        body = body.replace("toggle_hash('", f"toggle_hash('{prefix}")
        bodies.append(body)
    into.parent.mkdir(parents=True, exist_ok=True)
    temporary = into.with_name(into.name + ".tmp")
    temporary.write_text(head + "".join(bodies) + tail, encoding="utf-8")
    os.replace(temporary, into)


def merge_phases(phases: list[Path], reports_dir: Path) -> None:
    merge_junit(phases, reports_dir / "junit")
    merge_html([p / "html" / "index.html" for p in phases], reports_dir / "html" / "index.html")
    for phase in phases:
        _move_tree(phase / "allure-results", reports_dir / "allure-results")
        _move_tree(phase / "artifacts", reports_dir / "artifacts")
        # A phase that booted a stack of its own kept its services' logs: they stay, under the phase's name.
        _move_tree(phase / "logs", reports_dir / "logs" / phase.name)
        console = phase / "console.log"
        if console.is_file():
            (reports_dir / "logs").mkdir(parents=True, exist_ok=True)
            os.replace(console, reports_dir / "logs" / f"{phase.name}.console.log")


def discard(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
