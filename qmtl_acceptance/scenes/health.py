"""The Gateway's own account of the stack: ``GET /status`` and ``GET /health`` (contract §2)."""
from __future__ import annotations

from .. import stack_health
from ..clients.gateway import Answer
from ..errors import TargetFailure
from ..eventually import eventually
from .scenario import Scenario
from .target import Target
from .worlds import Worlds

COMPONENTS = ("redis", "postgres", "dagmanager", "worldservice")
ROUTES = {"status": "/status", "health": "/health"}

CHOICES = {
    "HealthStatus": ("ok", "degraded", "error", "unknown", "open"),
    "HealthRoute": tuple(ROUTES),
}


class HealthScene:
    def __init__(self, target: Target, scenario: Scenario, worlds: Worlds) -> None:
        self.target = target
        self.scenario = scenario
        self.answers: dict[str, Answer] = {}

    def stack_answers(self, within: float) -> None:
        """Every component of the stack is up before a scenario starts, as the Gateway's /status tells.

        On a target with a known, named degradation (QMTL without Neo4j) only that one is excused.
        """

        def answered() -> Answer:
            answer = self.target.gateway.status()
            problem = stack_health.status_problem(answer.status, answer.body, self.target.name)
            if problem:
                raise TargetFailure(problem)
            return answer

        answer = eventually(answered, within=self.scenario.seconds(within),
                            what=f"the Gateway at {self.target.endpoints.gateway_url} answers /status")
        self.scenario.observe("gateway status at scenario start", answer.describe())
        excused = stack_health.tolerated_now(answer.body, self.target.name)
        if excused:
            self.scenario.observe("known degradations excused", "; ".join(excused))

    def ask(self, route: str) -> Answer:
        answer = self.target.gateway.health() if route == "health" else self.target.gateway.status()
        self.answers[route] = answer
        self.scenario.observe(f"gateway {ROUTES[route]}", answer.describe())
        return answer

    def _answer(self, route: str) -> Answer:
        if route not in self.answers:
            raise AssertionError(f"the scenario has not asked the Gateway for {ROUTES[route]} yet")
        return self.answers[route]

    def answered_within(self, route: str, seconds: float) -> None:
        answer = self._answer(route)
        if answer.status != 200 or not isinstance(answer.body, dict):
            raise TargetFailure(f"GET {ROUTES[route]}", expected="HTTP 200 with a JSON object", observed=answer.describe())
        limit = self.scenario.seconds(seconds)
        if answer.elapsed > limit:
            raise TargetFailure(f"GET {ROUTES[route]}", expected=f"an answer within {limit:.2f} s",
                                observed=f"it took {answer.elapsed:.2f} s")

    def overall_is(self, route: str, expected: str) -> None:
        body = self._answer(route).body
        seen = body.get("status") if isinstance(body, dict) else None
        if seen != expected:
            raise TargetFailure(f"expected overall status {expected!r}, the Gateway said {seen!r}: {body}")

    def components_are(self, route: str, components: list[str], expected: str) -> None:
        """Each named component reports ``expected``; checked apart from the overall status, so one never hides the other."""
        unknown = [c for c in components if c not in COMPONENTS]
        if unknown:
            raise AssertionError(f"the contract names no component {unknown}; it has {list(COMPONENTS)}")
        body = self._answer(route).body
        body = body if isinstance(body, dict) else {}
        wrong = {name: body.get(name, "<absent>") for name in components if body.get(name) != expected}
        if wrong:
            raise TargetFailure(f"expected every component {expected!r}; these were not: {wrong}")

    def capabilities_listed(self, route: str) -> None:
        body = self._answer(route).body
        capabilities = body.get("capabilities") if isinstance(body, dict) else None
        wanted = ("rebalance_schema_version", "alpha_metrics_capable")
        missing = [k for k in wanted if not isinstance(capabilities, dict) or k not in capabilities]
        if missing:
            raise TargetFailure(f"GET {ROUTES[route]} capabilities", expected=f"the fields {list(wanted)}",
                                observed=f"capabilities {capabilities!r}, lacking {missing}")
