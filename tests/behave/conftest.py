"""Fixtures of the behave room: one reference stack per test process, shared by the runs that can share it."""
from __future__ import annotations

import re
from typing import Iterable

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


# A scenario that a fault breaks fails at its first wrong observation and then waits out
# its deadline: those scenarios are named as the run's expected failures, whose deadlines
# the suite cuts (setting expected_failures, default cut 0.3), so a fault test costs what
# its observations cost. Every other scenario of the same run keeps its full deadlines, and
# the healthy-stack tests run all of them at full deadlines.


def _selecting(names: Iterable[str], prefix: bool) -> str:
    end = "" if prefix else "(?: -- @|$)"
    return "(?:" + "|".join(re.escape(name) for name in names) + ")" + end


@pytest.fixture
def behave_run(request):
    """Runs behave on the shared stack, or on a stack of its own when asked (restarts) or when a fault acts only at start.

    `behave_run(*paths, faults=[...], own_stack=False, names=..., userdata=..., ...)` → BehaveRun.
    With `failing=[scenario names]` (outline rows by their outline's name; by name prefix
    with `prefix=True`), those scenarios are the run's expected failures, with cut deadlines,
    and the rest run at full deadlines (`others=False`: only the expected failures run).
    """

    def once(*paths: str, faults=(), own_stack: bool = False, **options):
        faults = list(faults)
        if own_stack or set(faults) & AT_START:
            return run_behave(*paths, faults=faults, **options)
        return request.getfixturevalue("shared_stack").run(*paths, faults=faults, **options)

    def run(*paths: str, failing: Iterable[str] | None = None, prefix: bool = False, others: bool = True, **options):
        if failing is None:
            return once(*paths, **options)
        userdata = dict(options.pop("userdata", None) or {})
        options.pop("names", None)
        pattern = "^" + _selecting(list(failing), prefix)
        userdata["expected_failures"] = pattern
        # One behave run, one stack: the expected failures beside the scenarios that must still pass.
        return once(*paths, names=[] if others else [pattern], userdata=userdata, **options)

    return run
