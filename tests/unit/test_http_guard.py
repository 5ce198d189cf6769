"""The reference services' outermost HTTP layer: 413 before reading, 503 for outages, unforeseen errors logged."""
from __future__ import annotations

import logging

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from qmtl_reference.common.http_guard import HttpGuard
from qmtl_reference.common.ids import id_problem, is_valid_id

LIMIT = 1000


class StoreDown(Exception):
    pass


def _app() -> FastAPI:
    app = FastAPI()
    app.state.bodies_read = 0

    @app.post("/echo")
    async def echo(request: Request) -> dict:
        body = await request.body()
        app.state.bodies_read += 1
        return {"length": len(body)}

    @app.get("/bug")
    async def bug() -> dict:
        raise RuntimeError("secret internal detail /srv/app.py 10.0.0.7:5432")

    @app.get("/down")
    async def down() -> dict:
        raise StoreDown("connection refused")

    app.add_middleware(
        HttpGuard, service="test", max_body_bytes=LIMIT,
        unavailable=lambda exc: "the store is unavailable" if isinstance(exc, StoreDown) else None,
    )
    return app


@pytest.fixture()
def client():
    app = _app()
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield app, test_client


def test_bodies_up_to_the_limit_pass_and_one_byte_more_is_413(client):
    app, http = client
    assert http.post("/echo", content=b"x" * LIMIT).json() == {"length": LIMIT}
    refused = http.post("/echo", content=b"x" * (LIMIT + 1))
    assert (refused.status_code, refused.json()) == (413, {"detail": f"the request body exceeds {LIMIT} bytes"})
    assert app.state.bodies_read == 1


def test_a_chunked_body_is_cut_off_at_the_limit(client):
    _, http = client
    refused = http.post("/echo", content=iter([b"x" * 600, b"x" * 600]))
    assert refused.status_code == 413


def test_an_outage_is_503_with_its_detail(client):
    _, http = client
    answer = http.get("/down")
    assert (answer.status_code, answer.json()) == (503, {"detail": "the store is unavailable"})


def test_an_unforeseen_error_is_logged_with_its_traceback_and_not_shown(client, caplog):
    _, http = client
    with caplog.at_level(logging.ERROR, logger="qmtl_reference.http"):
        answer = http.get("/bug")
    assert (answer.status_code, answer.json()) == (500, {"detail": "internal error"})
    assert "secret" not in answer.text and "10.0.0.7" not in answer.text
    [record] = [r for r in caplog.records if "unhandled error" in r.getMessage()]
    assert record.exc_info and record.exc_info[0] is RuntimeError


@pytest.mark.parametrize("good", ["a", "A1", "w-1_x.y:z", "9" * 128])
def test_ids_inside_the_rule(good):
    assert is_valid_id(good) and id_problem(good, "id") is None


@pytest.mark.parametrize("bad", ["", "a\n", "\na", "a b", "a\x00", "é", "-a", ".", "..", "a/b", "9" * 129, 5, None])
def test_ids_outside_the_rule(bad):
    assert not is_valid_id(bad)
    assert id_problem(bad, "world id").startswith("world id")
