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
DM_NAMESPACE = "features/dagmanager/diff_namespace.feature"
BAD_SUBMISSIONS = "features/robustness/bad_submissions.feature"

STORED_REDIS = "An accepted strategy is recorded in Redis with its DAG and the DAG's hash"
BOUND = "An accepted strategy is bound in Postgres and WorldService to each of its worlds"
SECOND_BOUND = "A second strategy in a world is bound beside the first"
NO_TRACE = "A duplicate submission leaves no record of its own"
RESTARTED = "Dedupe and status survive a Gateway restart"
RESTART_DEDUPE = "Dedupe survives a Gateway restart"
CRASHED_MID_DIFF = "A strategy the Gateway was diffing when it crashed is completed once it is started again"
AT_ONCE = "Simultaneous identical submissions: exactly one is accepted and the others name it"
COMPLETES = "A submitted strategy reaches the completed status"
EACH_COMPLETES = "Each of several strategies reaches the completed status"
EVENTS = "Every status change of a strategy is recorded as an event"
STORES_AGREE = "The stores hold the status the Gateway reports"
DOMAIN_ROW = 'A strategy submitted for the "{}" domain has its tagged queues listed under that domain, {}'
# Every row of the queues-by-tag outlines needs the DAG Manager to know the diffed queues.
BY_TAG_ROWS = [
    'Queues tagged "price" at 60 seconds in "any" mode in world alpha',
    'Queues tagged "price" at 60 seconds in "any" mode in world beta',
    'Queues tagged "price" at 60 seconds in "any" mode in no particular world',
    'Queues tagged "price" and "volume" at 60 seconds in "any" mode in world alpha',
    'Queues tagged "price" and "volume" at 60 seconds in "all" mode in world alpha',
    'Queues tagged "price" at 60 seconds in "all" mode in world beta',
    'Queues tagged "price" at 300 seconds in "any" mode in world alpha',
    'Queues tagged "volume" at 60 seconds in "any" mode in no particular world',
    *(DOMAIN_ROW.format(domain, scope) for domain, scope in (
        ("dryrun", "in world alpha"), ("dryrun", "in world beta"), ("backtest", "in world alpha"),
        ("backtest", "in no particular world"), ("live", "in world beta"))),
]
WITHHELD = "A chunk whose acknowledgement is withheld is sent again until the caller's deadline"
LATE_ACK = "A late acknowledgement still completes the diff"
DIFFED = "A diff returns a queue map namespaced by world and domain, with the strategy's sentinel"
REDO = "Redoing a diff with a changed DAG rebuilds the strategy's queues in every world"
TAG_ROWS_FOUND = [
    'A tag query for "crypto" and "spot" at 60 seconds in "any" mode finds quotes and trades',
    'A tag query for "crypto" and "spot" at 60 seconds in "all" mode finds quotes only',
    'A tag query for "spot" at 60 seconds in "any" mode finds quotes only',
    'A tag query for "crypto" at 60 seconds in "all" mode finds quotes and trades',
    'A tag query for "spot" and "crypto" at 60 seconds in "all" mode finds quotes only',
    'A tag query for "spot" and "bitcoin" at 60 seconds in "any" mode finds quotes only',
    'A tag query for "crypto" at 300 seconds in "any" mode finds candles only',
    'A tag query for "crypto" at 300 seconds in "all" mode finds candles only',
]
CLEANUP = "Queue statistics list a diffed strategy's queues, and cleanup removes them"
CLEANUP_TAGS = "A tag query no longer finds a cleaned-up strategy's queues, and still finds another strategy's"
TAG_SCENARIOS_FOUND = [
    "A tag query that names no match mode matches any of its tags",
    "A tag query finds a second strategy's tagged stream beside the first's",
    "A tag query finds a strategy's tagged stream in every world it was diffed for",
    CLEANUP_TAGS,
]
# Rows asking for every tag where only "any" of them finds something.
TAG_ROWS_ALL = [
    'A tag query for "crypto" and "spot" at 60 seconds in "all" mode finds quotes only',
    'A tag query for "spot" and "crypto" at 60 seconds in "all" mode finds quotes only',
    'A tag query for "spot" and "bitcoin" at 60 seconds in "all" mode finds no stream',
    'A tag query for "crypto" and "spot" at 300 seconds in "all" mode finds no stream',
]
REDO_SAME = "Redoing a diff without a new DAG keeps the strategy's queues, each time"
LARGE = "A large strategy's diff arrives in several chunks that together hold every node's queue once"
SIMULTANEOUS = "One strategy diffed for two worlds in simultaneous calls gets both worlds' queues"
TWO_WORLDS = [f'A strategy diffed for two worlds in the "{d}" domain gets each world\'s own queues' for d in ("live", "dryrun", "backtest")]
WITHHELD_POSITIONS = [f"Withholding the acknowledgement of the {p} chunk makes exactly that chunk come again" for p in ("first", "middle", "last")]
META_NAMINGS = [
    f"A DAG whose meta names {naming} is namespaced from its meta when the request names no world"
    for naming in (
        'its world as "world_id" and its domain as "execution_domain"', 'its world as "world" and its domain as "domain"',
        'an empty "world" and its world as "world_id"', 'a null "world" and its world as "world_id"',
        'world "alpha" as "world" and world "beta" as "world_id"', 'an empty "execution_domain" and its domain as "domain"',
        'the "backtest" domain as "execution_domain" and the "dryrun" domain as "domain"',
        "its domain in capital letters", "its world and no domain",
    )
]
OUT_OF_RANGE_CRC = [
    "Submitting a strategy whose checksum is the right one plus 2 to the 32nd power",
    "Submitting a strategy whose checksum is the right one as a negative 32-bit number",
]
UNSTATED_ACCEPTED = [
    "Submitting a strategy whose first node states no interval",
    "Submitting a strategy whose last node states no period",
    "Submitting a strategy whose first node states neither interval nor period",
    "Submitting a strategy whose last node's interval and period are null",
]
ACK_MISTAKES = [f"An acknowledgement naming {m} does not release the chunk" for m in ("another strategy's sentinel", "the next chunk's id")]
PARAMS_NOT_OBJECT = [f"A strategy whose nodes' params are {p} is diffed like any other"
                     for p in ("a list", "a string", "null, their settings in config")]
REDIFF_REPLACED = [f"Diffed again with its {p} stream replaced, a strategy is asked to buffer the new stream only"
                   for p in ("first", "middle", "last")]
REDIFF_UNCHANGED = "Diffed again unchanged, a strategy is asked to buffer nothing"
WORLD_FILTERS = [f"Queue statistics filtered by the {w} world's id still list the strategy's queues that match it" for w in ("first", "second")]
STANDARD_HEALTH_ROWS = [
    f"The standard gRPC health service answers for {service}: {answer}"
    for service, answer in (
        ("the server as a whole", "SERVING"), ("the health check service", "SERVING"), ("the diff service", "SERVING"),
        ("the tag query service", "SERVING"), ("the admin service", "SERVING"),
        ("a service the DAG Manager does not offer", "NOT_FOUND"),
    )
]

# fault → (features to run, scenarios that must fail (outline rows by name), a phrase of the failure message)
CASES: dict[str, tuple[list[str], list[str], str]] = {
    "dedupe_ignores_dag_hash": (
        [SUBMISSION, PERSISTED, RESTART],
        [
            NO_TRACE,
            STORED_REDIS,
            RESTARTED,
            RESTART_DEDUPE,
            AT_ONCE,
            "Submitting the same strategy a third time",
            "Submitting the same strategy as plain JSON text after base64",
            "Submitting the same strategy to world alpha a second time",
            "Submitting the same strategy to world beta after world alpha",
            "Submitting the same strategy to worlds alpha and beta after world alpha",
            "Submitting the same strategy with another execution domain",
            "Submitting the same strategy with its keys in another order",
        ],
        "expected HTTP 409",
    ),
    "dedupe_keyed_by_world": (
        [SUBMISSION, RESTART],
        [
            RESTARTED,
            RESTART_DEDUPE,
            "Submitting the same strategy to world beta after world alpha",
            "Submitting the same strategy to worlds alpha and beta after world alpha",
        ],
        "expected HTTP 409",
    ),
    "dedupe_in_memory": (
        [RESTART, PERSISTED],
        [
            NO_TRACE,
            STORED_REDIS,
            RESTARTED,
            RESTART_DEDUPE,
        ],
        "409",
    ),
    "bind_first_world_only": (
        [SUBMISSION, PERSISTED],
        [
            SECOND_BOUND,
            BOUND,
            "Submitting one strategy to worlds alpha and beta",
        ],
        "world beta lists []",
    ),
    "skip_world_binding": (
        [SUBMISSION, PERSISTED],
        [
            SECOND_BOUND,
            BOUND,
            AT_ONCE,
            "Submitting a second, different strategy to world alpha",
            "Submitting a strategy of schema version 1",
            "Submitting a strategy of schema version 1.0",
            "Submitting a strategy whose node params name its world",
            "Submitting a strategy whose nodes carry the legacy schema id",
            "Submitting a valid strategy sent as plain JSON text",
            "Submitting a valid strategy to world alpha",
            "Submitting a valid strategy whose node ids are in descending order",
            "Submitting one strategy to worlds alpha and beta",
            "Submitting the same nodes under other names after world alpha",
            "Submitting the same strategy a third time",
            "Submitting the same strategy after it was refused for its checksum",
            "Submitting the same strategy as plain JSON text after base64",
            "Submitting the same strategy to world alpha a second time",
            "Submitting the same strategy to world beta after world alpha",
            "Submitting the same strategy to worlds alpha and beta after world alpha",
            "Submitting the same strategy with a bad checksum after world alpha",
            "Submitting the same strategy with another execution domain",
            "Submitting the same strategy with its keys in another order",
            *UNSTATED_ACCEPTED,
        ],
        "world alpha lists []",
    ),
    "bad_dag_json_500": (
        [SUBMISSION],
        [
            "Submitting a strategy whose DAG is a JSON list",
            "Submitting a strategy whose DAG is a JSON string",
            "Submitting a strategy whose DAG is not JSON",
        ],
        "expected HTTP 400, got HTTP 500",
    ),
    "strategy_status_never_advances": (
        [STATUS, RESTART, BY_TAG],
        [
            COMPLETES,
            RESTARTED,
            CRASHED_MID_DIFF,
            EACH_COMPLETES,
            EVENTS,
            STORES_AGREE,
            *BY_TAG_ROWS,
        ],
        "status is 'queued'",
    ),
    "claimed_strategies_forgotten": (
        [RESTART],
        [
            CRASHED_MID_DIFF,
        ],
        "last observed: status is 'processing'",
    ),
    "strategy_events_not_recorded": (
        [STATUS, PERSISTED],
        [
            EVENTS,
        ],
        "the recorded statuses are ['queued']",
    ),
    "unknown_strategy_reported_queued": (
        [STATUS],
        [
            "The status of an accepted strategy's id with its last digit changed is not found",
            "The status of an id it never issued is not found",
            "The status of the first half of an accepted strategy's id is not found",
            "The status of the sentinel id of an accepted strategy is not found",
        ],
        "expected HTTP 404",
    ),
    "dry_run_without_namespace": (
        [DRY_RUN],
        [
            "A dry run names every node's queues by world and execution domain and records nothing",
            'A one-world dry run in the "backtest" domain names every node\'s queue and records nothing',
            'A one-world dry run in the "live" domain names every node\'s queue and records nothing',
        ],
        "no single queue named",
    ),
    # The 17-letter mode stays refused: the reference's length bound answers before the mode is read.
    "unknown_match_mode_is_any": (
        [BY_TAG],
        [f"Asking for queues by tag {bad} is refused" for bad in (
            'in the match mode "none"', 'in the match mode "al"', 'in the match mode "alll"',
            'in the match mode "any,all"', 'in the match mode "exact"')],
        "HTTP 422",
    ),
    "by_tag_ignores_world": (
        [BY_TAG],
        [
            'Queues tagged "price" and "volume" at 60 seconds in "any" mode in world alpha',
            'Queues tagged "price" at 60 seconds in "all" mode in world beta',
            'Queues tagged "price" at 60 seconds in "any" mode in world alpha',
            'Queues tagged "price" at 60 seconds in "any" mode in world beta',
            *(DOMAIN_ROW.format(domain, scope) for domain, scope in (
                ("dryrun", "in world alpha"), ("dryrun", "in world beta"), ("backtest", "in world alpha"),
                ("live", "in world beta"))),
        ],
        "expected exactly one queue",
    ),
    "dagmanager_no_ack_resend": ([DM_DIFF], [WITHHELD, LATE_ACK, *ACK_MISTAKES, *WITHHELD_POSITIONS], "the first chunk arrived 1 time"),
    "dagmanager_unnamespaced_queues": (
        [DM_DIFF, DM_ADMIN],
        [DIFFED, REDO, LATE_ACK, LARGE, SIMULTANEOUS, *TWO_WORLDS, *WITHHELD_POSITIONS, *WORLD_FILTERS,
         *PARAMS_NOT_OBJECT, *REDIFF_REPLACED, REDIFF_UNCHANGED],
        "lack exactly one queue named",
    ),
    "dagmanager_namespace_ignores_meta": ([DM_NAMESPACE], META_NAMINGS, "are named under world"),
    "dagmanager_cleanup_keeps_queues": ([DM_ADMIN, DM_TAGS], [CLEANUP, CLEANUP_TAGS], "still listed"),
    "dagmanager_redo_diff_fails": ([DM_ADMIN], [REDO, REDO_SAME], "RedoDiff answered UNKNOWN"),
    "dagmanager_params_must_be_objects": ([DM_DIFF], PARAMS_NOT_OBJECT, "params must be a JSON object"),
    "dagmanager_rebuffers_known_queues": ([DM_DIFF], [*REDIFF_REPLACED, REDIFF_UNCHANGED], "the re-diff's buffering instructions"),
    "dagmanager_no_standard_health": (
        [DM_HEALTH],
        ["The DAG Manager reports itself running on both health checks", *STANDARD_HEALTH_ROWS],
        "UNIMPLEMENTED",
    ),
    "tagquery_ignores_match_mode": ([DM_TAGS], TAG_ROWS_ALL, "expected the queues of quotes only"),
    "schema_version_unchecked": (
        [SUBMISSION],
        [
            "Submitting a strategy of schema version v2",
            "Submitting a strategy whose schema version is the number 2",
            "Submitting a strategy with a bad schema version and a bad checksum",
            "Submitting a strategy with an empty schema version",
            "Submitting a strategy without a schema version",
        ],
        "expected HTTP 400",
    ),
    "checksum_unchecked": (
        [SUBMISSION],
        [
            "Submitting a strategy whose checksum covers its node ids in reverse order",
            "Submitting a strategy whose checksum covers its node ids in sorted order",
            "Submitting a strategy whose checksum covers its node ids joined by commas",
            "Submitting a strategy whose checksum covers only its first node",
            "Submitting a strategy whose node-id checksum does not match",
            "Submitting a strategy whose node-id checksum is zero",
            "Submitting a strategy with a bad checksum and a node lacking its config hash",
            "Submitting the same strategy after it was refused for its checksum",
            "Submitting the same strategy with a bad checksum after world alpha",
            *OUT_OF_RANGE_CRC,
            "Submitting a strategy whose checksum is minus one",
            "Submitting a strategy whose checksum is one less than the right one",
        ],
        "expected HTTP 400",
    ),
    "checksum_masked": (
        [SUBMISSION, BAD_SUBMISSIONS],
        [
            *OUT_OF_RANGE_CRC,
            "The Gateway refuses a body whose checksum is the right one plus a half with HTTP 422 and E_CHECKSUM_REQUIRED",
        ],
        "expected HTTP 400",
    ),
    "node_fields_unchecked": (
        [SUBMISSION],
        [
            "Submitting a strategy whose first node has an empty config hash",
            "Submitting a strategy whose first node lacks its code hash",
            "Submitting a strategy whose first node lacks its node type",
            "Submitting a strategy whose last node lacks its schema compat id",
            "Submitting a strategy whose last node lacks its schema hash",
            "Submitting a strategy whose two nodes each lack two fields",
            "Submitting a strategy with a node lacking a field and another whose id is not canonical",
            "Submitting a strategy with a node lacking its config hash",
        ],
        "expected HTTP 400",
    ),
    "node_ids_unchecked": (
        [SUBMISSION],
        [
            "Submitting a strategy whose first node's id is not canonical",
            "Submitting a strategy whose node id lacks its blake3 prefix",
            "Submitting a strategy whose node's interval changed after its id was computed",
            "Submitting a strategy whose node's params changed after its id was computed",
            "Submitting a strategy whose node's period changed after its id was computed",
            "Submitting a strategy whose two nodes' ids are not canonical",
            "Submitting a strategy with a node whose id is not canonical",
            "Submitting a strategy whose node leaves out an interval its id was computed with",
        ],
        "expected HTTP 400",
    ),
    "tagquery_forgets_diffed_nodes": (
        [DM_TAGS, BY_TAG],
        [
            *TAG_ROWS_FOUND,
            *TAG_SCENARIOS_FOUND,
            *BY_TAG_ROWS,
        ],
        "got []",
    ),
}


def _base(name: str) -> str:
    # Outline rows are reported as "<name> -- @<row> <examples>".
    return name.split(" -- @", 1)[0].strip()


def test_every_fault_of_these_features_has_a_case():
    mine = {n for n in KNOWN if n.startswith(("dagmanager_", "tagquery_", "dedupe_", "strategy_", "dry_run_", "by_tag_"))}
    mine |= {"bind_first_world_only", "bad_dag_json_500", "unknown_strategy_reported_queued", "claimed_strategies_forgotten"}
    mine |= {"schema_version_unchecked", "checksum_unchecked", "checksum_masked", "node_fields_unchecked", "node_ids_unchecked"}
    # The malformed-DAG fault is the robustness features' to catch (tests/behave/test_robustness_faults.py).
    mine -= {"dagmanager_bad_dag_unknown"}
    # Only a Redis outage shows this one: the outage features catch it (tests/behave/test_outage_faults.py).
    mine -= {"dagmanager_health_ignores_redis"}
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
        "Submitting a strategy with an empty list of world ids",
        "Submitting a strategy naming world alpha in the old world_id field",
    ], run.explain()
    assert len(run.statuses("passed")) >= 90, run.explain()


@pytest.mark.parametrize("fault", sorted(CASES))
def test_the_fault_fails_exactly_its_scenarios(fault, behave_run):
    features, expected, phrase = CASES[fault]
    run = behave_run(*features, faults=[fault], own_stack=RESTART in features, failing=expected)
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
        "Submitting a strategy with an empty list of world ids",
        "Submitting a strategy without world ids",
    ], run.explain()
    assert "E_WORLD_IDS_REQUIRED" in "\n".join(run.failures.values())
