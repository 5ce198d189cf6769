"""One stack serves run after run: each run's faults are its own, and a name the stack does not know fails the run."""
from __future__ import annotations

from tests.support.behave_runs import run_behave
from tests.support.shared_stack import STACK_PROCESSES

SMOKE = "features/smoke/worldservice_smoke.feature"
BINDING = "A strategy submitted to each world is accepted and bound to that world"


def test_a_fault_of_one_run_is_gone_for_the_next(shared_stack):
    faulted = shared_stack.run(SMOKE, faults=["skip_world_binding"])
    assert faulted.statuses("failed") == [BINDING], faulted.explain()
    healthy = shared_stack.run(SMOKE)
    assert healthy.returncode == 0 and len(healthy.statuses("passed")) == 7, healthy.explain()


def test_an_unknown_fault_name_in_the_file_fails_the_run_and_the_gateway_names_it(shared_stack):
    shared_stack.write_faults_unchecked("skip_world_binding\nskip_wrold_binding\n")
    try:
        run = run_behave(SMOKE, userdata=shared_stack.userdata())
    finally:
        shared_stack.reset_faults()
    assert run.returncode != 0, run.explain()
    # The Gateway's /status consults the faults too, so the run stops at its stack check: nothing passes.
    assert not run.statuses("passed"), run.explain()
    assert "GET /status answered HTTP 500" in run.output, run.explain()
    assert "unknown reference fault(s): skip_wrold_binding" in shared_stack.log_text("gateway")
    assert shared_stack.running_processes().keys() == STACK_PROCESSES, "the unknown name took a service down"
    again = shared_stack.run(SMOKE)
    assert again.returncode == 0 and len(again.statuses("passed")) == 7, again.explain()
