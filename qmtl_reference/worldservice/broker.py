"""The event broker between WorldService and the Gateway: one Redis stream.

A stream rather than pub/sub so a Gateway whose broker connection blips
resumes from the last entry it read instead of silently missing events.
Each entry has one field, ``event``: JSON ``{"type": <event type>, "data":
<payload>}``. For ``activation_updated`` the payload is the activation
record exactly as ``PUT /worlds/{id}/activation`` answered it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

ACTIVATION_STREAM = "controlbus:activation"
EVENT_FIELD = "event"
# Bounded so a long-lived Redis does not grow without limit; approximate
# trimming keeps XADD O(1).
STREAM_MAXLEN = 10_000


@dataclass(frozen=True)
class BrokerEvent:
    type: str
    data: dict[str, Any]


class MalformedBrokerEvent(ValueError):
    pass


def decode_event(fields: dict[str, str]) -> BrokerEvent:
    """One stream entry's fields → event; raises MalformedBrokerEvent on anything else."""
    raw = fields.get(EVENT_FIELD)
    if raw is None:
        raise MalformedBrokerEvent(f"stream entry has no {EVENT_FIELD!r} field")
    try:
        body = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise MalformedBrokerEvent(f"stream entry is not JSON: {exc}") from None
    if not isinstance(body, dict) or not isinstance(body.get("type"), str) or not isinstance(body.get("data"), dict):
        raise MalformedBrokerEvent("stream entry is not {type, data}")
    return BrokerEvent(type=body["type"], data=body["data"])
