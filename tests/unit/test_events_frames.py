"""The Gateway's CloudEvents frames against the schemas it publishes, checked as the suite checks them."""
from __future__ import annotations

import pytest
from jsonschema.validators import validator_for

from qmtl_acceptance.event_schema import frame_problem
from qmtl_reference.gateway.events_frames import SCHEMAS, activation_data, cloud_event, queue_data

RECORD = {
    "world_id": "w", "strategy_id": "s", "side": "long", "active": True, "weight": 0.5, "freeze": False,
    "drain": False, "effective_mode": None, "run_id": None, "ts": "2026-01-01T00:00:00.000Z", "etag": "act:w:s:long:1",
}


def test_published_schemas_cover_the_contracts_event_types():
    assert set(SCHEMAS) == {"activation_updated", "policy_updated", "queue_update", "sentinel_weight", "tagquery.upsert"}
    for schema in SCHEMAS.values():
        validator_for(schema).check_schema(schema)


@pytest.mark.parametrize("frame", [
    cloud_event("activation_updated", activation_data(RECORD)),
    cloud_event("queue_update", queue_data(["a", "b"], 60, "any", [{"queue": "q1", "global": False}])),
])
def test_frames_the_gateway_builds_validate(frame):
    assert frame["specversion"] == "1.0" and frame["source"] == "qmtl.services.gateway"
    assert frame_problem(frame, SCHEMAS) is None


@pytest.mark.parametrize("change, says", [
    (lambda f: f.pop("specversion"), "'specversion' is a required property"),
    (lambda f: f["data"].update(side="sideways"), "data/side"),
    (lambda f: f["data"].pop("etag"), "'etag' is a required property"),
    (lambda f: f.update(type="mystery"), "no schema"),
])
def test_a_broken_frame_is_named_with_what_is_wrong(change, says):
    frame = cloud_event("activation_updated", activation_data(RECORD))
    change(frame)
    problem = frame_problem(frame, SCHEMAS)
    assert problem is not None and says in problem, problem
