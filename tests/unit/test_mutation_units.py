"""The mutation campaign's own parts: a draw is reproducible, keys are stable, a mutant never touches the tree."""
from __future__ import annotations

import pytest

from mutation import mutants
from mutation.settings import PROJECT_ROOT, load_equivalent, load_settings

SETTINGS = load_settings()


def test_the_same_seed_draws_the_same_mutants_and_another_seed_others():
    first, sites = mutants.draw(SETTINGS, 12, seed=4)
    again, _ = mutants.draw(SETTINGS, 12, seed=4)
    other, _ = mutants.draw(SETTINGS, 12, seed=5)
    assert [m.key for m in first] == [m.key for m in again]
    assert len(first) == 12 and len({m.key for m in first}) == 12
    assert [m.key for m in first] != [m.key for m in other]
    assert sites > 500


def test_only_contract_code_is_mutated():
    files = SETTINGS.source_files()
    assert "qmtl_reference/gateway/submission.py" in files and "qmtl_reference/runner/backfill.py" in files
    for excluded in ("qmtl_reference/faults.py", "qmtl_reference/cli.py", "qmtl_reference/data/synth.py",
                     "qmtl_reference/gateway/__main__.py", "qmtl_reference/dagmanager/settings.py"):
        assert excluded not in files
    for site in mutants.sites(SETTINGS):
        line = (PROJECT_ROOT / site.path).read_text().splitlines()[site.line - 1]
        assert "faults." not in line, site


def test_every_mutated_file_has_features_mapped():
    for rel in SETTINGS.source_files():
        folders = SETTINGS.features_for(rel)
        assert folders and all((PROJECT_ROOT / f).exists() for f in folders), rel


def test_a_key_names_one_mutant_and_finds_it_again():
    drawn, _ = mutants.draw(SETTINGS, 3, seed=11)
    found = mutants.find(SETTINGS, [m.key for m in drawn])
    assert [(m.path, m.line, m.change) for m in found] == [(m.path, m.line, m.change) for m in drawn]
    with pytest.raises(LookupError, match="no mutant has the key"):
        mutants.find(SETTINGS, ["qmtl_reference/gateway/submission.py:000000000000"])


def test_every_equivalent_judgement_has_a_reason_and_names_a_live_mutant():
    judged = load_equivalent()
    if judged:
        assert len(mutants.find(SETTINGS, list(judged))) == len(judged)
