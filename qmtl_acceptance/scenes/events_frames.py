"""Reading the frames a subscriber received: which are activations, what they carry, what is wrong with them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from ..clients.events import EventStream, Frame

SOURCE = "qmtl.services.gateway"
# The activation fields a frame must carry exactly as WorldService holds them.
ACTIVATION_FIELDS = ("world_id", "strategy_id", "side", "active", "weight", "etag")
ENVELOPE = {"specversion": "1.0", "source": SOURCE, "datacontenttype": "application/json"}


def data_of(frame: Frame) -> dict[str, Any]:
    data = frame.payload.get("data") if isinstance(frame.payload, dict) else None
    return data if isinstance(data, dict) else {}


def activation_frames(stream: EventStream, world_id: str | None = None, strategy_id: str | None = None) -> list[Frame]:
    def wanted(frame: Frame) -> bool:
        data = data_of(frame)
        return (frame.type == "activation_updated" and bool(data)
                and (world_id is None or data.get("world_id") == world_id)
                and (strategy_id is None or data.get("strategy_id") == strategy_id))

    return stream.frames(wanted)


def carries(frame: Frame, record: dict[str, Any]) -> bool:
    data = data_of(frame)
    return all(data.get(k) == record.get(k) for k in ACTIVATION_FIELDS)


def frames_text(stream: EventStream) -> str:
    lines = []
    for frame in stream.frames():
        data = data_of(frame)
        brief = {k: data[k] for k in (*ACTIVATION_FIELDS, "tags", "interval", "match_mode") if k in data}
        lines.append(f"{frame.type}: {brief}" if brief else f"{frame.type or '?'}: {str(frame.payload)[:200]}")
    return "; ".join(lines) or "no frames"


def envelope_problems(frames: list[Frame]) -> list[str]:
    """What each frame lacks of the CloudEvents 1.0 envelope the contract names; ids must differ between frames."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    for index, frame in enumerate(frames):
        payload = frame.payload if isinstance(frame.payload, dict) else {}
        label = f"frame {index} ({frame.type or '?'})"
        if not payload:
            problems.append(f"{label} is not a JSON object: {str(frame.payload)[:120]!r}")
            continue
        if payload.get("specversion") != "1.0":
            problems.append(f"{label} is not a CloudEvents 1.0 event (specversion {payload.get('specversion')!r})")
        for name, value in ENVELOPE.items():
            if name != "specversion" and payload.get(name) != value:
                problems.append(f"{label}: {name} is {payload.get(name)!r}, expected {value!r}")
        for name in ("id", "type", "correlation_id"):
            if not isinstance(payload.get(name), str) or not payload.get(name):
                problems.append(f"{label}: {name} is {payload.get(name)!r}, expected a non-empty string")
        if not _is_time(payload.get("time")):
            problems.append(f"{label}: time {payload.get('time')!r} is not an ISO-8601 time with a zone")
        if not isinstance(payload.get("data"), dict):
            problems.append(f"{label}: data is {payload.get('data')!r}, expected a JSON object")
        event_id = payload.get("id")
        if isinstance(event_id, str) and event_id in seen:
            problems.append(f"{label} repeats the id {event_id!r} of frame {seen[event_id]}")
        elif isinstance(event_id, str):
            seen[event_id] = index
    return problems


def _is_time(text: Any) -> bool:
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return False
    return moment.utcoffset() is not None
