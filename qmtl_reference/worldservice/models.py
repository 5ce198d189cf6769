"""Request bodies; FastAPI answers 422 for anything that does not fit."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator


class WorldIn(BaseModel):
    id: str = Field(min_length=1)
    name: str | None = None
    description: str | None = None


class ActivationIn(BaseModel):
    strategy_id: str = Field(min_length=1)
    side: Literal["long", "short"]
    active: bool
    weight: float = Field(default=1.0, ge=0.0)
    freeze: bool = False
    drain: bool = False
    effective_mode: Literal["validate", "compute-only", "paper", "live", "shadow"] | None = None
    run_id: str | None = None


class BindingsIn(BaseModel):
    strategies: list[str]

    @field_validator("strategies")
    @classmethod
    def _non_empty_unique(cls, value: list[str]) -> list[str]:
        cleaned: list[str] = []
        for item in value:
            item = item.strip()
            if not item:
                raise ValueError("strategy ids must be non-empty")
            if item not in cleaned:
                cleaned.append(item)
        return cleaned
