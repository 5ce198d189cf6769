"""Scenes: the domain behind the steps, one object per domain and scenario.

Each scene is given its dependencies — the ``Target`` (endpoints, Gateway
client, provider), this scenario's ``Scenario`` (ids, observations, cleanups,
deadline scaling) and the one ``Worlds`` model — and never behave's context.
Steps are glue: they read the Gherkin's values (parse types from
``qmtl_acceptance.vocabulary``) and call one scene method.
"""
from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from .scenario import Scenario
from .target import Target
from .worlds import Worlds

if TYPE_CHECKING:
    from .backfill import BackfillScene
    from .dagmanager import DagManagerScene
    from .events import EventsScene
    from .health import HealthScene
    from .outages import OutagesScene
    from .perf import PerfScene
    from .robustness import RobustnessScene
    from .smoke import SmokeScene
    from .strategies import StrategiesScene
    from .worldservice import WorldServiceScene


class Scenes:
    """All scenes of one scenario, each made on first use (a scenario pays only for the domains it touches)."""

    def __init__(self, target: Target, scenario: Scenario) -> None:
        self.target = target
        self.scenario = scenario
        self.worlds = Worlds(target, scenario)

    @cached_property
    def health(self) -> HealthScene:
        from .health import HealthScene

        return HealthScene(self.target, self.scenario, self.worlds)

    @cached_property
    def smoke(self) -> SmokeScene:
        from .smoke import SmokeScene

        return SmokeScene(self.target, self.scenario, self.worlds)

    @cached_property
    def events(self) -> EventsScene:
        from .events import EventsScene

        return EventsScene(self.target, self.scenario, self.worlds)

    @cached_property
    def strategies(self) -> StrategiesScene:
        from .strategies import StrategiesScene

        return StrategiesScene(self.target, self.scenario, self.worlds)

    @cached_property
    def dagmanager(self) -> DagManagerScene:
        from .dagmanager import DagManagerScene

        return DagManagerScene(self.target, self.scenario, self.worlds)

    @cached_property
    def worldservice(self) -> WorldServiceScene:
        from .worldservice import WorldServiceScene

        return WorldServiceScene(self.target, self.scenario, self.worlds)

    @cached_property
    def backfill(self) -> BackfillScene:
        from .backfill import BackfillScene

        return BackfillScene(self.target, self.scenario, self.worlds)

    @cached_property
    def robustness(self) -> RobustnessScene:
        from .robustness import RobustnessScene

        return RobustnessScene(self.target, self.scenario, self.worlds)

    @cached_property
    def perf(self) -> PerfScene:
        from .perf import PerfScene

        return PerfScene(self.target, self.scenario, self.worlds)

    @cached_property
    def outages(self) -> OutagesScene:
        from .outages import OutagesScene

        return OutagesScene(self.target, self.scenario, self.worlds, self.strategies)


__all__ = ["Scenario", "Scenes", "Target", "Worlds"]
