"""The reference stack answers bad input and broken dependencies with a clear 4xx or 503, never a 500.

Each refusal is followed by the same submission done right: it must be
accepted (202), which proves the refused one left nothing behind (no stale
dedupe claim, no half-written record).
"""
from __future__ import annotations

import base64
import json
import re
import socket
import tempfile
import uuid
from urllib.parse import quote

import grpc
import psycopg
import pytest
import redis

from qmtl_acceptance.clients.gateway import GatewayClient
from qmtl_acceptance.config import load_config
from qmtl_acceptance.dag import DagBuilder, two_node_strategy
from qmtl_acceptance.eventually import eventually
from qmtl_acceptance.stack import provider_for
from qmtl_acceptance.stack.stores import redis_ready
from qmtl_wire import dagmanager_pb2 as pb
from qmtl_wire import dagmanager_pb2_grpc as pb_grpc

MAX_WORLDS = 100
MAX_NODES = 1000
MAX_DAG_BYTES = 1024 * 1024
MAX_BODY_BYTES = 2 * 1024 * 1024


@pytest.fixture(scope="module")
def stack():
    with tempfile.TemporaryDirectory(prefix="robustness-") as reports:
        provider = provider_for(load_config({"reports_dir": reports}))
        try:
            endpoints = provider.start()
            gateway = GatewayClient(endpoints.gateway_url, timeout=30)
            yield provider, endpoints, gateway, reports
            gateway.close()
        finally:
            provider.stop()


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def submit(gateway: GatewayClient, dag, worlds, **kwargs):
    return gateway.submit_strategy(dag.as_json(), worlds, dag.crc32, **kwargs)


def code_of(answer) -> str | None:
    detail = answer.body.get("detail") if isinstance(answer.body, dict) else None
    return detail.get("code") if isinstance(detail, dict) else None


def assert_accepted(gateway, dag, worlds, **kwargs) -> str:
    answer = submit(gateway, dag, worlds, **kwargs)
    assert answer.status == 202, answer.describe()
    return answer.body["strategy_id"]


def completed(gateway, strategy_id):
    def probe():
        answer = gateway.strategy_status(strategy_id)
        assert answer.body == {"status": "completed"}, answer.describe()

    return probe


def raw_body(gateway: GatewayClient, body: bytes, path: str = "/strategies"):
    return gateway.request("POST", path, content=body, headers={"content-type": "application/json"})


# -- every field missing, of the wrong type --------------------------------------------------------

def _good_body(dag, world: str) -> dict:
    return {
        "dag_json": base64.b64encode(json.dumps(dag.as_json()).encode()).decode(),
        "node_ids_crc32": dag.crc32,
        "world_ids": [world],
        "meta": {"execution_domain": "dryrun"},
    }


@pytest.mark.parametrize(
    "field, status, code",
    [("dag_json", 400, "E_DAG_JSON_INVALID"), ("node_ids_crc32", 422, "E_CHECKSUM_REQUIRED"), ("world_ids", 422, "E_WORLD_IDS_REQUIRED")],
)
def test_each_missing_field_is_named_and_nothing_is_kept(stack, field, status, code):
    _, _, gateway, _ = stack
    dag, world = two_node_strategy(uid("missing")), uid("w")
    body = _good_body(dag, world)
    del body[field]
    answer = gateway.request("POST", "/strategies", json=body)
    assert (answer.status, code_of(answer)) == (status, code), answer.describe()
    assert_accepted(gateway, dag, [world])


@pytest.mark.parametrize(
    "field, value, status, code",
    [
        ("dag_json", 5, 400, "E_DAG_JSON_INVALID"),
        ("dag_json", {"nodes": []}, 400, "E_DAG_JSON_INVALID"),
        ("dag_json", "ÿ not base64 or JSON", 400, "E_DAG_JSON_INVALID"),
        ("node_ids_crc32", "123", 422, "E_CHECKSUM_REQUIRED"),
        ("node_ids_crc32", True, 422, "E_CHECKSUM_REQUIRED"),
        ("node_ids_crc32", 1.5, 422, "E_CHECKSUM_REQUIRED"),
        ("world_ids", "w", 422, "E_WORLD_IDS_REQUIRED"),
        ("world_ids", [1], 422, "E_WORLD_IDS_REQUIRED"),
        ("world_ids", [None], 422, "E_WORLD_IDS_REQUIRED"),
        ("meta", ["a"], 422, "E_META_INVALID"),
        ("meta", "x", 422, "E_META_INVALID"),
    ],
)
def test_each_wrong_type_is_refused_with_its_code(stack, field, value, status, code):
    _, _, gateway, _ = stack
    dag, world = two_node_strategy(uid("types")), uid("w")
    body = {**_good_body(dag, world), field: value}
    answer = gateway.request("POST", "/strategies", json=body)
    assert (answer.status, code_of(answer)) == (status, code), answer.describe()
    assert_accepted(gateway, dag, [world])


@pytest.mark.parametrize("body, code", [(b"not json", "E_BODY_INVALID"), (b"[1]", "E_BODY_INVALID"), (b"[" * 5000, "E_BODY_INVALID")])
def test_a_body_that_is_no_json_object_is_refused(stack, body, code):
    _, _, gateway, _ = stack
    answer = raw_body(gateway, body)
    assert answer.status in (400, 422) and code_of(answer) == code, answer.describe()


def test_an_unpaired_surrogate_is_refused_not_stored(stack):
    _, _, gateway, _ = stack
    dag, world = two_node_strategy(uid("surrogate")), uid("w")
    body = json.dumps({**_good_body(dag, world), "meta": {"note": "x"}}).replace('"x"', '"\\ud800"')
    answer = raw_body(gateway, body.encode())
    assert (answer.status, code_of(answer)) == (400, "E_BODY_INVALID"), answer.describe()
    assert_accepted(gateway, dag, [world])


# -- ids: control characters, NUL, newlines, length, non-ASCII -------------------------------------

@pytest.mark.parametrize(
    "bad",
    ["w\x01x", "w\x00x", "w\n", "w\r\nx", "w x", "wé", "w😀", "-leading-dash", "w/x", "w" * 129, "w" * 100_000],
)
def test_a_bad_world_id_is_refused_before_anything_is_written(stack, bad):
    _, endpoints, gateway, _ = stack
    dag, world = two_node_strategy(uid("ids")), uid("w")
    answer = submit(gateway, dag, [world, bad])
    assert (answer.status, code_of(answer)) == (422, "E_WORLD_ID_INVALID"), answer.describe()
    assert len(json.dumps(answer.body)) < 600, "the refusal must not echo a huge id"
    strategy_id = assert_accepted(gateway, dag, [world])
    with psycopg.connect(endpoints.postgres_dsn) as conn:
        worlds = [r[0] for r in conn.execute("SELECT world_id FROM world_strategy_bindings WHERE strategy_id = %s", (strategy_id,))]
    assert worlds == [world]


def test_world_ids_at_the_length_limit_are_accepted(stack):
    _, _, gateway, _ = stack
    longest = ("w" + uuid.uuid4().hex).ljust(128, "x")
    assert len(longest) == 128
    strategy_id = assert_accepted(gateway, two_node_strategy(uid("long")), [longest])
    eventually(completed(gateway, strategy_id), within=20, what=f"strategy {strategy_id} reaches completed")


def test_a_nul_in_meta_is_refused_and_the_retry_without_it_accepted(stack):
    _, _, gateway, _ = stack
    dag, world = two_node_strategy(uid("nul")), uid("w")
    answer = submit(gateway, dag, [world], meta={"execution_domain": "dryrun", "note": "a\x00b"})
    assert (answer.status, code_of(answer)) == (422, "E_META_INVALID"), answer.describe()
    assert_accepted(gateway, dag, [world], meta={"execution_domain": "dryrun", "note": "ab"})


# -- limits: worlds, DAG nodes and bytes, the body --------------------------------------------------

def test_world_count_limit_both_sides(stack):
    _, _, gateway, _ = stack
    dag = two_node_strategy(uid("many"))
    too_many = [uid("w") for _ in range(MAX_WORLDS + 1)]
    answer = submit(gateway, dag, too_many)
    assert (answer.status, code_of(answer)) == (422, "E_TOO_MANY_WORLDS"), answer.describe()
    assert answer.body["detail"]["limit"] == MAX_WORLDS
    strategy_id = assert_accepted(gateway, dag, too_many[:MAX_WORLDS])
    eventually(completed(gateway, strategy_id), within=60, what=f"strategy {strategy_id} reaches completed")


def _wide_dag(label: str, nodes: int):
    builder = DagBuilder(label)
    for index in range(nodes):
        builder.stream_input(f"s{index}")
    return builder.build()


def test_dag_node_limit_both_sides(stack):
    _, _, gateway, _ = stack
    world = uid("w")
    answer = submit(gateway, _wide_dag(uid("nodes"), MAX_NODES + 1), [world])
    assert (answer.status, code_of(answer)) == (413, "E_DAG_TOO_LARGE"), answer.describe()
    assert answer.body["detail"]["limit"] == MAX_NODES
    assert_accepted(gateway, _wide_dag(uid("nodes"), MAX_NODES), [world])


def test_a_dag_over_its_byte_limit_is_413(stack):
    _, _, gateway, _ = stack
    dag = two_node_strategy(uid("bytes"))
    text = json.dumps({**dag.as_json(), "padding": "x" * MAX_DAG_BYTES})
    answer = gateway.submit_strategy(None, [uid("w")], dag.crc32, raw_dag_json=text)
    assert (answer.status, code_of(answer)) == (413, "E_DAG_TOO_LARGE"), answer.describe()


def test_an_oversized_body_is_413_from_its_length_alone(stack):
    _, endpoints, _, _ = stack
    host, port = endpoints.gateway_url.removeprefix("http://").split(":")
    # Announce a body far over the limit and send none of it: the answer must come anyway.
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            f"POST /strategies HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {50 * MAX_BODY_BYTES}\r\n\r\n".encode()
        )
        # Headers and body may come in separate segments: read until the answer's own length is in.
        raw = b""
        while b"\r\n\r\n" not in raw or len(raw.split(b"\r\n\r\n", 1)[1]) < _content_length(raw):
            chunk = sock.recv(4096)
            if not chunk:
                break
            raw += chunk
        reply = raw.decode(errors="replace")
    assert reply.startswith("HTTP/1.1 413"), reply
    assert f"exceeds {MAX_BODY_BYTES} bytes" in reply


def _content_length(raw: bytes) -> int:
    found = re.search(rb"(?im)^content-length:\s*(\d+)", raw.split(b"\r\n\r\n", 1)[0])
    return int(found.group(1)) if found else 0


def test_an_oversized_chunked_body_is_413(stack):
    _, _, gateway, _ = stack

    def chunks():
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b" " * 65536

    answer = gateway.request("POST", "/strategies", content=chunks(), headers={"content-type": "application/json"})
    assert answer.status == 413, answer.describe()


def test_a_malformed_node_is_refused_by_the_gateway(stack):
    _, _, gateway, _ = stack
    dag = two_node_strategy(uid("node"))
    broken = dag.copy()
    broken.nodes[0]["interval"] = "not a number"
    answer = submit(gateway, broken, [uid("w")])
    assert (answer.status, code_of(answer)) == (400, "E_SCHEMA_INVALID"), answer.describe()
    huge = dag.copy()
    huge.nodes[0]["interval"] = 2**70
    answer = submit(gateway, huge, [uid("w")])
    assert (answer.status, code_of(answer)) == (400, "E_SCHEMA_INVALID"), answer.describe()


# -- the /worlds proxy: no escape, no internal address ------------------------------------------------

@pytest.mark.parametrize(
    "path",
    ["/worlds/..%2Fopenapi.json", "/worlds/%2e%2e/openapi.json", "/worlds/x%2F..%2F..%2Fopenapi.json", "/worlds/a%00b",
     "/worlds/a%09b", "/worlds/a%5C..", "/worlds/", "/worlds//x", "/worlds/%ff", "/worlds/a/%2e/b"],
)
def test_the_worlds_proxy_cannot_be_escaped(stack, path):
    _, endpoints, gateway, _ = stack
    answer = gateway.request("GET", path)
    assert answer.status == 400, answer.describe()
    assert answer.body["detail"].startswith("bad /worlds path"), answer.describe()
    assert endpoints.worldservice_url.split("//")[1] not in json.dumps(answer.body) + json.dumps(answer.headers)


def test_a_newline_in_a_worlds_path_matches_no_route(stack):
    # Starlette's path converter stops at a newline, so the request never reaches the proxy.
    _, _, gateway, _ = stack
    answer = gateway.request("GET", "/worlds/a%0Ab")
    assert (answer.status, answer.body) == (404, {"detail": "Not Found"}), answer.describe()


def test_no_redirect_carries_worldservice_address(stack):
    _, endpoints, gateway, _ = stack
    import httpx

    direct = httpx.get(endpoints.worldservice_url + "/worlds/", follow_redirects=False)
    assert direct.status_code == 404 and "location" not in direct.headers
    proxied = gateway.request("GET", "/worlds/abc/")
    assert proxied.status == 400 and "location" not in {k.lower() for k in proxied.headers}


# -- WorldService: ids refused before anything is stored or published --------------------------------

@pytest.mark.parametrize("world, strategy", [("wé", "s"), ("w", "s☃"), ("w\x01", "s"), ("w", "s\n"), ("w" * 129, "s")])
def test_worldservice_refuses_bad_ids_before_storing_or_publishing(stack, world, strategy):
    _, endpoints, _, _ = stack
    import httpx

    store = redis.Redis.from_url(endpoints.redis_url)
    before = (store.xlen("controlbus:activation"), len(store.keys("ws:*")))
    answer = httpx.put(
        endpoints.worldservice_url + f"/worlds/{quote(world, safe='')}/activation",
        json={"strategy_id": strategy, "side": "long", "active": True},
    )
    assert answer.status_code == 422, answer.text
    assert (store.xlen("controlbus:activation"), len(store.keys("ws:*"))) == before
    store.close()


# -- outages: 503 with a detail, then a retry is accepted --------------------------------------------

def _stop_postgres(provider):
    provider.services["postgres"].stop()


def _start_postgres(provider):
    proc = provider.postgres.launch()
    provider.services["postgres"] = proc
    proc.wait_ready(provider.postgres.ready, 60)


def _stop_redis(provider):
    provider.services["redis"].stop()


def _start_redis(provider, url):
    provider.services["redis"].launch()
    provider.services["redis"].wait_ready(lambda: redis_ready(url), 60)


def test_postgres_down_is_503_and_the_retry_is_accepted(stack):
    provider, endpoints, gateway, _ = stack
    dag, world = two_node_strategy(uid("pg")), uid("w")
    _stop_postgres(provider)
    try:
        answer = submit(gateway, dag, [world])
        assert (answer.status, answer.body) == (503, {"detail": "Postgres unavailable"}), answer.describe()
    finally:
        _start_postgres(provider)
    strategy_id = eventually(lambda: assert_accepted(gateway, dag, [world]), within=20, what="the retried submission is accepted")
    eventually(completed(gateway, strategy_id), within=20, what=f"strategy {strategy_id} reaches completed")
    with psycopg.connect(endpoints.postgres_dsn) as conn:
        rows = conn.execute("SELECT count(*) FROM strategies WHERE id = %s", (strategy_id,)).fetchone()[0]
    assert rows == 1


def test_redis_down_is_503_and_a_restart_loses_nothing(stack):
    provider, endpoints, gateway, _ = stack
    kept = two_node_strategy(uid("kept"))
    kept_id = assert_accepted(gateway, kept, [uid("w")])
    eventually(completed(gateway, kept_id), within=20, what=f"strategy {kept_id} reaches completed")
    dag, world = two_node_strategy(uid("redis")), uid("w")
    _stop_redis(provider)
    try:
        answer = submit(gateway, dag, [world])
        assert (answer.status, answer.body) == (503, {"detail": "Redis unavailable"}), answer.describe()
        status = gateway.strategy_status(kept_id)
        assert (status.status, status.body) == (503, {"detail": "Redis unavailable"}), status.describe()
    finally:
        _start_redis(provider, endpoints.redis_url)
    assert eventually(lambda: gateway.strategy_status(kept_id).body, within=20, what="the kept strategy answers again") == {"status": "completed"}
    again = submit(gateway, kept, [uid("w")])
    assert (again.status, again.body["detail"]) == (409, {"code": "E_DUPLICATE", "strategy_id": kept_id}), again.describe()
    strategy_id = eventually(lambda: assert_accepted(gateway, dag, [world]), within=20, what="the retried submission is accepted")
    eventually(completed(gateway, strategy_id), within=20, what=f"strategy {strategy_id} reaches completed")


def test_worldservice_down_is_503_and_the_retry_is_accepted(stack):
    provider, endpoints, gateway, _ = stack
    dag, world = two_node_strategy(uid("ws")), uid("w")
    provider.kill("worldservice")
    try:
        answer = submit(gateway, dag, [world])
        assert (answer.status, answer.body) == (503, {"detail": "WorldService unavailable"}), answer.describe()
    finally:
        provider.restart("worldservice")
    strategy_id = assert_accepted(gateway, dag, [world])
    eventually(completed(gateway, strategy_id), within=20, what=f"strategy {strategy_id} reaches completed")
    assert strategy_id in gateway.world_bindings(world).body["strategies"]


def test_dagmanager_down_is_503_on_tag_lookups(stack):
    provider, _, gateway, _ = stack
    provider.kill("dagmanager")
    try:
        answer = gateway.request("GET", "/queues/by_tag", params={"tags": "t", "interval": 60})
        assert (answer.status, answer.body) == (503, {"detail": "DAG Manager unavailable"}), answer.describe()
    finally:
        provider.restart("dagmanager")


# -- fairness: a strategy with many worlds does not hold back the next one ------------------------

def test_many_worlds_do_not_starve_the_next_strategy(stack):
    _, endpoints, gateway, _ = stack
    wide_id = assert_accepted(gateway, two_node_strategy(uid("wide")), [uid("w") for _ in range(MAX_WORLDS)])
    small_id = assert_accepted(gateway, two_node_strategy(uid("small")), [uid("w")])
    eventually(completed(gateway, small_id), within=30, what=f"strategy {small_id} reaches completed")
    eventually(completed(gateway, wide_id), within=60, what=f"strategy {wide_id} reaches completed")
    with psycopg.connect(endpoints.postgres_dsn) as conn:
        done = dict(conn.execute(
            "SELECT strategy_id, ts FROM strategy_events WHERE event = 'DIFF_APPLIED:completed' AND strategy_id = ANY(%s)",
            ([wide_id, small_id],),
        ).fetchall())
    assert done[small_id] < done[wide_id], "the one-world strategy waited for all hundred worlds of the one before it"


# -- the DAG Manager: malformed DAGs are INVALID_ARGUMENT with the reason, and logged ------------------

@pytest.mark.parametrize(
    "node_patch, reason",
    [
        ({"node_type": "TagQueryNode", "params": ["not", "an", "object"]}, "cannot be read"),
        ({"interval": 2**70}, "outside the 64-bit integer range"),
        ({"interval": "soon"}, "interval must be an integer"),
        ({"period": 1e400}, "period must be an integer"),
    ],
)
def test_dagmanager_refuses_a_malformed_node_with_the_reason(stack, node_patch, reason):
    _, endpoints, _, reports = stack
    node = {"node_id": "blake3:" + "ab" * 32, "node_type": "StreamInput", "interval": 60, "period": 5, **node_patch}
    dag_json = json.dumps({"nodes": [node]}).replace("Infinity", "1e400")
    with grpc.insecure_channel(endpoints.dagmanager_address) as channel:
        call = pb_grpc.DiffServiceStub(channel).Diff(pb.DiffRequest(strategy_id=uid("s"), dag_json=dag_json, world_id="w"), timeout=10)
        with pytest.raises(grpc.RpcError) as refused:
            list(call)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT, refused.value
    assert reason in refused.value.details()
    log = eventually(lambda: _log_with(reports, "dagmanager", refused.value.details()), within=5, what="the refusal is logged")
    assert "Diff refused: INVALID_ARGUMENT" in log


def _log_with(reports: str, service: str, text: str) -> str:
    from pathlib import Path

    log = (Path(reports) / "logs" / f"{service}.log").read_text(errors="replace")
    assert text in log, f"{text!r} not in the {service} log"
    return log


def test_no_service_logged_an_unhandled_error(stack):
    from pathlib import Path

    _, _, _, reports = stack
    for service in ("gateway", "worldservice", "dagmanager"):
        log = (Path(reports) / "logs" / f"{service}.log").read_text(errors="replace")
        assert "unhandled error" not in log and "Traceback" not in log, f"{service} log:\n{log[-3000:]}"
