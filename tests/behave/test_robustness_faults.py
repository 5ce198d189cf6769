"""The robustness features catch a Gateway that crashes on bad input: the hand-written
bad-submission rows and the fuzz from the published OpenAPI both fail, each saying what went wrong.
"""
from __future__ import annotations

import re

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
    "a body whose DAG is text that is not base64",
    "a body whose DAG is base64 missing its padding",
    "a body whose DAG is base64 of bytes that are not UTF-8",
    "a body whose DAG is non-ASCII text",
    "a DAG holding an unpaired high surrogate escape",
    "a DAG holding an unpaired low surrogate escape",
    "a DAG whose second node's params hold an unpaired surrogate escape",
    "base64 of a DAG holding an unpaired surrogate escape",
)
NODE_FIELD = "The Gateway refuses a DAG whose "
NODE_FIELD_ROW = re.compile(r"The Gateway refuses a DAG whose (?:first|second) node has ")
# The node-field rows a Gateway reading booleans and 64-bit overflows as integers lets through.
LOOSE_ROWS = (
    "first node has true as its interval",
    "second node has 9223372036854775808 as its interval",
    "first node has false as its period",
    "second node has -9223372036854775809 as its period",
    "first node has 9223372036854775808 as its period",
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
    refusals = [name for name in run.scenarios if name.startswith("The DAG Manager refuses ")]
    assert len(refusals) >= 14, run.explain()
    # The rows at the 64-bit edges are diffed, not refused: a DAG Manager answering UNKNOWN to bad DAGs still diffs them.
    assert sorted(run.statuses("failed")) == sorted(refusals), run.explain()
    assert all(run.scenarios[name] == "passed" for name in run.scenarios if name not in refusals), run.explain()
    for name, message in run.failures.items():
        assert "expected INVALID_ARGUMENT" in message and "UNKNOWN" in message, (name, message)


def test_a_gateway_reading_node_fields_loosely_fails_exactly_the_boolean_and_overflow_rows(behave_run):
    run = behave_run(BAD_SUBMISSIONS, faults=["node_fields_read_loosely"], userdata={"timeout_scale": "3"},
                     names=[NODE_FIELD_ROW.pattern])
    rows = {name: status for name, status in run.scenarios.items() if NODE_FIELD_ROW.match(name)}
    failed = {name for name, status in rows.items() if status == "failed"}
    expected = {name for name in rows if any(f"{NODE_FIELD}{row}," in name for row in LOOSE_ROWS)}
    assert len(rows) == 11 and len(expected) == len(LOOSE_ROWS), run.explain()
    assert failed == expected, run.explain()
    for name in expected:
        assert "must be an integer between" in run.failures[name] and "E_NODE_ID_MISMATCH" in run.failures[name], run.failures[name]
