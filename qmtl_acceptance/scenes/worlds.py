"""The one world model every domain uses: a role in the Gherkin ("alpha") is a world created through the target."""
from __future__ import annotations

from ..clients.gateway import Answer
from ..errors import TargetFailure
from .scenario import Scenario
from .target import Target


class Worlds:
    def __init__(self, target: Target, scenario: Scenario) -> None:
        self.target = target
        self.scenario = scenario
        self._ids: dict[str, str] = {}

    def __getitem__(self, role: str) -> str:
        """The id of the world a role names, creating the world through the Gateway the first time."""
        if role not in self._ids:
            world_id = self.scenario.ids(f"world {role}")
            answer = self.target.gateway.create_world(world_id, f"acceptance world {role}")
            if answer.status != 200:
                raise TargetFailure(f"creating world {role} ({world_id}) through the Gateway",
                                    expected="HTTP 200", observed=answer.describe())
            self._ids[role] = world_id
        return self._ids[role]

    def create(self, role: str, name: str | None) -> Answer:
        """Create (or re-create) the role's world under ``name``; the answer is the caller's to judge."""
        world_id = self._ids.get(role) or self.scenario.ids(f"world {role}")
        answer = self.target.gateway.create_world(world_id, name)
        if answer.status == 200:
            self._ids.setdefault(role, world_id)
        return answer

    def ensure(self, *roles: str) -> list[str]:
        return [self[role] for role in roles]

    @property
    def roles(self) -> list[str]:
        """Roles in the order the scenario first named them."""
        return list(self._ids)

    def role_of(self, world_id: str) -> str | None:
        return next((role for role, wid in self._ids.items() if wid == world_id), None)

    def bindings(self, role: str) -> set[str]:
        answer = self.target.gateway.world_bindings(self[role])
        if answer.status != 200 or not isinstance(answer.body, dict):
            raise TargetFailure(f"reading world {role}'s bindings", expected="HTTP 200 with a JSON object",
                                observed=answer.describe())
        return set(answer.body.get("strategies", []))
