"""Asking the Gateway for event tokens (contract §3): who asked, what it answered, what a bad request gets."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ..clients.gateway import Answer
from ..errors import TargetFailure
from .scenario import Scenario
from .target import Target
from .worlds import Worlds

# A bad subscription body → the field the 422 must name. Values are (world_id, strategy_id);
# MISSING leaves the field out of the body.
MISSING = object()
BAD_SUBSCRIPTIONS: dict[str, tuple[Any, Any, str]] = {
    "without a world id": (MISSING, "", "world_id"),
    "without a strategy id": ("", MISSING, "strategy_id"),
    "without a world id or a strategy id": (MISSING, MISSING, "world_id"),
    "with a number as its world id": (42, "", "world_id"),
    "with null as its strategy id": ("", None, "strategy_id"),
}


@dataclass
class Holder:
    """One subscription: who asked, what the Gateway answered, the token it gave."""

    world_role: str
    world_id: str
    strategy_id: str
    topics: list[str]
    answer: Answer
    asked_at: float  # time.time() just before asking
    answered_at: float

    @property
    def body(self) -> dict[str, Any]:
        return self.answer.body if isinstance(self.answer.body, dict) else {}

    @property
    def token(self) -> str:
        token = self.body.get("token")
        if not (isinstance(token, str) and token.count(".") == 2):
            raise TargetFailure("the subscription answer", expected="a compact JWT", observed=self.answer.describe())
        return token

    @property
    def stream_url(self) -> str:
        url = self.body.get("stream_url")
        if not (isinstance(url, str) and url.startswith(("ws://", "wss://"))):
            raise TargetFailure("the subscription answer", expected="a ws:// or wss:// stream_url", observed=self.answer.describe())
        return url


class Subscriptions:
    def __init__(self, target: Target, scenario: Scenario, worlds: Worlds) -> None:
        self.target = target
        self.scenario = scenario
        self.worlds = worlds
        self.held: list[Holder] = []
        self.refusal: tuple[Answer, str] | None = None
        # Strategies the Gherkin names by an id of its own (the shortest one an id may be, say).
        self.named: dict[str, str] = {}

    def strategy(self, which: str = "strategy") -> str:
        return self.named.get(which) or self.scenario.ids(which)

    def name_strategy(self, strategy_id: str, which: str = "strategy") -> None:
        """From now on the strategy goes by this id; its worlds are the scenario's own, so no other run shares it."""
        if which in self.named or any(h.strategy_id == self.scenario.ids(which) for h in self.held):
            raise AssertionError(f"the {which} already has an id")
        self.named[which] = strategy_id

    def subscribe(self, role: str, topics: list[str], strategy: str = "strategy") -> Holder:
        world_id, strategy_id = self.worlds[role], self.strategy(strategy)
        asked = time.time()
        answer = self.target.gateway.subscribe(world_id, strategy_id, topics)
        holder = Holder(role, world_id, strategy_id, list(topics), answer, asked, time.time())
        self.scenario.observe(f"subscription {len(self.held) + 1} in world {role} for {topics}", answer.describe())
        if answer.status != 200:
            raise TargetFailure(f"subscribing in world {role} for {topics}", expected="HTTP 200", observed=answer.describe())
        self.held.append(holder)
        return holder

    def latest(self, role: str | None = None) -> Holder:
        found = [h for h in self.held if role is None or h.world_role == role]
        if not found:
            raise AssertionError(f"no strategy holds an event token{'' if role is None else ' in world ' + role} yet")
        return found[-1]

    # -- bad input
    def ask_badly(self, bad: str) -> None:
        world, strategy, field = BAD_SUBSCRIPTIONS[bad]
        body: dict[str, Any] = {"topics": ["activation"]}
        for name, value, fallback in (("world_id", world, self.worlds["alpha"]), ("strategy_id", strategy, self.strategy())):
            if value is not MISSING:
                body[name] = fallback if value == "" else value
        answer = self.target.gateway.subscribe_raw(body)
        self.refusal = (answer, field)
        self.scenario.observe(f"subscription {bad}", answer.describe())

    def refused(self, status: int) -> None:
        if self.refusal is None:
            raise AssertionError("no bad subscription was asked for")
        answer, field = self.refusal
        if answer.status != status:
            raise TargetFailure(f"expected HTTP {status}, the Gateway answered {answer.describe()}")
        detail = answer.detail
        named = isinstance(detail, list) and any(
            isinstance(e, dict) and isinstance(e.get("loc"), list) and e["loc"][-1:] == [field] for e in detail)
        if not named:
            raise TargetFailure(f"the {status} answer", expected=f"a detail naming the field {field!r} (loc ending in it)",
                                observed=answer.describe())

    # -- the answer
    def granted_topics(self, topics: list[str]) -> None:
        holder = self.latest()
        listed = holder.body.get("topics")
        if listed != topics:
            raise TargetFailure(f"expected the topics {topics} echoed back, the Gateway listed {listed!r}")

    def answer_names_streams(self) -> None:
        holder = self.latest()
        problems = [f"{name} is {holder.body.get(name)!r}, expected a ws:// or wss:// URL"
                    for name in ("stream_url", "fallback_url")
                    if not str(holder.body.get(name) or "").startswith(("ws://", "wss://"))]
        if not problems and not holder.stream_url.split("?")[0].endswith("/ws/evt"):
            problems.append(f"stream_url {holder.stream_url!r} is not the Gateway's /ws/evt")
        if problems:
            raise TargetFailure("; ".join(problems) + f" ({holder.answer.describe()})")
