"""`the QMTL stack is running` holds only when every component is ok; QMTL's one known degradation by name."""
import pytest

from qmtl_acceptance.stack_health import status_problem, tolerated_now

HEALTHY = {"status": "ok", "redis": "ok", "postgres": "ok", "dagmanager": "ok", "worldservice": "ok"}


def test_a_healthy_gateway_is_a_running_stack_on_every_target():
    for target in ("reference", "qmtl", "compose", "external"):
        assert status_problem(200, HEALTHY, target) is None


@pytest.mark.parametrize(
    "change, message",
    [
        ({"status": "degraded", "redis": "error"}, "components not ok: redis 'error' (overall 'degraded')"),
        ({"status": "degraded", "postgres": "error"}, "postgres 'error'"),
        ({"status": "degraded", "dagmanager": "error"}, "dagmanager 'error'"),
        ({"worldservice": None}, "worldservice None"),
        ({"status": "degraded"}, "overall status 'degraded' with every component ok"),
        ({"status": "starting"}, "overall status 'starting'"),
    ],
)
def test_a_status_200_that_is_not_all_ok_is_not_a_running_stack(change, message):
    assert message in status_problem(200, {**HEALTHY, **change}, "reference")


def test_an_absent_component_and_a_non_200_answer_are_named():
    body = dict(HEALTHY)
    del body["postgres"]
    assert "postgres '<absent>'" in status_problem(200, body, "reference")
    assert status_problem(503, {"status": "down"}, "reference") == "GET /status answered HTTP 503: {'status': 'down'}"
    assert "not a JSON object" in status_problem(200, "ok", "reference")


def test_qmtls_dagmanager_without_neo4j_is_excused_by_name_only():
    degraded = {**HEALTHY, "status": "degraded", "dagmanager": "error"}
    assert status_problem(200, degraded, "qmtl") is None
    assert tolerated_now(degraded, "qmtl") and "without Neo4j" in tolerated_now(degraded, "qmtl")[0]
    # Not any degradation: Redis down on the qmtl target is still a stack that does not run.
    assert "redis 'error'" in status_problem(200, {**degraded, "redis": "error"}, "qmtl")
    assert "overall status 'degraded'" in status_problem(200, {**HEALTHY, "status": "degraded"}, "qmtl")
    # And only on the qmtl target.
    assert "dagmanager 'error'" in status_problem(200, degraded, "reference")
