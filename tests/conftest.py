"""The three rooms: each test is marked with the room (folder) it lives in.

- tests/unit/: in-process only; a unit test that starts a process fails.
- tests/reference/: tests against processes they start: reference services, Redis, Postgres, commands.
- tests/behave/: behave runs against healthy and faulted reference stacks.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from qmtl_acceptance.stack.processes import port_is_free

TESTS = Path(__file__).resolve().parent
ROOMS = ("unit", "reference", "behave")


def room_of(path: Path) -> str | None:
    try:
        first = Path(path).resolve().relative_to(TESTS).parts[0]
    except (ValueError, IndexError):
        return None
    return first if first in ROOMS else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        room = room_of(item.path)
        if room is not None:
            item.add_marker(getattr(pytest.mark, room))


@pytest.fixture
def free_50051():
    """Port 50051, where the qmtl target's DAG Manager must listen, is free (else the test is skipped)."""
    if not port_is_free(50051):
        pytest.skip("port 50051 is in use on this machine; the qmtl target checks it first")
