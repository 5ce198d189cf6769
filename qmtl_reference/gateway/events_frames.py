"""CloudEvents 1.0 frames the Gateway sends on /ws/evt, and their JSON Schemas.

`GET /events/schema` serves `SCHEMAS`; every frame `cloud_event` builds is
meant to validate against the schema of its type (tests hold it to that).
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from .. import faults

SOURCE = "qmtl.services.gateway"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def cloud_event(event_type: str, data: dict[str, Any], correlation_id: str | None = None) -> dict[str, Any]:
    frame = {
        "specversion": "1.0",
        "id": uuid.uuid4().hex,
        "source": SOURCE,
        "type": event_type,
        "time": _now(),
        "datacontenttype": "application/json",
        "data": data,
        "correlation_id": correlation_id or uuid.uuid4().hex,
    }
    if faults.is_active("frames_without_specversion"):
        del frame["specversion"]
    return frame


def activation_data(record: dict[str, Any]) -> dict[str, Any]:
    """A WorldService activation record as `activation_updated` data."""
    return {"version": 1, **record}


def queue_data(tags: list[str], interval: int, match_mode: str, queues: list[dict[str, Any]]) -> dict[str, Any]:
    return {"tags": tags, "interval": interval, "queues": queues, "match_mode": match_mode, "version": 1}


_NULLABLE_STRING = {"type": ["string", "null"]}
_NULLABLE_BOOL = {"type": ["boolean", "null"]}


def _envelope(event_type: str, data_schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": DRAFT,
        "title": f"CloudEvent {event_type}",
        "type": "object",
        "required": ["specversion", "id", "source", "type", "time", "datacontenttype", "data"],
        "properties": {
            "specversion": {"const": "1.0"},
            "id": {"type": "string", "minLength": 1},
            "source": {"type": "string", "minLength": 1},
            "type": {"const": event_type},
            "time": {"type": "string", "format": "date-time"},
            "datacontenttype": {"const": "application/json"},
            "data": data_schema,
            "correlation_id": _NULLABLE_STRING,
            "seq_no": {"type": ["integer", "null"]},
        },
    }


SCHEMAS: dict[str, dict[str, Any]] = {
    "activation_updated": _envelope("activation_updated", {
        "type": "object",
        "required": ["version", "world_id", "strategy_id", "side", "active", "weight", "etag", "ts"],
        "properties": {
            "version": {"type": "integer"},
            "world_id": {"type": "string", "minLength": 1},
            "strategy_id": {"type": "string", "minLength": 1},
            "side": {"enum": ["long", "short"]},
            "active": {"type": "boolean"},
            "weight": {"type": "number", "minimum": 0},
            "freeze": _NULLABLE_BOOL,
            "drain": _NULLABLE_BOOL,
            "effective_mode": {"enum": ["validate", "compute-only", "paper", "live", "shadow", None]},
            "run_id": _NULLABLE_STRING,
            "etag": {"type": "string", "pattern": "^act:"},
            "ts": {"type": "string", "format": "date-time"},
        },
    }),
    "queue_update": _envelope("queue_update", {
        "type": "object",
        "required": ["tags", "interval", "queues", "match_mode", "version"],
        "properties": {
            "tags": {"type": "array", "items": {"type": "string"}},
            "interval": {"type": "integer", "minimum": 1},
            "queues": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["queue", "global"],
                    "properties": {"queue": {"type": "string"}, "global": {"type": "boolean"}},
                },
            },
            "match_mode": {"enum": ["any", "all"]},
            "version": {"type": "integer"},
        },
    }),
    "policy_updated": _envelope("policy_updated", {
        "type": "object",
        "required": ["world_id", "version"],
        "properties": {"world_id": {"type": "string"}, "policy_version": {"type": "integer"}, "version": {"type": "integer"}},
    }),
    "sentinel_weight": _envelope("sentinel_weight", {
        "type": "object",
        "required": ["sentinel_id", "weight"],
        "properties": {"sentinel_id": {"type": "string"}, "weight": {"type": "number"}, "world_id": _NULLABLE_STRING},
    }),
    "tagquery.upsert": _envelope("tagquery.upsert", {
        "type": "object",
        "required": ["tags", "interval", "queues"],
        "properties": {
            "tags": {"type": "array", "items": {"type": "string"}},
            "interval": {"type": "integer"},
            "queues": {"type": "array"},
        },
    }),
}
