"""Checks an event-stream frame against the JSON Schema the Gateway publishes for its type."""
from __future__ import annotations

from typing import Any

from jsonschema import FormatChecker
from jsonschema.exceptions import SchemaError
from jsonschema.validators import validator_for


def frame_problem(payload: Any, schemas: dict[str, Any]) -> str | None:
    """None when the frame validates; otherwise one line naming the frame and what is wrong."""
    if not isinstance(payload, dict):
        return f"a frame is not a JSON object: {str(payload)[:120]!r}"
    kind = payload.get("type")
    schema = schemas.get(kind) if isinstance(kind, str) else None
    if schema is None:
        return f"frame {payload.get('id')!r} has type {kind!r}, for which the Gateway publishes no schema (it has: {sorted(schemas)})"
    cls = validator_for(schema)
    try:
        cls.check_schema(schema)
    except SchemaError as exc:
        return f"the published schema for {kind!r} is itself invalid: {exc.message}"
    errors = sorted(cls(schema, format_checker=FormatChecker()).iter_errors(payload), key=lambda e: list(e.absolute_path))
    if not errors:
        return None
    details = "; ".join(f"{'/'.join(str(p) for p in e.absolute_path) or '(frame)'}: {e.message}" for e in errors[:5])
    return f"{kind} frame {payload.get('id')!r} does not match its schema: {details}"
