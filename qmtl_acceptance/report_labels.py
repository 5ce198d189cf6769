"""What a product owner reads in the report: each scenario's epic, story, severity, links and narrative.

Derived from where a feature lives (its domain folder), the clauses a scenario
verifies and its deviation tags, so no feature file repeats report metadata.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Iterable

from .clauses import clause_ids

EPICS = {
    "smoke": "Smoke flow of the end-to-end guide",
    "events": "Event stream and world isolation",
    "strategies": "Strategy submission",
    "dagmanager": "DAG Manager",
    "worldservice": "WorldService",
    "backfill": "Backfill before live processing",
    "robustness": "Robustness and bad input",
    "outages": "Outages and restarts",
    "perf": "Performance budgets",
}
# Clause topics whose failure means anyone could read or forge a world's events.
SECURITY_TOPICS = ("token", "tokens", "jwks", "handshake", "refresh", "expiry", "isolation", "security")
DEVIATIONS_DOC = "README.md#known-deviations-of-real-qmtl"
CLAUSES_DOC = "contract/clauses.yaml"


@dataclass(frozen=True)
class ReportLabels:
    epic: str
    feature: str
    stories: tuple[str, ...]
    severity: str
    suite: str
    sub_suite: str
    description: str
    links: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (name, url)


def labels_for(feature_file: str, feature_name: str, narrative: Iterable[str], tags: Iterable[str]) -> ReportLabels:
    tags = list(tags)
    domain = PurePath(feature_file).parent.name
    clauses = clause_ids(tags)
    topics = tuple(dict.fromkeys(c.split(".")[1] if "." in c else c for c in clauses))
    if domain == "smoke" or any(t in SECURITY_TOPICS for t in topics):
        severity = "blocker"
    elif clauses and not all(_is_implied_only(c) for c in clauses):
        severity = "critical"
    else:
        severity = "normal"
    links = [(f"clause {c}", f"{CLAUSES_DOC}#{c}") for c in clauses]
    links += [(f"deviation {t.split('.', 1)[1]}", DEVIATIONS_DOC) for t in tags if t.startswith("deviation.")]
    epic = EPICS.get(domain, domain.replace("_", " ").capitalize())
    return ReportLabels(
        epic=epic,
        feature=feature_name,
        stories=tuple(t.replace("_", " ") for t in topics) or (feature_name,),
        severity=severity,
        suite=epic,
        sub_suite=feature_name,
        description="\n".join(narrative),
        links=tuple(links),
    )


def _is_implied_only(clause: str) -> bool:
    # The catalogue knows; without it a clause counts as contract.
    from . import clauses as catalogue

    known = catalogue.load_cached()
    entry = known.get(clause)
    return entry is not None and entry.kind == "implied"


def allure_tags(labels: ReportLabels) -> list[str]:
    """Labels as the tags allure-behave reads when a scenario starts (it takes no labels later)."""
    tags = [labels.severity, f"allure.label.epic:{labels.epic}", f"allure.label.parentSuite:{labels.suite}",
            f"allure.label.suite:{labels.sub_suite}"]
    return tags + [f"allure.label.story:{story}" for story in labels.stories]


def apply_to_allure(labels: ReportLabels) -> None:
    """Set the narrative and links on the test the Allure formatter is recording now (no-op without it)."""
    try:
        import allure
    except ImportError:
        return
    try:
        if labels.description:
            allure.dynamic.description(labels.description)
        for name, url in labels.links:
            allure.dynamic.link(url, name=name)
    except Exception:
        return  # no Allure test is being recorded (another formatter)
