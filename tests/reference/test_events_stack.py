"""The Gateway's /worlds proxy and event stream around WorldService outages, on a real reference stack."""
from __future__ import annotations

import tempfile
import uuid

import pytest

from qmtl_acceptance.clients.events import EventStream
from qmtl_acceptance.clients.gateway import GatewayClient
from qmtl_acceptance.config import load_config
from qmtl_acceptance.eventually import eventually
from qmtl_acceptance.stack import provider_for


@pytest.fixture(scope="module")
def stack():
    with tempfile.TemporaryDirectory(prefix="events-stack-") as reports:
        provider = provider_for(load_config({"reports_dir": reports}))
        try:
            endpoints = provider.start()
            gateway = GatewayClient(endpoints.gateway_url)
            yield provider, gateway
            gateway.close()
        finally:
            provider.stop()


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def activation(gateway: GatewayClient, world: str, strategy: str, weight: float):
    return gateway.request("PUT", f"/worlds/{world}/activation",
                           json={"strategy_id": strategy, "side": "long", "active": True, "weight": weight})


def open_stream(gateway: GatewayClient, world: str, strategy: str) -> EventStream:
    answer = gateway.subscribe(world, strategy, ["activation"])
    assert answer.status == 200, answer.describe()
    return EventStream.open(answer.body["stream_url"], answer.body["token"])


def received(stream: EventStream, etag: str):
    def probe():
        frames = stream.frames(lambda f: f.type == "activation_updated" and f.payload["data"].get("etag") == etag)
        assert frames, stream.describe()
        return frames[0]

    return probe


def test_proxied_answers_carry_a_correlation_id(stack):
    _, gateway = stack
    answer = gateway.request("GET", f"/worlds/{uid('missing')}")
    assert answer.status == 404 and answer.body == {"detail": "world not found"}
    assert answer.headers.get("x-correlation-id")
    given = uid("corr")
    echoed = gateway.request("GET", "/worlds", headers={"X-Correlation-ID": given})
    assert echoed.status == 200 and echoed.headers.get("x-correlation-id") == given


def test_worldservice_outage_is_503_and_reported_then_recovers(stack):
    provider, gateway = stack
    world, strategy = uid("w"), uid("s")
    assert gateway.create_world(world, "outage").status == 200
    activation(gateway, world, strategy, 0.5)
    provider.kill("worldservice")
    try:
        down = gateway.request("GET", f"/worlds/{world}")
        assert (down.status, down.body) == (503, {"detail": "WorldService unavailable"})
        assert down.headers.get("x-correlation-id")
        status = gateway.status().body
        assert status["worldservice"] == "error" and status["status"] == "degraded", status
        # Without WorldService there is no snapshot, but the socket is still let in.
        stream = open_stream(gateway, world, strategy)
        try:
            assert not stream.closed
        finally:
            stream.close()
    finally:
        provider.restart("worldservice")
    assert gateway.status().body["worldservice"] == "ok"
    assert gateway.request("GET", f"/worlds/{world}").status == 200


def test_live_events_flow_across_worldservice_and_gateway_restarts(stack):
    provider, gateway = stack
    world, strategy = uid("w"), uid("s")
    stream = open_stream(gateway, world, strategy)
    try:
        provider.restart("worldservice")
        etag = activation(gateway, world, strategy, 0.1).body["etag"]
        eventually(received(stream, etag), within=5, what=f"{etag} after a WorldService restart")
    finally:
        stream.close()
    provider.restart("gateway")
    stream = open_stream(gateway, world, strategy)
    try:
        # The snapshot on connect already carries the latest state ...
        eventually(received(stream, etag), within=5, what=f"snapshot {etag} after a Gateway restart")
        # ... and the restarted Gateway follows the broker again.
        later = activation(gateway, world, strategy, 0.2).body["etag"]
        eventually(received(stream, later), within=5, what=f"{later} after a Gateway restart")
    finally:
        stream.close()
