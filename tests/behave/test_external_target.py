"""The external target runs the features against a deployment it did not start, and leaves it running."""
from tests.support.shared_stack import STACK_PROCESSES


def test_the_features_run_against_an_external_deployment(shared_stack):
    """The shared reference stack stands in for someone else's deployment."""
    run = shared_stack.run("features/smoke")
    assert run.returncode == 0, run.explain()
    assert run.scenarios and not run.statuses("failed"), run.explain()
    assert shared_stack.running_processes().keys() == STACK_PROCESSES, "the external run stopped services it did not start"
