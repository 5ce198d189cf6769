"""Fixtures of the behave room: one reference stack per test process, shared by the runs that can share it."""
from __future__ import annotations

import pytest

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
