"""The smoke feature passes on the reference stack and fails when the stack is broken."""

SMOKE = "features/smoke/worldservice_smoke.feature"
TOKENS = "Event tokens for two worlds carry their own claims and verify against the published keys"
BOUND = "A strategy submitted to each world is accepted and bound to that world"
# Every scenario of these runs fails at its stack check: they wait out shortened deadlines.
ALL_FAILING = {"timeout_scale": "0.3"}


def test_smoke_feature_passes_on_the_reference_stack(behave_run):
    run = behave_run(SMOKE)
    assert run.returncode == 0, run.explain()
    assert len(run.statuses("passed")) == 7, run.explain()


def test_smoke_feature_fails_when_tokens_name_the_wrong_world(behave_run):
    run = behave_run(SMOKE, faults=["wrong_world_claim"], failing=[TOKENS])
    assert run.returncode != 0, run.explain()
    failed = run.statuses("failed")
    assert failed == [TOKENS], run.explain()
    message = next(iter(run.failures.values()))
    assert "claim world_id is" in message, message


def test_smoke_feature_fails_when_submissions_are_not_bound_to_their_world(behave_run):
    run = behave_run(SMOKE, faults=["skip_world_binding"], failing=[BOUND])
    assert run.statuses("failed") == [BOUND], run.explain()


def test_smoke_feature_fails_when_the_gateway_cannot_reach_its_dag_manager(behave_run):
    # The Gateway picks the address it dials when it starts: this fault gets a stack of its own.
    # The stack check before every scenario names the component the Gateway cannot reach.
    run = behave_run(SMOKE, faults=["gateway_dials_default_dagmanager"], userdata=ALL_FAILING)
    assert len(run.statuses("failed")) == 7 and not run.statuses("passed"), run.explain()
    assert all("dagmanager 'error'" in message for message in run.failures.values()), run.explain()
