"""The strategy and DAG Manager features pass on the reference stack, and each fault fails
exactly the scenarios that should catch it, with a message naming what went wrong.

Each fault runs only the features it concerns, on the shared stack; a case whose
features restart the Gateway gets a stack of its own.
"""
from __future__ import annotations

import pytest

from qmtl_reference.faults import KNOWN

SUBMISSION = "features/strategies/submission_rules.feature"
PERSISTED = "features/strategies/persisted_state.feature"
STATUS = "features/strategies/status.feature"
RESTART = "features/strategies/gateway_restart.feature"
DRY_RUN = "features/strategies/dry_run.feature"
BY_TAG = "features/strategies/queues_by_tag.feature"
DM_HEALTH = "features/dagmanager/health.feature"
DM_DIFF = "features/dagmanager/diff.feature"
DM_TAGS = "features/dagmanager/tag_query.feature"
DM_ADMIN = "features/dagmanager/admin.feature"

STORED = "An accepted strategy is recorded in Postgres and Redis and bound in WorldService"
RESTARTED = "Dedupe and status survive a Gateway restart"
COMPLETES = "A submitted strategy reaches the completed status"
EVENTS = "Every status change of a strategy is recorded as an event"
BY_TAG_SCENARIO = "The Gateway lists one world's queues of a tagged stream once its strategy is in place"
WITHHELD = "A chunk whose acknowledgement is withheld is sent again until the caller's deadline"
LATE_ACK = "A late acknowledgement still completes the diff"
DIFFED = "A diff returns a queue map namespaced by world and domain, with the strategy's sentinel"
REDO = "Redoing a diff with a changed DAG rebuilds the strategy's queues in every world"
TAG_ROWS_FOUND = [
    'A tag query for "crypto" and "spot" at 60 seconds in "any" mode finds quotes and trades',
    'A tag query for "crypto" and "spot" at 60 seconds in "all" mode finds quotes only',
    'A tag query for "spot" at 60 seconds in "any" mode finds quotes only',
    'A tag query for "crypto" at 60 seconds in "all" mode finds quotes and trades',
]

# fault → (features to run, scenarios that must fail (outline rows by name), a phrase of the failure message)
CASES: dict[str, tuple[list[str], list[str], str]] = {
    "dedupe_ignores_dag_hash": (
        [SUBMISSION, PERSISTED, RESTART],
        [
            "Submitting the same strategy to world alpha a second time",
            "Submitting the same strategy to world beta after world alpha",
            STORED,
            RESTARTED,
        ],
        "expected HTTP 409",
    ),
    "dedupe_keyed_by_world": (
        [SUBMISSION, RESTART],
        ["Submitting the same strategy to world beta after world alpha", RESTARTED],
        "expected HTTP 409",
    ),
    "dedupe_in_memory": ([RESTART, PERSISTED], [RESTARTED, STORED], "409"),
    "bind_first_world_only": (
        [SUBMISSION, PERSISTED],
        ["Submitting one strategy to worlds alpha and beta", STORED],
        "world beta lists []",
    ),
    "skip_world_binding": (
        [SUBMISSION, PERSISTED],
        [
            "Submitting a valid strategy to world alpha",
            "Submitting the same strategy to world alpha a second time",
            "Submitting the same strategy to world beta after world alpha",
            "Submitting one strategy to worlds alpha and beta",
            STORED,
        ],
        "world alpha lists []",
    ),
    "bad_dag_json_500": (
        [SUBMISSION],
        ["Submitting a strategy whose DAG is not JSON", "Submitting a strategy whose DAG is a JSON list"],
        "expected HTTP 400, got HTTP 500",
    ),
    "strategy_status_never_advances": (
        [STATUS, RESTART, BY_TAG],
        [COMPLETES, EVENTS, RESTARTED, BY_TAG_SCENARIO],
        "status is 'queued'",
    ),
    "strategy_events_not_recorded": ([STATUS, PERSISTED], [EVENTS], "the recorded statuses are ['queued']"),
    "unknown_strategy_reported_queued": (
        [STATUS],
        ["The status of a strategy nobody submitted is not found"],
        "expected HTTP 404",
    ),
    "dry_run_without_namespace": (
        [DRY_RUN],
        ["A dry run names every node's queues by world and execution domain and records nothing"],
        "expected one under each of",
    ),
    "by_tag_ignores_world": ([BY_TAG], [BY_TAG_SCENARIO], "expected exactly one queue"),
    "dagmanager_no_ack_resend": ([DM_DIFF], [WITHHELD, LATE_ACK], "the first chunk arrived 1 time"),
    "dagmanager_unnamespaced_queues": ([DM_DIFF, DM_ADMIN], [DIFFED, REDO], "expected one queue per node named"),
    "dagmanager_cleanup_keeps_queues": (
        [DM_ADMIN],
        ["Queue statistics list a diffed strategy's queues, and cleanup removes them"],
        "still listed",
    ),
    "dagmanager_redo_diff_fails": ([DM_ADMIN], [REDO], "RedoDiff answered UNKNOWN"),
    "dagmanager_no_standard_health": (
        [DM_HEALTH],
        ["The DAG Manager reports itself running on both health checks"],
        "UNIMPLEMENTED",
    ),
    "tagquery_ignores_match_mode": (
        [DM_TAGS],
        ['A tag query for "crypto" and "spot" at 60 seconds in "all" mode finds quotes only'],
        "expected the queues of quotes only",
    ),
    "schema_version_unchecked": ([SUBMISSION], ["Submitting a strategy without a schema version"], "expected HTTP 400"),
    "checksum_unchecked": ([SUBMISSION], ["Submitting a strategy whose node-id checksum does not match"], "expected HTTP 400"),
    "node_fields_unchecked": ([SUBMISSION], ["Submitting a strategy with a node lacking its config hash"], "expected HTTP 400"),
    "node_ids_unchecked": ([SUBMISSION], ["Submitting a strategy with a node whose id is not canonical"], "expected HTTP 400"),
    "tagquery_forgets_diffed_nodes": ([DM_TAGS, BY_TAG], [*TAG_ROWS_FOUND, BY_TAG_SCENARIO], "got []"),
}


def _base(name: str) -> str:
    # Outline rows are reported as "<name> -- @<row> <examples>".
    return name.split(" -- @", 1)[0].strip()


def test_every_fault_of_these_features_has_a_case():
    mine = {n for n in KNOWN if n.startswith(("dagmanager_", "tagquery_", "dedupe_", "strategy_", "dry_run_", "by_tag_"))}
    mine |= {"bind_first_world_only", "bad_dag_json_500", "unknown_strategy_reported_queued"}
    mine |= {"schema_version_unchecked", "checksum_unchecked", "node_fields_unchecked", "node_ids_unchecked"}
    assert mine <= set(CASES), f"faults without a case: {sorted(mine - set(CASES))}"
    assert set(CASES) <= set(KNOWN), f"cases for unregistered faults: {sorted(set(CASES) - set(KNOWN))}"


def test_the_strategy_and_dagmanager_features_pass_on_the_healthy_stack(behave_run):
    # The Gateway restart scenario runs too: a stack of its own.
    run = behave_run("features/strategies", "features/dagmanager", own_stack=True)
    assert run.returncode == 0, run.explain()
    assert not run.statuses("failed"), run.explain()
    # Only the other contract revision's examples are skipped.
    assert [_base(n) for n in run.statuses("skipped")] == [
        "Submitting a strategy without world ids",
        "Submitting a strategy naming world alpha in the old world_id field",
    ], run.explain()
    assert len(run.statuses("passed")) >= 30, run.explain()


@pytest.mark.parametrize("fault", sorted(CASES))
def test_the_fault_fails_exactly_its_scenarios(fault, behave_run):
    features, expected, phrase = CASES[fault]
    run = behave_run(*features, faults=[fault], own_stack=RESTART in features)
    failed = sorted({_base(n) for n in run.statuses("failed")})
    assert run.returncode != 0, run.explain()
    assert failed == sorted(set(expected)), f"under {fault}: expected {sorted(set(expected))} to fail, got {failed}\n{run.explain()}"
    messages = "\n".join(run.failures.values())
    assert phrase in messages, f"under {fault} no failure says {phrase!r}:\n{messages[:3000]}"


def test_the_contract_setting_switches_the_world_id_rows(behave_run):
    # The reference stack follows 2026-04, so holding it to 2026-02 must fail exactly the rows that changed.
    run = behave_run(SUBMISSION, userdata={"contract_version": "2026-02"})
    failed = sorted(_base(n) for n in run.statuses("failed"))
    assert failed == [
        "Submitting a strategy naming world alpha in the old world_id field",
        "Submitting a strategy without world ids",
    ], run.explain()
    assert "E_WORLD_IDS_REQUIRED" in "\n".join(run.failures.values())
