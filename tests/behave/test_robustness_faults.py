"""The robustness features catch a Gateway that crashes on bad input: the hand-written
bad-submission rows and the fuzz from the published OpenAPI both fail, each saying what went wrong.
"""
from __future__ import annotations

BAD_SUBMISSIONS = "features/robustness/bad_submissions.feature"
FUZZ = "features/robustness/fuzz.feature"
REFUSES = "The Gateway refuses "
GATEWAY_FUZZ = "The Gateway survives requests generated from its OpenAPI"
# Rows of the DAG table that the fault turns into a 500 (E_DAG_JSON_INVALID and E_DAG_NOT_OBJECT).
CRASHING_ROWS = (
    "a body without a DAG",
    "a body whose DAG is a number",
    "a body whose DAG is empty",
    "a body whose DAG is not JSON",
    "a body whose DAG is a JSON list",
)


def _rows(run, prefix):
    return {name: status for name, status in run.scenarios.items() if name.startswith(prefix)}


def test_the_reference_stack_passes_the_bad_submission_scenarios(behave_run):
    run = behave_run(BAD_SUBMISSIONS, userdata={"timeout_scale": "3"})
    assert run.returncode == 0 and run.scenarios, run.explain()
    assert len(run.statuses("passed")) == len(run.scenarios) >= 60, run.explain()


def test_a_gateway_crashing_on_a_bad_dag_fails_those_rows_and_the_fuzz(behave_run):
    run = behave_run(BAD_SUBMISSIONS, FUZZ, faults=["bad_dag_json_500"], userdata={"timeout_scale": "3"},
                     names=[REFUSES, GATEWAY_FUZZ])
    refusals = _rows(run, REFUSES)
    failed = {name for name, status in refusals.items() if status == "failed"}
    expected = {name for name in refusals if any(f"{REFUSES}{row} with" in name for row in CRASHING_ROWS)}
    assert len(expected) == len(CRASHING_ROWS), run.explain()
    assert failed == expected, run.explain()
    for name in expected:
        assert "HTTP 500" in run.failures[name] and "E_DAG_" in run.failures[name], run.failures[name]
    fuzz = [name for name in run.scenarios if name.startswith(GATEWAY_FUZZ)]
    assert fuzz and run.scenarios[fuzz[0]] == "failed", run.explain()
    message = run.failures[fuzz[0]]
    assert "not_a_server_error" in message and "POST /strategies" in message and "curl " in message, message


def test_a_dagmanager_answering_unknown_fails_every_malformed_dag_row(behave_run):
    run = behave_run("features/robustness/dagmanager_malformed.feature", faults=["dagmanager_bad_dag_unknown"],
                     userdata={"timeout_scale": "3"})
    assert len(run.scenarios) >= 8, run.explain()
    assert run.statuses("failed") == list(run.scenarios), run.explain()
    for name, message in run.failures.items():
        assert "expected INVALID_ARGUMENT" in message and "UNKNOWN" in message, (name, message)
