"""The conformance matrix: scenarios × targets, from several runs' results (run.json or JUnit XML)."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html import escape
from pathlib import Path

from .features_read import read_features  # noqa: F401 (also read by the tests)
from .html import badge, page

Results = dict[tuple[str, str], tuple[str, str]]


def _from_junit(path: Path) -> Results:
    files = sorted(path.glob("*.xml")) if path.is_dir() else [path]
    results: Results = {}
    for file in files:
        root = ET.parse(file).getroot()
        for case in root.iter("testcase"):
            feature = case.get("classname", "").split(".")[-1]
            name = case.get("name", "")
            failure = case.find("failure") if case.find("failure") is not None else case.find("error")
            skipped = case.find("skipped")
            if failure is not None:
                results[(feature, name)] = ("failed", failure.get("message", ""))
            elif skipped is not None:
                results[(feature, name)] = ("skipped", skipped.get("message", ""))
            else:
                results[(feature, name)] = ("passed", "")
    return results


def load_run(path: Path) -> Results:
    if path.is_dir() and (path / "run.json").is_file():
        path = path / "run.json"
    if path.suffix == ".json":
        data = json.loads(path.read_text())
        return {(r["feature"], r["scenario"]): (r["status"], r.get("message", "")) for r in data.get("results", [])}
    return _from_junit(path / "junit" if (path / "junit").is_dir() else path)


def cell(result: tuple[str, str] | None, deviations: tuple[str, ...]) -> tuple[str, str]:
    if result is None:
        return "not run", ""
    status, message = result
    if status == "failed" and deviations:
        return "deviation", f"{', '.join(deviations)}: {message}"
    return status, message


def render(runs: list[tuple[str, Path]], features_dir: Path) -> str:
    loaded = [(name, load_run(path)) for name, path in runs]
    docs = read_features(features_dir)
    head = "".join(f"<th>{escape(name)}</th>" for name, _ in loaded)
    rows = []
    totals = {name: {} for name, _ in loaded}
    for doc in docs:
        cells = []
        for name, results in loaded:
            status, message = cell(results.get((doc.feature, doc.name)), doc.deviations)
            totals[name][status] = totals[name].get(status, 0) + 1
            note = f"<div class=msg>{escape(message[:300])}</div>" if message else ""
            cells.append(f"<td>{badge(status)}{note}</td>")
        rows.append(f"<tr><td>{escape(doc.area)}</td><td>{escape(doc.feature)}</td><td>{escape(doc.name)}</td>{''.join(cells)}</tr>")
    summary = "".join(
        f"<li><b>{escape(name)}</b>: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) + "</li>"
        for name, counts in totals.items())
    body = (f"<ul>{summary}</ul><table><tr><th>area</th><th>feature</th><th>scenario</th>{head}</tr>"
            + "".join(rows) + "</table>")
    return page("QMTL Acceptance — conformance matrix", body)


def text_rows(runs: list[tuple[str, Path]], features_dir: Path, *, all_passed_too: bool = True) -> list[str]:
    """The matrix as Markdown rows, for a README; ``all_passed_too=False`` leaves out rows every run passed."""
    loaded = [(name, load_run(path)) for name, path in runs]
    lines = ["| scenario | " + " | ".join(n for n, _ in loaded) + " |", "|---" * (len(loaded) + 1) + "|"]
    for doc in read_features(features_dir):
        cells = [cell(results.get((doc.feature, doc.name)), doc.deviations) for _, results in loaded]
        if all(c[0] == "not run" for c in cells) or not all_passed_too and all(c[0] == "passed" for c in cells):
            continue
        shown = [s if not m or s == "passed" else f"{s}: {m[:170]}" for s, m in cells]
        lines.append(f"| {doc.name.strip()} | " + " | ".join(c.replace("|", "/") for c in shown) + " |")
    return lines
