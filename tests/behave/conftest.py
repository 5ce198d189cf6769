"""Fixtures of the behave room: one reference stack per test process, shared by the runs that can share it."""
from __future__ import annotations

import pytest

from qmtl_reference.faults import AT_START
from tests.support.behave_runs import run_behave
from tests.support.shared_stack import SharedStack


@pytest.fixture(scope="session")
def shared_stack(tmp_path_factory):
    """A running reference stack whose faults each test switches for its own run (see tests/support/shared_stack.py).

    Session-scoped, so under pytest-xdist each worker has its own: runs on one
    stack never overlap unless a test starts them together on purpose.
    """
    stack = SharedStack(tmp_path_factory.mktemp("shared-stack"))
    try:
        yield stack.start()
    finally:
        stack.stop()


@pytest.fixture
def behave_run(request):
    """Runs behave on the shared stack, or on a stack of its own when asked (restarts) or when a fault acts only at start.

    `behave_run(*paths, faults=[...], own_stack=False, names=..., userdata=..., ...)` → BehaveRun.
    """

    def run(*paths: str, faults=(), own_stack: bool = False, **options):
        faults = list(faults)
        if own_stack or set(faults) & AT_START:
            return run_behave(*paths, faults=faults, **options)
        return request.getfixturevalue("shared_stack").run(*paths, faults=faults, **options)

    return run
