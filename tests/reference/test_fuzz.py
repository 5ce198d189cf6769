"""The fuzz runner: it reports a broken service with a reproducer, and finds nothing wrong with the reference stack."""
from __future__ import annotations

import asyncio
import socket
import tempfile
import threading
import time

import pytest
import uvicorn
from fastapi import FastAPI, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from qmtl_acceptance.config import load_config
from qmtl_acceptance.fuzz import FuzzSettings, FuzzSetupError, fuzz_openapi
from qmtl_acceptance.stack import provider_for

SECRET_TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJmdXp6LXRlc3QtdG9rZW4ifQ.c2lnbmF0dXJlLWJ5dGVz"


class Item(BaseModel):
    name: str


def _broken_app(*, with_slow: bool) -> FastAPI:
    app = FastAPI()

    @app.get("/divide")
    def divide(by: int = Query(...)) -> dict:
        return {"result": 100 // by}  # by=0 is an unhandled 500

    @app.post("/items", responses={200: {"model": Item}})
    def items(item: Item):
        return JSONResponse({"name": 5})  # off its own response schema

    if with_slow:
        @app.get("/slow")
        async def slow() -> dict:
            await asyncio.sleep(3)  # longer than the runner's request timeout: no answer in time
            return {}

    return app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=[False], ids=["quick"])
def broken_service(request):
    port = _free_port()
    app = _broken_app(with_slow=request.param)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.mark.parametrize("broken_service", [True], ids=["with-slow"], indirect=True)
def test_findings_name_the_operation_and_carry_a_redacted_curl(broken_service):
    report = fuzz_openapi(
        broken_service, FuzzSettings(max_examples=10, max_seconds=12, request_timeout=0.5),
        headers={"Authorization": f"Bearer {SECRET_TOKEN}"},
    )
    by_check = {(f.operation, f.check): f for f in report.findings}
    server_error = by_check[("GET /divide", "not_a_server_error")]
    assert server_error.status == 500
    assert server_error.curl.startswith("curl ") and "/divide?by=0" in server_error.curl, server_error.curl
    conformance = by_check[("POST /items", "response_schema_conformance")]
    assert conformance.status == 200 and "/items" in conformance.curl
    unanswered = by_check[("GET /slow", "error")]
    assert unanswered.status is None and "/slow" in unanswered.curl, unanswered
    assert SECRET_TOKEN not in report.describe()
    assert not report.ok and report.cases > 0


def test_same_seed_same_findings(broken_service):
    # The coverage phase alone: quick, and shrinking in the fuzzing phase would only add time.
    settings = FuzzSettings(max_examples=10, max_seconds=15, seed=7, phases=("coverage",))
    first = fuzz_openapi(broken_service, settings)
    second = fuzz_openapi(broken_service, settings)
    assert sorted((f.operation, f.check, f.curl) for f in first.findings) == sorted(
        (f.operation, f.check, f.curl) for f in second.findings
    )


def test_bad_settings_and_absent_targets_are_one_line_errors():
    with pytest.raises(FuzzSetupError, match="max_examples must be at least 1"):
        FuzzSettings(max_examples=0)
    with pytest.raises(FuzzSetupError, match="mode 'wild' is unknown"):
        FuzzSettings(mode="wild")
    with pytest.raises(FuzzSetupError, match="cannot load the OpenAPI of http://127.0.0.1:1"):
        fuzz_openapi("http://127.0.0.1:1", FuzzSettings(max_seconds=2, request_timeout=1))


@pytest.fixture(scope="module")
def reference():
    with tempfile.TemporaryDirectory(prefix="fuzz-") as reports:
        provider = provider_for(load_config({"reports_dir": reports}))
        try:
            yield provider.start()
        finally:
            provider.stop()


@pytest.mark.parametrize("service", ["gateway", "worldservice"])
def test_a_bounded_fuzz_of_the_reference_stack_finds_nothing(reference, service):
    url = reference.gateway_url if service == "gateway" else reference.worldservice_url
    started = time.monotonic()
    report = fuzz_openapi(url, FuzzSettings(max_examples=8, max_seconds=12))
    assert time.monotonic() - started < 35
    assert report.operations >= (12 if service == "gateway" else 8), report.describe()
    assert report.cases >= 300, report.describe()
    assert report.ok, report.describe()
