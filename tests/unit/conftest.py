"""The unit room: no test here may start a process (those go to tests/reference/)."""
from __future__ import annotations

import subprocess

import pytest


@pytest.fixture(autouse=True)
def no_child_processes(monkeypatch):
    def refuse(self, args, *rest, **options):
        raise AssertionError(f"a unit test started a process ({args!r}): it belongs in tests/reference/")

    monkeypatch.setattr(subprocess.Popen, "_execute_child", refuse)
