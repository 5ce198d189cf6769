"""The mutation campaign's own parts: a draw is reproducible, keys are stable, a mutant never touches the tree."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mutation import mutants, scratch
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


def test_a_mutant_lives_in_its_scratch_copy_and_services_import_it_from_there():
    mutant = mutants.draw(SETTINGS, 1, seed=2)[0][0]
    before = (PROJECT_ROOT / mutant.path).read_text()
    folder = scratch.make(mutant)
    try:
        assert (folder / mutant.path).read_text() == mutant.mutated_source != before
        imported = subprocess.run([sys.executable, "-c", f"import {mutant.path[:-3].replace('/', '.')} as m; print(m.__file__)"],
                                  cwd=folder, capture_output=True, text=True, check=True).stdout.strip()
        assert Path(imported).resolve() == (folder / mutant.path).resolve()
    finally:
        scratch.remove(folder)
    assert not folder.exists()
    assert (PROJECT_ROOT / mutant.path).read_text() == before


def test_every_equivalent_judgement_has_a_reason_and_names_a_live_mutant():
    judged = load_equivalent()
    if judged:
        assert len(mutants.find(SETTINGS, list(judged))) == len(judged)
