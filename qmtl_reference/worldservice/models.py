"""Request bodies; FastAPI answers 422 for anything that does not fit.

Ids follow the rule in ``qmtl_reference.common.ids`` and are checked here,
before anything is stored or published.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from qmtl_reference.common.ids import ID_MAX_LENGTH, ID_PATTERN, id_problem

Id = Annotated[str, StringConstraints(min_length=1, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN)]
# Free text (names, descriptions, run ids): bounded, and never a NUL.
Text = Annotated[str, StringConstraints(max_length=1024, pattern=r"^[^\x00]*$")]
MAX_BINDINGS_PER_REQUEST = 1000


class WorldIn(BaseModel):
    id: Id
    name: Text | None = None
    description: Text | None = None


class ActivationIn(BaseModel):
    strategy_id: Id
    side: Literal["long", "short"]
    active: bool
    weight: float = Field(default=1.0, ge=0.0, le=1e9, allow_inf_nan=False)
    freeze: bool = False
    drain: bool = False
    effective_mode: Literal["validate", "compute-only", "paper", "live", "shadow"] | None = None
    run_id: Text | None = None


class BindingsIn(BaseModel):
    strategies: list[Annotated[str, StringConstraints(max_length=ID_MAX_LENGTH + 64)]] = Field(
        max_length=MAX_BINDINGS_PER_REQUEST
    )

    @field_validator("strategies")
    @classmethod
    def _valid_unique(cls, value: list[str]) -> list[str]:
        cleaned: list[str] = []
        for item in value:
            item = item.strip()
            if not item:
                raise ValueError("strategy ids must be non-empty")
            problem = id_problem(item, "strategy id")
            if problem:
                raise ValueError(problem)
            if item not in cleaned:
                cleaned.append(item)
        return cleaned
