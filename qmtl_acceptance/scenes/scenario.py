"""What every scene of one scenario shares: its ids, what it observed, its cleanups, its deadlines."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import SuiteError
from ..ids import ScenarioIds


def _cannot_skip(reason: str) -> None:
    raise SuiteError(reason)


@dataclass
class Scenario:
    """One scenario's running state, handed to each scene instead of behave's context.

    ``add_cleanup`` runs a function when the scenario ends, pass or fail (in
    behave: ``context.add_cleanup``); ``timeout_scale`` stretches every deadline
    the Gherkin states, for slow machines.
    """

    ids: ScenarioIds
    add_cleanup: Callable[[Callable[[], Any]], None]
    timeout_scale: float = 1.0
    # A scenario that finds mid-way it cannot verify its property fails with the reason: skips are
    # decided at start only, from capabilities (active tags).
    skip: Callable[[str], None] = _cannot_skip
    # name → text: shown with a failed step's evidence and attached to the report.
    observations: dict[str, str] = field(default_factory=dict)
    # Every HTTP exchange with the target since the step began, as evidence for the report.
    exchanges: list[Any] = field(default_factory=list)

    def seconds(self, stated: float) -> float:
        return stated * self.timeout_scale

    def observe(self, name: str, text: str) -> None:
        self.observations[name] = text

    def record_exchange(self, exchange: Any) -> None:
        self.exchanges.append(exchange)

    def take_exchanges(self) -> list[Any]:
        taken, self.exchanges = self.exchanges, []
        return taken
