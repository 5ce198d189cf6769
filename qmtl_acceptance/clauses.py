"""The clause catalogue (contract/clauses.yaml) and what one run proved of it.

A scenario declares the clauses it verifies with `@clause.<id>` tags. A
clause is verified by a run when at least one scenario tagged with it ran and
every such scenario that ran passed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import yaml

from .config import PROJECT_ROOT

CATALOGUE = PROJECT_ROOT / "contract" / "clauses.yaml"
TAG_PREFIX = "clause."


@dataclass(frozen=True)
class Clause:
    id: str
    domain: str
    section: str
    kind: str
    says: str


# libyaml's loader where PyYAML was built with it: the pure-Python one takes most of a short run's start-up.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(path: Path = CATALOGUE) -> dict[str, Clause]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
    clauses: dict[str, Clause] = {}
    for domain, entries in data.items():
        for entry in entries or []:
            clause = Clause(entry["id"], domain, str(entry["section"]), entry["kind"], entry["says"])
            if clause.id in clauses:
                raise ValueError(f"clause {clause.id} is listed twice in {path.name}")
            if clause.kind not in ("contract", "implied"):
                raise ValueError(f"clause {clause.id} has kind {clause.kind!r}; it is 'contract' or 'implied'")
            clauses[clause.id] = clause
    return clauses


_CACHED: dict[str, Clause] | None = None


def load_cached() -> dict[str, Clause]:
    """The catalogue, read once per process."""
    global _CACHED
    if _CACHED is None:
        _CACHED = load()
    return _CACHED


def clause_ids(tags: Iterable[str]) -> list[str]:
    return [tag[len(TAG_PREFIX):] for tag in tags if tag.startswith(TAG_PREFIX)]


@dataclass
class ClauseLedger:
    catalogue: dict[str, Clause]
    passed: dict[str, list[str]] = field(default_factory=dict)
    failed: dict[str, list[str]] = field(default_factory=dict)
    skipped: dict[str, list[str]] = field(default_factory=dict)

    def record(self, scenario: str, tags: Iterable[str], status: str, reason: str = "") -> None:
        ledger = {"passed": self.passed, "skipped": self.skipped}.get(status, self.failed)
        entry = f"{scenario} ({reason})" if reason else scenario
        for clause in clause_ids(tags):
            ledger.setdefault(clause, []).append(entry)

    def verified(self) -> list[str]:
        return sorted(c for c in self.catalogue if c in self.passed and c not in self.failed)

    def not_verified(self) -> dict[str, str]:
        reasons = {}
        for clause in self.catalogue:
            if clause in self.failed:
                reasons[clause] = "failed in: " + "; ".join(self.failed[clause][:3])
            elif clause not in self.passed:
                reasons[clause] = ("skipped: " + "; ".join(self.skipped[clause][:2])) if clause in self.skipped else "no selected scenario verifies it"
        return reasons

    def summary_line(self) -> str:
        return f"clauses: {len(self.verified())} of {len(self.catalogue)} verified"

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        report = {
            "verified": self.verified(),
            "not_verified": self.not_verified(),
            "total": len(self.catalogue),
        }
        path.write_text(json.dumps(report, indent=2, sort_keys=True), encoding="utf-8")
