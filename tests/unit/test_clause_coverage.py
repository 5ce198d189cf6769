"""Every clause of the contract catalogue is verified by a scenario that runs on the default target."""
from __future__ import annotations

from pathlib import Path

from behave.parser import parse_file

from qmtl_acceptance import clauses

ROOT = Path(__file__).resolve().parents[2]
# The default run: the reference target at the default contract revision, with every capability.
DEFAULT_ACTIVE = {"target": "reference", "contract": "2026-04", "stores": "visible", "restarts": "available",
                  "signing": "available"}


def _runs_by_default(tags: set[str]) -> bool:
    for tag in tags:
        if tag.startswith("use.with_"):
            name, _, value = tag[len("use.with_"):].partition("=")
            if name in DEFAULT_ACTIVE and DEFAULT_ACTIVE[name] != value:
                return False
        if tag.startswith("not.with_"):
            name, _, value = tag[len("not.with_"):].partition("=")
            if DEFAULT_ACTIVE.get(name) == value:
                return False
    return True


def _scenarios():
    """(feature file, scenario name, effective tags) of every scenario and every Examples row group."""
    for path in sorted((ROOT / "features").rglob("*.feature")):
        feature = parse_file(str(path))
        for scenario in feature.walk_scenarios():
            yield path.name, scenario.name, set(scenario.effective_tags)


def test_every_clause_tag_names_a_known_clause():
    known = clauses.load()
    unknown = sorted({(name, c) for f, name, tags in _scenarios() for c in clauses.clause_ids(tags) if c not in known})
    assert not unknown, f"scenarios tag clauses the catalogue does not list: {unknown[:20]}"


def test_every_clause_is_verified_on_the_default_target():
    known = clauses.load()
    covered = {c for _, _, tags in _scenarios() if _runs_by_default(tags) for c in clauses.clause_ids(tags)}
    uncovered = sorted(set(known) - covered)
    assert not uncovered, f"{len(uncovered)} clause(s) have no scenario on the default target: {uncovered}"


def test_the_catalogue_is_not_empty_and_every_default_scenario_declares_a_clause():
    assert len(clauses.load()) >= 20
    bare = sorted({f"{f}: {name}" for f, name, tags in _scenarios() if _runs_by_default(tags) and not clauses.clause_ids(tags)})
    assert not bare, f"scenarios that declare no clause: {bare}"


def test_the_ledger_counts_only_clauses_whose_scenarios_all_passed():
    catalogue = {i: clauses.Clause(i, "d", "1", "contract", "s") for i in ("a", "b", "c", "d")}
    ledger = clauses.ClauseLedger(catalogue)
    ledger.record("one", ["clause.a", "clause.b", "other"], "passed")
    ledger.record("two", ["clause.b"], "failed")
    ledger.record("three", ["clause.c"], "skipped", "needs restarts")
    assert ledger.verified() == ["a"]
    reasons = ledger.not_verified()
    assert reasons["b"].startswith("failed in: two")
    assert reasons["c"] == "skipped: three (needs restarts)"
    assert reasons["d"] == "no selected scenario verifies it"
    assert ledger.summary_line() == "clauses: 1 of 4 verified"
