"""What POST /strategies publishes in the Gateway's OpenAPI.

The models describe the wire; the handler still validates by hand
(``submission.py``), because the contract fixes the order of its checks and
an error code for each, which a generic validation error would not give.
"""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..common.ids import ID_MAX_LENGTH
from .submission import MAX_WORLD_IDS

# A world id also prefixes queue names, so no '.' or ':' (the namespace separators).
WORLD_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$"
WorldId = Annotated[str, StringConstraints(pattern=WORLD_ID_PATTERN, max_length=ID_MAX_LENGTH)]


class StrategySubmissionIn(BaseModel):
    model_config = ConfigDict(extra="allow", title="StrategySubmission")

    dag_json: str = Field(min_length=1, description="the DAG's JSON, or base64 of it; at most 1 MiB, 1000 nodes")
    node_ids_crc32: int = Field(ge=0, le=2**32 - 1, description="CRC32 over the node ids, in order")
    world_ids: list[WorldId] = Field(min_length=1, max_length=MAX_WORLD_IDS)
    meta: dict[str, Any] | None = None


class QueueEntry(BaseModel):
    queue: str
    global_: bool = Field(alias="global")


class StrategyAccepted(BaseModel):
    strategy_id: str
    queue_map: dict[str, list[QueueEntry]]
    sentinel_id: str
    node_ids_crc32: int
    downgraded: bool
    downgrade_reason: str | None
    safe_mode: bool


class DryRunAnswer(BaseModel):
    queue_map: dict[str, list[QueueEntry]]
    node_ids_crc32: int
    downgraded: bool
    downgrade_reason: str | None
    safe_mode: bool


class ErrorAnswer(BaseModel):
    detail: Any


def _inline(model: type[BaseModel]) -> dict:
    # openapi_extra is copied verbatim, so the schema may not point into $defs.
    return model.model_json_schema(ref_template="#/components/schemas/{model}")


def submission_openapi() -> dict:
    return {
        "requestBody": {"required": True, "content": {"application/json": {"schema": _inline(StrategySubmissionIn)}}}
    }


ERRORS = {status: {"model": ErrorAnswer} for status in (400, 409, 413, 422, 503)}
