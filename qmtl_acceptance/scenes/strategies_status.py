"""A strategy's status through the Gateway (contract §5): ``GET /strategies/{id}/status`` and its progression."""
from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Callable

from ..clients.gateway import Answer
from ..errors import TargetFailure
from ..eventually import eventually

if TYPE_CHECKING:
    from .strategies import StrategiesScene

LIVE_STATUSES = ("queued", "processing", "completed")


def _one_off(strategy_id: str) -> str:
    # The last hex digit changed: a lookup that matches a prefix, or ignores the tail, answers for the wrong id.
    last = strategy_id[-1]
    return strategy_id[:-1] + ("0" if last != "0" else "1")


UNKNOWN_IDS: dict[str, Callable[[str], str]] = {
    "an id it never issued": lambda accepted: str(uuid.uuid4()),
    "the sentinel id of an accepted strategy": lambda accepted: f"{accepted}-sentinel",
    "an accepted strategy's id with its last digit changed": _one_off,
    "the first half of an accepted strategy's id": lambda accepted: accepted[:18],
}

CHOICES = {"UnknownStrategyId": tuple(UNKNOWN_IDS)}


class StatusPart:
    def __init__(self, scene: StrategiesScene) -> None:
        self.scene = scene
        self.answer: Answer | None = None

    def _status_of(self, strategy_id: str) -> str | None:
        answer = self.scene.target.gateway.strategy_status(strategy_id)
        if answer.status != 200 or not isinstance(answer.body, dict):
            raise TargetFailure(f"the status of {strategy_id}", expected="HTTP 200 with a JSON object", observed=answer.describe())
        return answer.body.get("status")

    def reaches(self, status: str, within: float, *, every: bool = False) -> None:
        accepted = self.scene.state.accepted if every else [self.scene.state.latest]
        for item in accepted:
            seen: list[str | None] = []

            def probe() -> None:
                current = self._status_of(item.strategy_id)
                if not seen or seen[-1] != current:
                    seen.append(current)
                if current != status:
                    raise TargetFailure(f"status is {current!r} (statuses seen so far: {seen})")

            eventually(probe, within=self.scene.scenario.seconds(within),
                       what=f"strategy {item.strategy_id} reaches status {status!r}")
            self.scene.scenario.observe(f"statuses of {item.strategy_id}", " → ".join(map(str, seen)))

    def known_right_away(self) -> None:
        strategy_id = self.scene.state.latest.strategy_id
        current = self._status_of(strategy_id)
        if current not in LIVE_STATUSES:
            raise TargetFailure(f"the status of {strategy_id} just after its 202",
                                expected=f"one of {list(LIVE_STATUSES)}", observed=repr(current))

    def ask_unknown(self, kind: str) -> None:
        accepted = self.scene.state.latest.strategy_id if self.scene.state.accepted else str(uuid.uuid4())
        self.answer = self.scene.target.gateway.strategy_status(UNKNOWN_IDS[kind](accepted))
        self.scene.scenario.observe(f"status of {kind}", self.answer.describe())

    def not_found(self, status: int, detail: str) -> None:
        answer = self.answer
        if answer is None:
            raise AssertionError("the scenario has asked for no status yet")
        seen = answer.body.get("detail") if isinstance(answer.body, dict) else answer.body
        if answer.status != status or seen != detail:
            raise TargetFailure("the status of an unknown strategy", expected=f"HTTP {status} with the detail {detail!r}",
                                observed=answer.describe())
