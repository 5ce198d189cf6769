"""Activations set and read through the Gateway (contract §6), as far as the event stream needs them."""
from __future__ import annotations

import re
import time
from typing import Any

from ..errors import TargetFailure
from .events_subscriptions import Subscriptions
from .scenario import Scenario
from .target import Target
from .worlds import Worlds

STATES = {"active": True, "inactive": False}


class Activations:
    def __init__(self, target: Target, scenario: Scenario, worlds: Worlds, subscriptions: Subscriptions) -> None:
        self.target = target
        self.scenario = scenario
        self.worlds = worlds
        self.subscriptions = subscriptions
        # Every change made, in order: (world role, the record the Gateway answered, monotonic time sent).
        self.changes: list[tuple[str, dict[str, Any], float]] = []

    def put(self, role: str | None, side: str, state: str, weight: float, strategy: str = "strategy") -> dict[str, Any]:
        role = role or (self.worlds.roles[-1] if self.worlds.roles else "alpha")
        world_id, strategy_id = self.worlds[role], self.subscriptions.strategy(strategy)
        sent = time.monotonic()
        answer = self.target.gateway.put_activation(world_id, strategy_id, side, STATES[state], weight)
        self.scenario.observe(f"activation {len(self.changes) + 1}: {side} in world {role}", answer.describe())
        record = answer.body if isinstance(answer.body, dict) else {}
        if answer.status != 200:
            raise TargetFailure(f"setting the {side}-side activation in world {role} through the Gateway",
                                expected="HTTP 200", observed=answer.describe())
        etag = f"act:{world_id}:{strategy_id}:{side}:"
        if not re.fullmatch(re.escape(etag) + r"\d+", str(record.get("etag", ""))):
            raise TargetFailure("the activation record", expected=f"an etag {etag}<n>", observed=answer.describe())
        self.changes.append((role, record, sent))
        return record

    def last_change(self, role: str | None = None) -> tuple[dict[str, Any], float]:
        for changed_role, record, sent in reversed(self.changes):
            if role is None or changed_role == role:
                return record, sent
        raise AssertionError(f"no activation has changed{'' if role is None else ' in world ' + role}")

    def held(self, role: str, side: str) -> dict[str, Any]:
        """The record WorldService holds, read back through the Gateway."""
        answer = self.target.gateway.activation(self.worlds[role], self.subscriptions.strategy(), side)
        if answer.status != 200 or not isinstance(answer.body, dict):
            raise TargetFailure(f"WorldService holds no {side}-side activation in world {role}", observed=answer.describe())
        return answer.body
