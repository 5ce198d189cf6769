"""Scenarios are isolated by unique ids: two whole runs against one stack, at once, both pass."""
from __future__ import annotations

import threading

from tests.support.behave_runs import run_behave

FEATURES = ["features/smoke", "features/strategies", "features/dagmanager", "features/events"]


def test_two_runs_in_parallel_against_one_stack_do_not_disturb_each_other(shared_stack):
    # Two whole runs at once double the load on one stack: this test judges isolation, not latency (the
    # healthy-stack tests hold the deadlines at scale 1), so deadlines get the slow-machine scale.
    userdata = {**shared_stack.userdata(), "timeout_scale": "2"}
    runs: dict[str, object] = {}

    def run(name: str, order: list[str]) -> None:
        runs[name] = run_behave(*order, userdata=userdata)

    # The second run takes the features in the opposite order, so the same
    # scenarios overlap with different neighbours.
    threads = [
        threading.Thread(target=run, args=("forward", FEATURES)),
        threading.Thread(target=run, args=("reverse", list(reversed(FEATURES)))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    for name, result in runs.items():
        assert result.returncode == 0, f"{name}: {result.explain()}"
        assert len(result.statuses("passed")) >= 40, f"{name}: {result.explain()}"
    assert set(runs) == {"forward", "reverse"}
