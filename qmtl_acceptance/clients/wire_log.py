"""WebSocket frames and gRPC messages as evidence: what went over the wire, redacted and size-bounded."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

from google.protobuf import json_format
from google.protobuf.message import Message

from ..redaction import redact

RECORD_LIMIT = 2000
# Messages kept per step; a stream that floods would otherwise swamp the report.
STEP_LIMIT = 200


@dataclass(frozen=True)
class WireRecord:
    kind: str  # "websocket", "grpc", "redis" or "postgres"
    direction: str  # "sent" or "received"
    what: str  # the URL, the RPC method, the Redis command or what a query reads
    text: str


Recorder = Callable[[WireRecord], None]


def payload_text(payload: Any) -> str:
    if isinstance(payload, Message):
        text = json_format.MessageToJson(payload, indent=None, preserving_proto_field_name=True)
    elif isinstance(payload, str):
        text = payload
    else:
        try:
            text = json.dumps(payload, sort_keys=True, default=str)
        except (TypeError, ValueError):
            text = repr(payload)
    return text if len(text) <= RECORD_LIMIT else text[:RECORD_LIMIT] + f"… ({len(text) - RECORD_LIMIT} more characters)"


def emit(recorder: Recorder | None, kind: str, direction: str, what: str, payload: Any) -> None:
    if recorder is None:
        return
    try:
        recorder(WireRecord(kind, direction, what, payload_text(payload)))
    except Exception:
        return  # evidence is best effort; it never breaks the call it describes


def records_text(records: list[WireRecord]) -> str:
    shown = records[:STEP_LIMIT]
    lines = [f"{'→' if r.direction == 'sent' else '←'} {r.what}  {r.text}" for r in shown]
    if len(records) > STEP_LIMIT:
        lines.append(f"… {len(records) - STEP_LIMIT} more message(s)")
    return redact("\n".join(lines))
