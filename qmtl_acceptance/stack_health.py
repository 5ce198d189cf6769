"""What "the QMTL stack is running" means: the Gateway answers /status and every component it reports is ok.

A `/status` that answers 200 with `degraded` is not a running stack. The one
exception is a known deviation, accounted for by name: real QMTL's Gateway
reports its DAG Manager as failing (and itself as degraded) when that DAG
Manager runs without Neo4j, as the qmtl target runs it. Any other component
that is not ok still fails the check there.
"""
from __future__ import annotations

from typing import Any, Mapping

COMPONENTS = ("redis", "postgres", "dagmanager", "worldservice")

KNOWN_DEGRADATIONS: dict[str, dict[str, str]] = {
    "qmtl": {"dagmanager": "QMTL's Gateway reports its DAG Manager failing when it runs without Neo4j "
                           "(@deviation.gateway_degraded_without_neo4j)"},
}


def status_problem(http_status: int, body: Any, target: str) -> str | None:
    """None when the stack runs, else one line naming each component that does not."""
    if http_status != 200:
        return f"GET /status answered HTTP {http_status}: {body}"
    if not isinstance(body, Mapping):
        return f"GET /status answered something that is not a JSON object: {body!r}"
    tolerated = KNOWN_DEGRADATIONS.get(target, {})
    wrong = {name: body.get(name, "<absent>") for name in COMPONENTS if body.get(name) != "ok" and name not in tolerated}
    if wrong:
        listed = ", ".join(f"{name} {value!r}" for name, value in wrong.items())
        return f"the Gateway reports these components not ok: {listed} (overall {body.get('status')!r})"
    overall = body.get("status")
    if overall == "ok":
        return None
    excused = [name for name in tolerated if body.get(name) != "ok"]
    if overall == "degraded" and excused:
        return None
    return f"the Gateway reports overall status {overall!r} with every component ok: {dict(body)}"


def tolerated_now(body: Mapping, target: str) -> list[str]:
    """The known deviations this answer was excused by (to show in the scenario's observations)."""
    return [reason for name, reason in KNOWN_DEGRADATIONS.get(target, {}).items() if body.get(name) != "ok"]
