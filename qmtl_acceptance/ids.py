"""Unique names for one scenario's worlds, strategies and keys."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field


def _slug(text: str, limit: int = 24) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit] or "scenario"


@dataclass
class ScenarioIds:
    """Hands out ids that no other scenario, run or parallel worker will use."""

    scenario: str
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    _given: dict[str, str] = field(default_factory=dict)

    def __call__(self, role: str) -> str:
        """The same role in one scenario always names the same id ("world A" twice is one world)."""
        if role not in self._given:
            self._given[role] = f"e2e-{_slug(self.scenario, 16)}-{_slug(role, 12)}-{self.run}-{len(self._given)}"
        return self._given[role]
