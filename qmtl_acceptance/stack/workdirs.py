"""Throwaway directories for a run's servers, swept if an earlier run was killed."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

PREFIX = "qmtl-e2e-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_orphans() -> list[Path]:
    """Remove run directories whose owning suite process no longer exists."""
    removed = []
    root = Path(tempfile.gettempdir())
    for path in root.glob(PREFIX + "*"):
        owner = path.name[len(PREFIX):].split("-", 1)[0]
        if owner.isdigit() and not _pid_alive(int(owner)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def make_run_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    # Postgres runs as an unprivileged user and must be able to enter the tree.
    path.chmod(0o755)
    return path
