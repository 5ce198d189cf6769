"""Readiness probes over the wire, shared by every provider.

Each returns True when its service is ready; one that got an answer meaning
"not yet" raises `NotReady` with that answer, so a boot failure names what
the service last said ("state 'stopped'"), not an early "Connection refused".
"""
from __future__ import annotations

import httpx

from .processes import NotReady


def _brief(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


def http_ok(url: str) -> bool:
    answer = httpx.get(url, timeout=1.0)
    if answer.status_code != 200:
        raise NotReady(f"GET {httpx.URL(url).path} answered HTTP {answer.status_code} {_brief(answer.text)}")
    return True


def gateway_answers(gateway_url: str) -> bool:
    # Ready means serving; whether its components are healthy is for the scenarios to judge.
    answer = httpx.get(gateway_url + "/status", timeout=2.0)
    if answer.status_code != 200:
        raise NotReady(f"GET /status answered HTTP {answer.status_code} {_brief(answer.text)}")
    return True


def dagmanager_health(address: str) -> bool:
    import grpc

    from qmtl_wire import dagmanager_pb2, dagmanager_pb2_grpc

    with grpc.insecure_channel(address) as channel:
        reply = dagmanager_pb2_grpc.HealthCheckStub(channel).Status(dagmanager_pb2.StatusRequest(), timeout=1.0)
    if reply.state != "running":
        raise NotReady(f"HealthCheck.Status answers state {reply.state!r} (neo4j {reply.neo4j!r})")
    return True
