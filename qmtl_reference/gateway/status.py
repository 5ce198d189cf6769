"""GET /status and /health: each component is 'ok' only when it really answered just now."""
from __future__ import annotations

import asyncio
from typing import Awaitable, Callable

from fastapi import APIRouter, Request

from .. import faults

router = APIRouter()

PROBE_SECONDS = 2.0


async def _probe(check: Callable[[], Awaitable[bool]]) -> str:
    try:
        return "ok" if await asyncio.wait_for(check(), PROBE_SECONDS) else "error"
    except Exception:  # any failure to answer is the component's error, not the Gateway's
        return "error"


async def component_states(request: Request) -> dict[str, str]:
    state = request.app.state
    checks = {
        "redis": state.stores.redis_ok,
        "postgres": state.stores.postgres_ok,
        "dagmanager": state.dagmanager.healthy,
    }
    names = list(checks)
    results = await asyncio.gather(*(_probe(checks[n]) for n in names))
    states = dict(zip(names, results, strict=False))
    states["worldservice"] = await state.worldservice.health()
    if faults.is_active("status_redis_always_ok"):
        states["redis"] = "ok"
    if faults.is_active("status_components_swapped"):
        states["postgres"], states["worldservice"] = states["worldservice"], states["postgres"]
    return states


def _overall(states: dict[str, str]) -> str:
    return "ok" if all(v == "ok" for v in states.values()) else "degraded"


CAPABILITIES = {"rebalance_schema_version": 1, "alpha_metrics_capable": False}


@router.get("/health")
async def health(request: Request) -> dict:
    states = await component_states(request)
    return {"status": _overall(states), **states, "capabilities": CAPABILITIES}


@router.get("/status")
async def status(request: Request) -> dict:
    states = await component_states(request)
    return {
        "status": _overall(states),
        **states,
        "capabilities": CAPABILITIES,
        "degrade_level": "NORMAL",
        "enforce_live_guard": True,
        "pretrade": {"enabled": False},
    }
