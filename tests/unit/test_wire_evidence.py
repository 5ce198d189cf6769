"""WebSocket and gRPC evidence: bounded, redacted, and never in the way of the call it describes; request log lines."""
from __future__ import annotations

import logging

from fastapi import FastAPI
from fastapi.testclient import TestClient

from qmtl_acceptance.clients import wire_log
from qmtl_reference.common.http_guard import HttpGuard
from qmtl_wire import dagmanager_pb2 as pb

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl"


def test_frames_and_grpc_messages_are_recorded_redacted_and_bounded():
    records: list[wire_log.WireRecord] = []
    wire_log.emit(records.append, "websocket", "sent", "/ws/evt", {"type": "refresh", "token": JWT})
    wire_log.emit(records.append, "grpc", "received", "DiffService.Diff", pb.ChunkAck(sentinel_id="s-1", chunk_id=3))
    wire_log.emit(records.append, "websocket", "received", "/ws/evt", "x" * 5000)
    text = wire_log.records_text(records)
    assert JWT not in text and "refresh" in text
    assert '← DiffService.Diff  {"sentinel_id": "s-1", "chunk_id": 3}' in text
    assert "(3000 more characters)" in text and len(records[2].text) < 2100


def test_a_recorder_that_fails_does_not_break_the_call():
    def broken(_):
        raise RuntimeError("full")

    wire_log.emit(broken, "grpc", "sent", "HealthCheck.Status", pb.StatusRequest())
    wire_log.emit(None, "grpc", "sent", "HealthCheck.Status", pb.StatusRequest())


def test_only_the_first_step_limit_messages_are_shown():
    records = [wire_log.WireRecord("websocket", "received", "/ws/evt", str(i)) for i in range(wire_log.STEP_LIMIT + 5)]
    assert wire_log.records_text(records).endswith("… 5 more message(s)")


def test_each_request_is_logged_with_method_path_status_duration_and_correlation_id(caplog):
    app = FastAPI()

    @app.get("/worlds/{world}")
    def world(world: str):
        if world == "missing":
            from fastapi import HTTPException

            raise HTTPException(404, "no such world")
        return {"id": world}

    guarded = HttpGuard(app, service="test", max_body_bytes=100, unavailable=lambda exc: None)
    with caplog.at_level(logging.INFO, logger="qmtl_reference.access"), TestClient(guarded) as client:
        client.get("/worlds/alpha", headers={"X-Correlation-ID": "c-42"})
        client.get("/worlds/missing")
    lines = [r.getMessage() for r in caplog.records if r.name == "qmtl_reference.access"]
    assert len(lines) == 2
    assert lines[0].startswith("GET /worlds/alpha 200 ") and lines[0].endswith(" ms correlation=c-42")
    assert lines[1].startswith("GET /worlds/missing 404 ") and lines[1].endswith("correlation=-")


def test_store_reads_are_recorded_with_what_they_read_and_a_failed_read_names_its_error(monkeypatch):
    import redis

    from qmtl_acceptance.clients.stores import GatewayRedis
    from qmtl_acceptance.errors import StackError

    records: list[wire_log.WireRecord] = []
    monkeypatch.setattr(GatewayRedis, "on_record", records.append)
    store = GatewayRedis("redis://127.0.0.1:1/0")

    def hgetall(key):
        return {"state": "completed", "dag": "{}"}

    def get(key):
        raise redis.ConnectionError("refused")

    assert store._do("the strategy hash", hgetall, "strategy:s-1") == {"state": "completed", "dag": "{}"}
    try:
        store._do("a DAG-hash key", get, "dag_hash:abc")
    except StackError as exc:
        assert "refused" in str(exc)
    else:
        raise AssertionError("a failed read must raise")
    text = wire_log.records_text(records)
    assert [r.kind for r in records] == ["redis"] * 4
    assert '← HGETALL strategy:s-1  {"dag": "{}", "state": "completed"}' in text
    assert "← GET dag_hash:abc  error: refused" in text
