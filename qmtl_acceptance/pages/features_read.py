"""The features as data: each scenario with its area, its clauses and its known deviations."""
from __future__ import annotations

from dataclasses import dataclass
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


def read_features(folder: Path) -> list[ScenarioDoc]:
    docs = []
    for path in sorted(folder.rglob("*.feature")):
        feature = parse_file(str(path))
        if feature is None:
            continue
        area = EPICS.get(path.parent.name, path.parent.name)
        for scenario in feature.walk_scenarios():
            tags = list(scenario.effective_tags)
            docs.append(ScenarioDoc(
                area, feature.name, "\n".join(feature.description), scenario.name,
                tuple(f"{s.keyword} {s.name}" for s in scenario.steps),
                tuple(clause_ids(tags)), tuple(t.split(".", 1)[1] for t in tags if t.startswith("deviation."))))
    return docs
