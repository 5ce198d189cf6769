"""The one waiting helper: returns as soon as the probe holds, fails with the last observed state."""
import time

import pytest

from qmtl_acceptance.eventually import eventually, never


def test_returns_the_first_value_that_holds():
    calls = []

    def probe():
        calls.append(1)
        assert len(calls) >= 3, f"only {len(calls)} calls"
        return "done"

    assert eventually(probe, within=2, what="three calls", every=0.001) == "done"
    assert len(calls) == 3


def test_failure_names_the_expectation_and_last_observation():
    with pytest.raises(AssertionError) as caught:
        eventually(lambda: (_ for _ in ()).throw(AssertionError("status is queued")), within=0.1, what="the strategy completes")
    message = str(caught.value)
    assert "the strategy completes: not so within 0.10 s" in message
    assert "last observed: status is queued" in message


def test_deadline_is_respected():
    started = time.monotonic()
    with pytest.raises(AssertionError):
        eventually(lambda: (_ for _ in ()).throw(AssertionError("no")), within=0.2, what="never true")
    assert time.monotonic() - started < 1.0


def test_never_fails_at_the_first_unwanted_observation():
    seen = iter(["", "", "frame for world B"])
    with pytest.raises(AssertionError, match="within 5.00 s it observed: frame for world B"):
        never(lambda: next(seen), for_seconds=5, what="no frame reaches world A", every=0.001)


def test_never_watches_the_whole_window():
    started = time.monotonic()
    never(lambda: "", for_seconds=0.2, what="nothing arrives")
    assert time.monotonic() - started >= 0.2
