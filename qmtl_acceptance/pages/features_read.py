"""The features as data: each scenario with its area, its clauses and its known deviations."""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from behave.parser import parse_file

from ..clauses import clause_ids
from ..report_labels import EPICS


@dataclass(frozen=True)
class ScenarioDoc:
    area: str
    feature: str
    narrative: str
    name: str
    steps: tuple[str, ...]
    clauses: tuple[str, ...]
    deviations: tuple[str, ...]


# Raised whenever ScenarioDoc changes shape, so a cache written by another version is never read.
_CACHE_FORMAT = 2


def read_features(folder: Path, cache: Path | None = None) -> list[ScenarioDoc]:
    """Every scenario of the features under `folder`; with `cache`, parsed again only when a file changed
    (expanding every outline's rows costs more than a short run's scenarios)."""
    paths = sorted(folder.rglob("*.feature"))
    if cache is None:
        return [doc for _, doc in _parse(paths, folder)]
    signature = [[str(p.relative_to(folder)), p.stat().st_mtime_ns, p.stat().st_size] for p in paths]
    try:
        saved = json.loads(cache.read_text(encoding="utf-8"))
        if saved["format"] == _CACHE_FORMAT and saved["signature"] == signature:
            # The area is named from the folder now, not from the cache: the names are code, not features.
            return [ScenarioDoc(_area(d["folder"]), d["feature"], d["narrative"], d["name"], tuple(d["steps"]),
                                tuple(d["clauses"]), tuple(d["deviations"])) for d in saved["docs"]]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    parsed = _parse(paths, folder)
    docs = [doc for _, doc in parsed]
    temporary = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps({"format": _CACHE_FORMAT, "signature": signature,
                                         "docs": [{**asdict(d), "folder": f} for f, d in parsed]}), encoding="utf-8")
        os.replace(temporary, cache)
    except OSError:
        temporary.unlink(missing_ok=True)
    return docs


def _area(folder_name: str) -> str:
    return EPICS.get(folder_name, folder_name)


def _parse(paths: list[Path], folder: Path) -> list[tuple[str, ScenarioDoc]]:
    """(the feature's folder name, the doc) for every scenario."""
    docs = []
    for path in paths:
        feature = parse_file(str(path))
        if feature is None:
            continue
        for scenario in feature.walk_scenarios():
            tags = list(scenario.effective_tags)
            docs.append((path.parent.name, ScenarioDoc(
                _area(path.parent.name), feature.name, "\n".join(feature.description), scenario.name,
                tuple(f"{s.keyword} {s.name}" for s in scenario.steps),
                tuple(clause_ids(tags)), tuple(t.split(".", 1)[1] for t in tags if t.startswith("deviation.")))))
    return docs
