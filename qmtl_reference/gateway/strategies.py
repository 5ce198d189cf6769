"""POST /strategies and the strategy status."""
from __future__ import annotations

import json
import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .. import faults
from .submission import SubmissionRejected, validate

router = APIRouter()


async def _json_body(request: Request):
    raw = await request.body()
    try:
        return json.loads(raw or b"null")
    except ValueError:
        raise SubmissionRejected(400, {"code": "E_BODY_INVALID", "message": "the request body is not JSON"}) from None


@router.post("/strategies")
async def submit(request: Request) -> JSONResponse:
    state = request.app.state
    try:
        submission = validate(await _json_body(request))
    except SubmissionRejected as exc:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status)
    strategy_id = str(uuid.uuid4())
    first = await state.stores.claim_dag_hash(submission.dag_hash, strategy_id)
    if first is not None:
        return JSONResponse({"detail": {"code": "E_DUPLICATE", "strategy_id": first}}, status_code=409)
    await state.stores.record_strategy(strategy_id, submission.dag, submission.dag_hash, submission.meta, submission.world_ids)
    if not faults.is_active("skip_world_binding"):
        await state.stores.bind_worlds(strategy_id, submission.world_ids)
        for world_id in submission.world_ids:
            await state.worldservice.bind(world_id, [strategy_id])
    return JSONResponse(
        {
            "strategy_id": strategy_id,
            "queue_map": {},
            "sentinel_id": f"{strategy_id}-sentinel",
            "node_ids_crc32": submission.node_ids_crc32,
            "downgraded": False,
            "downgrade_reason": None,
            "safe_mode": False,
        },
        status_code=202,
    )


@router.get("/strategies/{strategy_id}/status")
async def strategy_status(strategy_id: str, request: Request) -> JSONResponse:
    record = await request.app.state.stores.strategy(strategy_id)
    if record is None:
        return JSONResponse({"detail": "strategy not found"}, status_code=404)
    return JSONResponse({"status": record.get("state", "queued")})
