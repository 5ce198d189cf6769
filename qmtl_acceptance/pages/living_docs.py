"""Living documentation: every feature on one page, grouped by area, with each scenario's last result."""
from __future__ import annotations

import json
from html import escape
from itertools import groupby
from pathlib import Path

from ..config import PROJECT_ROOT
from .features_read import read_features
from .html import badge, page


def last_results(run_json: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(feature, scenario) → (status, message) of the run that wrote run_json; empty when there is none."""
    try:
        data = json.loads(run_json.read_text())
    except (OSError, ValueError):
        return {}
    return {(r["feature"], r["scenario"]): (r["status"], r.get("message", "")) for r in data.get("results", [])}


# The parsed features, kept for the next run of this checkout (whatever its reports folder); a checkout
# that cannot be written to parses them each time.
FEATURES_CACHE = PROJECT_ROOT / ".cache" / "features.json"


def render(features_dir: Path, run_json: Path, cache: Path | None = None) -> str:
    results = last_results(run_json)
    docs = read_features(features_dir, cache)
    body = [f"<p>{len(docs)} scenarios. Last results from <code>{escape(str(run_json))}</code>"
            f"{'' if results else ' (none yet: run the suite)'}.</p>"]
    for area, in_area in groupby(sorted(docs, key=lambda d: d.area), key=lambda d: d.area):
        body.append(f"<h2>{escape(area)}</h2>")
        for feature, grouped in groupby(in_area, key=lambda d: d.feature):
            scenarios = list(grouped)
            body.append(f"<h3>{escape(feature)}</h3><div class=narrative>{escape(scenarios[0].narrative)}</div><ul>")
            for doc in scenarios:
                status, message = results.get((doc.feature, doc.name), ("not run", ""))
                extra = ""
                if doc.clauses:
                    extra += " — clauses " + ", ".join(f"<code>{escape(c)}</code>" for c in doc.clauses)
                if doc.deviations:
                    extra += " — <span class=deviation>known deviation " + ", ".join(escape(d) for d in doc.deviations) + "</span>"
                steps = "<br>".join(escape(s) for s in doc.steps)
                note = f"<div class=msg>{escape(message)}</div>" if message else ""
                body.append(f"<li>{badge(status)} <b>{escape(doc.name)}</b>{extra}{note}<div class=steps>{steps}</div></li>")
            body.append("</ul>")
    return page("QMTL Acceptance — living documentation", "".join(body))


def write(features_dir: Path, reports_dir: Path) -> Path:
    target = reports_dir / "living-docs.html"
    target.write_text(render(features_dir, reports_dir / "run.json", FEATURES_CACHE), encoding="utf-8")
    return target
