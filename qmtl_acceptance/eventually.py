"""The one way the suite waits: poll a probe until it holds or a deadline passes."""
from __future__ import annotations

import time
from typing import Callable, TypeVar

T = TypeVar("T")


def eventually(
    probe: Callable[[], T],
    *,
    within: float,
    what: str,
    every: float = 0.05,
) -> T:
    """Return the probe's first result that does not raise AssertionError.

    The failure message names the expectation and the last observed state, so a
    red scenario says what the system was doing when time ran out.
    """
    deadline = time.monotonic() + within
    last: str = "nothing observed yet"
    while True:
        try:
            return probe()
        except AssertionError as exc:
            last = str(exc) or repr(exc)
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what}: not so within {within:.2f} s; last observed: {last}")
        time.sleep(min(every, max(0.0, deadline - time.monotonic())))


def never(
    probe: Callable[[], str | None],
    *,
    for_seconds: float,
    what: str,
    every: float = 0.05,
) -> None:
    """Fail as soon as the probe reports something (a non-empty string) within a bounded window.

    This is the bounded negative check: it watches for the whole window and
    stops at its end, rather than sleeping and looking once.
    """
    deadline = time.monotonic() + for_seconds
    while True:
        seen = probe()
        if seen:
            raise AssertionError(f"{what}, but within {for_seconds:.2f} s it observed: {seen}")
        if time.monotonic() >= deadline:
            return
        time.sleep(min(every, max(0.0, deadline - time.monotonic())))
