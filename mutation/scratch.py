"""A scratch copy of the project holding one mutant.

The reference services, the runner and the suite are started with the copy as
their working directory (`python -m ...` puts it first on the import path), so
they import the mutated file while the working tree is never touched: nothing
needs restoring, whether a run ends, times out or is interrupted.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from mutation.mutants import Mutant
from mutation.settings import PROJECT_ROOT

COPIED = ("qmtl_reference", "qmtl_acceptance", "qmtl_wire", "features", "contract", "pyproject.toml")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc")


def snapshot(root: Path = PROJECT_ROOT) -> Path:
    """The project as it is now: a campaign draws and copies from this, so editing the tree meanwhile changes nothing."""
    folder = Path(tempfile.mkdtemp(prefix="qmtl-mutation-source-"))
    _copy(root, folder)
    return folder


def make(mutant: Mutant | None, root: Path = PROJECT_ROOT) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="qmtl-mutant-"))
    _copy(root, folder)
    if mutant is not None:
        (folder / mutant.path).write_text(mutant.mutated_source)
    _check_imports_from(folder)
    return folder


def _copy(root: Path, folder: Path) -> None:
    for name in COPIED:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=IGNORED)
        elif source.exists():
            shutil.copy2(source, folder / name)


def _check_imports_from(folder: Path) -> None:
    seen = subprocess.run(
        [sys.executable, "-c", "import qmtl_reference, qmtl_acceptance; print(qmtl_reference.__file__); print(qmtl_acceptance.__file__)"],
        cwd=folder, capture_output=True, text=True, timeout=60,
    ).stdout.split()
    if len(seen) != 2 or not all(Path(p).resolve().is_relative_to(folder.resolve()) for p in seen):
        raise RuntimeError(f"the scratch copy is not what Python imports there (it imports {seen})")


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
