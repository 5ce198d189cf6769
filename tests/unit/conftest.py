"""The unit room: no test here may start a process (those go to tests/reference/)."""
from __future__ import annotations

import os
import subprocess

import pytest

# matplotlib asks fontconfig for the machine's fonts once, when it first builds its font cache
# (a fresh machine's first chart): that is the library's own doing, not a test starting a service.
LIBRARY_PROGRAMS = {"fc-list"}


def _program(args) -> str:
    first = args[0] if isinstance(args, (list, tuple)) else str(args).split()[0]
    return os.path.basename(os.fsdecode(first))


@pytest.fixture(autouse=True)
def no_child_processes(monkeypatch):
    start = subprocess.Popen._execute_child  # type: ignore[attr-defined]

    def refuse(self, args, *rest, **options):
        if _program(args) in LIBRARY_PROGRAMS:
            return start(self, args, *rest, **options)
        raise AssertionError(f"a unit test started a process ({args!r}): it belongs in tests/reference/")

    monkeypatch.setattr(subprocess.Popen, "_execute_child", refuse)
