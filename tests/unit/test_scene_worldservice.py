"""The WorldService scene without behave: etag numbers, correlation ids, records read back, with a fake Gateway."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from qmtl_acceptance.clients.gateway import Answer
from qmtl_acceptance.errors import TargetFailure
from qmtl_acceptance.scenes.worldservice import WorldServiceScene, etag_number, header


def answer(status: int, body, correlation: str | None = "c1") -> Answer:
    headers = {"x-correlation-id": correlation} if correlation else {}
    return Answer(status, body, headers, 0.01)


class FakeGateway:
    """Answers activation PUTs with numbered etags, as the contract says; a fault can break the numbering."""

    def __init__(self, step: int = 1) -> None:
        self.step = step
        self.records: dict[tuple, dict] = {}
        self.calls = 0

    def put_activation(self, world_id, strategy_id, side, active, weight):
        self.calls += 1
        key = (world_id, strategy_id, side)
        n = int(self.records.get(key, {}).get("etag", "act:::: 0").rsplit(":", 1)[-1] or 0) + self.step
        self.records[key] = {"world_id": world_id, "strategy_id": strategy_id, "side": side, "active": active,
                             "weight": weight, "etag": f"act:{world_id}:{strategy_id}:{side}:{n}"}
        return answer(200, dict(self.records[key]), correlation=f"c{self.calls}")

    def activation(self, world_id, strategy_id, side):
        self.calls += 1
        record = self.records.get((world_id, strategy_id, side))
        return answer(200, dict(record), f"c{self.calls}") if record else answer(404, {"detail": "activation not found"}, f"c{self.calls}")


def scene(gateway: FakeGateway) -> WorldServiceScene:
    scenario = SimpleNamespace(ids=lambda role: f"id-{role.replace(' ', '-')}", observe=lambda name, text: None,
                               seconds=lambda s: s, add_cleanup=lambda fn: None)
    made = WorldServiceScene(SimpleNamespace(gateway=gateway), scenario, {"alpha": "wa", "beta": "wb"})
    return made


def test_an_etag_number_is_read_only_from_the_contracts_shape_for_that_world_strategy_and_side():
    assert etag_number("act:wa:s1:long:7", "wa", "s1", "long") == 7
    assert etag_number("act:wa:s1:short:7", "wa", "s1", "long") is None
    assert etag_number("act:wb:s1:long:7", "wa", "s1", "long") is None
    assert etag_number("act:wa:s1:long:", "wa", "s1", "long") is None
    assert etag_number(7, "wa", "s1", "long") is None


def test_headers_are_found_whatever_their_case():
    assert header(Answer(200, {}, {"X-Correlation-ID": "abc"}, 0.0), "x-correlation-id") == "abc"
    assert header(Answer(200, {}, {}, 0.0), "x-correlation-id") == ""


def test_three_changes_count_up_and_read_back_as_last_set():
    ws = scene(FakeGateway())
    for activity, weight in (("active", 1.0), ("inactive", 0.0), ("active", 0.5)):
        ws.set_activation("the strategy", "long", "alpha", activity, weight)
        ws.answered_record_as_set()
    ws.etags_count_up("the strategy", "long", "alpha")
    ws.reads_as_last_set("the strategy", "long", "alpha")
    ws.correlation_ids()


def test_etags_that_skip_a_number_fail():
    ws = scene(FakeGateway(step=2))
    ws.set_activation("the strategy", "long", "alpha", "active", 1.0)
    ws.set_activation("the strategy", "long", "alpha", "active", 0.5)
    with pytest.raises(TargetFailure, match="up by one"):
        ws.etags_count_up("the strategy", "long", "alpha")


def test_a_record_read_back_with_another_weight_fails():
    gateway = FakeGateway()
    ws = scene(gateway)
    ws.set_activation("the strategy", "short", "alpha", "active", 0.75)
    gateway.records[("wa", "id-activation-the-strategy", "short")]["weight"] = 1.0
    with pytest.raises(TargetFailure, match="reading the strategy's short side"):
        ws.reads_as_last_set("the strategy", "short", "alpha")


def test_answers_without_or_sharing_a_correlation_id_fail():
    ws = scene(FakeGateway())
    ws._relay("one", answer(200, {}, "same"))
    ws._relay("two", answer(404, {"detail": "world not found"}, "same"))
    with pytest.raises(TargetFailure, match="same correlation id"):
        ws.correlation_ids()
    ws._relay("three", answer(503, {"detail": "WorldService unavailable"}, None))
    with pytest.raises(TargetFailure, match="without X-Correlation-ID: \\['three'\\]"):
        ws.correlation_ids()


def test_an_error_body_must_match_exactly():
    ws = scene(FakeGateway())
    ws._relay("read", answer(404, {"detail": "world not found"}))
    ws.answered(404, "world not found")
    ws._relay("read", answer(404, {"detail": "Not Found"}))
    with pytest.raises(TargetFailure, match="world not found"):
        ws.answered(404, "world not found")
    ws._relay("read", answer(500, {"detail": "world not found"}))
    with pytest.raises(TargetFailure):
        ws.answered(404)


def test_json_booleans_are_not_numbers():
    from qmtl_acceptance.scenes.worldservice import differs

    assert differs(1, True) and differs(0, False) and differs("true", True)
    assert not differs(True, True) and not differs(1, 1.0) and not differs(0.25, 0.25)
