"""Decoding the broker's stream entries: anything but {type, data} is refused by name."""
from __future__ import annotations

import json

import pytest

from qmtl_reference.worldservice.broker import BrokerEvent, MalformedBrokerEvent, decode_event


def test_decodes_an_activation_entry():
    data = {"world_id": "w", "strategy_id": "s", "side": "long", "active": True, "weight": 1.0, "etag": "act:w:s:long:1"}
    entry = {"event": json.dumps({"type": "activation_updated", "data": data})}
    assert decode_event(entry) == BrokerEvent(type="activation_updated", data=data)


@pytest.mark.parametrize("fields, reason", [
    ({}, "no 'event' field"),
    ({"event": "{not json"}, "not JSON"),
    ({"event": json.dumps(["activation_updated"])}, "not {type, data}"),
    ({"event": json.dumps({"type": "activation_updated"})}, "not {type, data}"),
    ({"event": json.dumps({"type": 3, "data": {}})}, "not {type, data}"),
])
def test_refuses_malformed_entries(fields, reason):
    with pytest.raises(MalformedBrokerEvent, match=reason.replace("{", r"\{").replace("}", r"\}")):
        decode_event(fields)
