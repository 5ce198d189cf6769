"""A mutant lives in a scratch copy of the project, which the services import; the tree is never touched."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mutation import mutants, scratch
from mutation.settings import PROJECT_ROOT, load_settings

SETTINGS = load_settings()


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
