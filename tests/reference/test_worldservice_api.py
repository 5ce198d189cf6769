"""The reference WorldService over HTTP, as a real process on a real Redis."""
from __future__ import annotations

import asyncio
import json
import sys
import uuid
from pathlib import Path

import httpx
import pytest
import redis

from qmtl_acceptance.stack.processes import ManagedProcess, free_port
from qmtl_reference.worldservice.broker import ACTIVATION_STREAM, decode_event

READY_SECONDS = 20.0


def _worldservice(port: int, redis_url: str, log: Path, faults: str = "") -> ManagedProcess:
    return ManagedProcess(
        "worldservice",
        [sys.executable, "-m", "qmtl_reference.worldservice", "--host", "127.0.0.1", "--port", str(port), "--redis-url", redis_url],
        log,
        env={"QMTL_REFERENCE_FAULTS": faults, "PATH": "/usr/bin:/bin"},
    )


def _start(proc: ManagedProcess, url: str) -> ManagedProcess:
    proc.launch()
    proc.wait_ready(lambda: httpx.get(url + "/worlds", timeout=1).status_code == 200, READY_SECONDS)
    return proc


@pytest.fixture(scope="module")
def ws_proc(redis_url, tmp_path_factory):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _worldservice(port, redis_url, tmp_path_factory.mktemp("ws") / "worldservice.log")
    try:
        yield _start(proc, url), url, port
    finally:
        proc.stop()


@pytest.fixture
def ws(ws_proc):
    _, url, _ = ws_proc
    with httpx.Client(base_url=url, timeout=5) as client:
        yield client


@pytest.fixture
def rds(redis_url):
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    yield client
    client.close()


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def activation(strategy: str, side: str = "long", active: bool = True, weight: float = 1.0) -> dict:
    return {"strategy_id": strategy, "side": side, "active": active, "weight": weight}


def stream_events(rds: redis.Redis, world: str) -> list[dict]:
    events = [decode_event(fields) for _, fields in rds.xrange(ACTIVATION_STREAM)]
    return [e.data | {"_type": e.type} for e in events if e.data.get("world_id") == world]


# Worlds


def test_post_world_answers_the_world_object(ws):
    world = uid("w")
    answer = ws.post("/worlds", json={"id": world, "name": "Momentum"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert {k: body[k] for k in ("id", "name", "state", "allow_live")} == {
        "id": world, "name": "Momentum", "state": "ACTIVE", "allow_live": False,
    }


def test_re_post_upserts_and_keeps_creation_time(ws):
    world = uid("w")
    first = ws.post("/worlds", json={"id": world, "name": "one"}).json()
    second = ws.post("/worlds", json={"id": world, "name": "two"}).json()
    assert second["name"] == "two"
    assert second["created_at"] == first["created_at"]
    assert ws.get(f"/worlds/{world}").json()["name"] == "two"
    assert [w["id"] for w in ws.get("/worlds").json()].count(world) == 1


def test_get_world_and_list(ws):
    world = uid("w")
    ws.post("/worlds", json={"id": world, "name": "listed"})
    assert ws.get(f"/worlds/{world}").json()["name"] == "listed"
    listing = ws.get("/worlds")
    assert listing.status_code == 200
    assert world in [w["id"] for w in listing.json()]


def test_unknown_world_is_404_world_not_found(ws):
    answer = ws.get(f"/worlds/{uid('missing')}")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "world not found"}


def test_world_without_id_is_422(ws):
    assert ws.post("/worlds", json={"name": "nameless"}).status_code == 422
    assert ws.post("/worlds", json={"id": "", "name": "empty"}).status_code == 422


def test_delete_world(ws):
    world = uid("w")
    ws.post("/worlds", json={"id": world, "name": "gone"})
    assert ws.delete(f"/worlds/{world}").status_code == 204
    assert ws.get(f"/worlds/{world}").status_code == 404
    assert ws.delete(f"/worlds/{world}").json() == {"detail": "world not found"}


def test_worlds_live_in_redis(ws, rds):
    world = uid("w")
    ws.post("/worlds", json={"id": world, "name": "stored"})
    assert json.loads(rds.hget("ws:worlds", world))["name"] == "stored"


# Activation


def test_put_activation_etag_counts_per_strategy_side(ws):
    world, strategy = uid("w"), uid("s")
    etags = [ws.put(f"/worlds/{world}/activation", json=activation(strategy)).json()["etag"] for _ in range(3)]
    assert etags == [f"act:{world}:{strategy}:long:{n}" for n in (1, 2, 3)]
    short = ws.put(f"/worlds/{world}/activation", json=activation(strategy, side="short")).json()
    assert short["etag"] == f"act:{world}:{strategy}:short:1"


def test_put_activation_answers_the_record(ws):
    world, strategy = uid("w"), uid("s")
    answer = ws.put(f"/worlds/{world}/activation", json=activation(strategy, active=False, weight=0.25))
    assert answer.status_code == 200, answer.text
    record = answer.json()
    assert {k: record[k] for k in ("world_id", "strategy_id", "side", "active", "weight")} == {
        "world_id": world, "strategy_id": strategy, "side": "long", "active": False, "weight": 0.25,
    }
    assert record["ts"].endswith("Z")
    assert answer.headers["ETag"] == record["etag"]


def test_get_activation_returns_the_latest_record(ws):
    world, strategy = uid("w"), uid("s")
    ws.put(f"/worlds/{world}/activation", json=activation(strategy, weight=0.5))
    latest = ws.put(f"/worlds/{world}/activation", json=activation(strategy, weight=0.75)).json()
    answer = ws.get(f"/worlds/{world}/activation", params={"strategy_id": strategy, "side": "long"})
    assert answer.status_code == 200
    assert answer.json() == latest
    assert answer.headers["ETag"] == latest["etag"]


def test_get_activation_unknown_is_404(ws):
    world, strategy = uid("w"), uid("s")
    ws.put(f"/worlds/{world}/activation", json=activation(strategy, side="long"))
    answer = ws.get(f"/worlds/{world}/activation", params={"strategy_id": strategy, "side": "short"})
    assert answer.status_code == 404
    assert answer.json() == {"detail": "activation not found"}


@pytest.mark.parametrize("body", [
    {"side": "long", "active": True},
    {"strategy_id": "s", "side": "sideways", "active": True},
    {"strategy_id": "s", "side": "long"},
    {"strategy_id": "s", "side": "long", "active": True, "weight": -1},
])
def test_bad_activation_is_422(ws, body):
    assert ws.put(f"/worlds/{uid('w')}/activation", json=body).status_code == 422


def test_get_activation_without_query_is_422(ws):
    assert ws.get(f"/worlds/{uid('w')}/activation").status_code == 422
    assert ws.get(f"/worlds/{uid('w')}/activation", params={"strategy_id": "s", "side": "up"}).status_code == 422


def test_ids_with_separators_stay_apart(ws):
    world = uid("w:x")
    a = ws.put(f"/worlds/{world}/activation", json=activation("s:long")).json()
    b = ws.put(f"/worlds/{world}/activation", json=activation("s", side="long")).json()
    assert a["etag"].endswith(":1") and b["etag"].endswith(":1")
    assert ws.get(f"/worlds/{world}/activation", params={"strategy_id": "s:long", "side": "long"}).json()["strategy_id"] == "s:long"


# Event broker


def test_every_activation_change_is_published(ws, rds):
    world, strategy = uid("w"), uid("s")
    records = [ws.put(f"/worlds/{world}/activation", json=activation(strategy, weight=w)).json() for w in (0.1, 0.2)]
    events = stream_events(rds, world)
    assert [e.pop("_type") for e in events] == ["activation_updated", "activation_updated"]
    assert events == records


def test_concurrent_changes_keep_etags_and_event_order_consistent(ws_proc, rds):
    _, url, _ = ws_proc
    world, strategy = uid("w"), uid("s")

    async def burst() -> list[dict]:
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            answers = await asyncio.gather(*[
                client.put(f"/worlds/{world}/activation", json=activation(strategy, weight=i / 100)) for i in range(20)
            ])
        return [a.json() for a in answers]

    records = asyncio.run(burst())
    numbers = sorted(int(r["etag"].rsplit(":", 1)[1]) for r in records)
    assert numbers == list(range(1, 21))
    published = [int(e["etag"].rsplit(":", 1)[1]) for e in stream_events(rds, world)]
    assert published == list(range(1, 21))
    stored = httpx.get(f"{url}/worlds/{world}/activation", params={"strategy_id": strategy, "side": "long"}).json()
    assert stored["etag"].endswith(":20")


def test_state_survives_a_restart(ws, redis_url, tmp_path):
    world, strategy = uid("w"), uid("s")
    ws.post("/worlds", json={"id": world, "name": "durable"})
    record = ws.put(f"/worlds/{world}/activation", json=activation(strategy)).json()
    ws.post(f"/worlds/{world}/bindings", json={"strategies": [strategy]})
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    other = _start(_worldservice(port, redis_url, tmp_path / "ws2.log"), url)
    try:
        assert httpx.get(f"{url}/worlds/{world}").json()["name"] == "durable"
        assert httpx.get(f"{url}/worlds/{world}/activation", params={"strategy_id": strategy, "side": "long"}).json() == record
        assert httpx.get(f"{url}/worlds/{world}/bindings").json() == {"strategies": [strategy]}
        again = httpx.put(f"{url}/worlds/{world}/activation", json=activation(strategy)).json()
        assert again["etag"] == f"act:{world}:{strategy}:long:2"
    finally:
        other.stop()


def test_fault_skip_activation_publish_stores_but_publishes_nothing(redis_url, rds, tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    faulty = _start(_worldservice(port, redis_url, tmp_path / "ws.log", faults="skip_activation_publish"), url)
    try:
        world, strategy = uid("w"), uid("s")
        record = httpx.put(f"{url}/worlds/{world}/activation", json=activation(strategy)).json()
        assert record["etag"] == f"act:{world}:{strategy}:long:1"
        assert stream_events(rds, world) == []
    finally:
        faulty.stop()


# Bindings and decisions


def test_bindings_accumulate_in_order_without_duplicates(ws):
    world = uid("w")
    assert ws.get(f"/worlds/{world}/bindings").json() == {"strategies": []}
    assert ws.post(f"/worlds/{world}/bindings", json={"strategies": ["b", "a"]}).json() == {"strategies": ["b", "a"]}
    assert ws.post(f"/worlds/{world}/bindings", json={"strategies": ["a", " c ", "c"]}).json() == {"strategies": ["b", "a", "c"]}
    assert ws.get(f"/worlds/{world}/bindings").json() == {"strategies": ["b", "a", "c"]}


def test_bad_bindings_are_422(ws):
    world = uid("w")
    assert ws.post(f"/worlds/{world}/bindings", json={"strategies": ["ok", "  "]}).status_code == 422
    assert ws.post(f"/worlds/{world}/bindings", json={}).status_code == 422
    assert ws.get(f"/worlds/{world}/bindings").json() == {"strategies": []}


def test_decide_answers_a_decision_envelope(ws):
    world = uid("w")
    answer = ws.get(f"/worlds/{world}/decide")
    assert answer.status_code == 200
    body = answer.json()
    assert body["world_id"] == world
    assert body["effective_mode"] == "validate"
    assert body["execution_domain"] == "backtest"
    assert body["ttl"] == "300s"
    assert body["etag"].startswith(f"w:{world}:v")


# Process behaviour


def test_storage_down_is_503_not_a_traceback(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    proc = _worldservice(port, dead_redis, tmp_path / "ws.log")
    proc.launch()
    try:
        proc.wait_ready(lambda: httpx.get(url + "/worlds", timeout=1).status_code == 503, READY_SECONDS)
        answer = httpx.get(url + "/worlds")
        assert answer.json() == {"detail": "WorldService storage unavailable"}
    finally:
        proc.stop()


def test_unknown_fault_stops_the_service_with_one_line(redis_url):
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "qmtl_reference.worldservice", "--port", str(free_port()), "--redis-url", redis_url],
        env={"QMTL_REFERENCE_FAULTS": "no_such_fault", "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no_such_fault" in lines[0], result.stderr


def test_bad_redis_url_is_refused_with_usage(tmp_path):
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "qmtl_reference.worldservice", "--redis-url", "http://nope"],
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 2
    assert "is not a redis:// URL" in result.stderr
    assert "Traceback" not in result.stderr
