"""Readiness probes over the wire, shared by every provider."""
from __future__ import annotations

import httpx


def http_ok(url: str) -> bool:
    return httpx.get(url, timeout=1.0).status_code == 200


def gateway_answers(gateway_url: str) -> bool:
    # Ready means serving; whether its components are healthy is for the scenarios to judge.
    return httpx.get(gateway_url + "/status", timeout=2.0).status_code == 200


def dagmanager_health(address: str) -> bool:
    import grpc

    from qmtl_wire import dagmanager_pb2, dagmanager_pb2_grpc

    with grpc.insecure_channel(address) as channel:
        reply = dagmanager_pb2_grpc.HealthCheckStub(channel).Status(dagmanager_pb2.StatusRequest(), timeout=1.0)
    return reply.state == "running"
