"""Strategy submission, dry runs, status, and queue lookup by tag.

- ``POST /strategies``: validate (``submission.py``), dedupe on the DAG's hash
  whatever the worlds, record (Redis + Postgres), bind to every world, queue
  for the worker (``worker.py``), answer 202 with the queue map the DAG
  Manager will assign.
- ``POST /strategies/dry-run``: the same validation; nothing recorded; 200
  with ``{node_id: [{queue, global}]}``, one queue per world, named
  ``<world>.<domain>.<queue>``. A TagQueryNode lists the queues its query
  finds in that world.
- ``GET /strategies/{id}/status``; ``GET /queues/by_tag`` (from the DAG Manager).
"""
from __future__ import annotations

import hashlib
import json
import logging
import uuid
from typing import Annotated

import grpc
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from qmtl_reference.dagmanager.dag import TAG_QUERY_NODE, DagError, Node, parse_dag
from qmtl_reference.dagmanager.naming import DiffContext, NamingError, queue_name
from qmtl_wire import dagmanager_pb2 as pb

from .. import faults
from ..common.ids import ID_MAX_LENGTH, ID_PATTERN
from .dagmanager_client import DagManagerClient
from .strategy_schema import ERRORS, DryRunAnswer, StrategyAccepted, submission_openapi
from .submission import Submission, SubmissionRejected, encodable, validate
from .worlds_proxy import WorldServiceUnavailable

log = logging.getLogger("qmtl_reference.gateway.strategies")

router = APIRouter()

IdParam = Annotated[str, Path(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)]
INT64_MAX = 2**63 - 1
MAX_TAGS_TEXT = 4096

TAG_LOOKUP_SECONDS = 2.0
MATCH_MODES = ("any", "all")
# Real QMTL crashes on these (an unhandled 500); the reference answers 400 unless told to crash too.
CRASHING_CODES = ("E_DAG_JSON_INVALID", "E_DAG_NOT_OBJECT")


async def _json_body(request: Request):
    raw = await request.body()
    try:
        body = json.loads(raw or b"null")
    except (ValueError, RecursionError):
        raise SubmissionRejected(400, {"code": "E_BODY_INVALID", "message": "the request body is not JSON"}) from None
    if not encodable(body):
        raise SubmissionRejected(
            400, {"code": "E_BODY_INVALID", "message": "the request body holds an unpaired surrogate escape or is nested too deeply"}
        )
    return body


async def _validated(request: Request) -> Submission:
    return validate(await _json_body(request))


def _rejection(exc: SubmissionRejected):
    code = exc.detail.get("code") if isinstance(exc.detail, dict) else None
    if code in CRASHING_CODES and faults.is_active("bad_dag_json_500"):
        return PlainTextResponse("Internal Server Error", status_code=500)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status)


def _domain(meta: dict) -> str:
    return str(meta.get("execution_domain") or "")


async def tag_queues(
    dagmanager: DagManagerClient, tags: list[str], interval: int, match_mode: str, world_id: str | None
) -> list[dict]:
    """The DAG Manager's queues for the tags; with a world, that world's queues and the global ones."""
    reply = await dagmanager.tags.GetQueues(
        pb.TagQueryRequest(tags=tags, interval=interval, match_mode=match_mode), timeout=TAG_LOOKUP_SECONDS
    )
    found = [{"queue": q.queue, "global": getattr(q, "global")} for q in reply.queues]
    if world_id and not faults.is_active("by_tag_ignores_world"):
        found = [q for q in found if q["global"] or q["queue"].startswith(f"{world_id}.")]
    return found


async def predicted_queue_map(submission: Submission, dagmanager: DagManagerClient) -> dict[str, list[dict]]:
    """What the DAG Manager will name each node's queue in each world (the names are pure functions)."""
    nodes = parse_dag(json.dumps(submission.dag))
    namespaced = not faults.is_active("dry_run_without_namespace")
    contexts = [DiffContext(world_id=w, execution_domain=_domain(submission.meta)) for w in submission.world_ids]
    queue_map: dict[str, list[dict]] = {}
    for node in nodes:
        entries: list[dict] = []
        for ctx in contexts:
            if node.node_type == TAG_QUERY_NODE:
                entries.extend(await _tag_node_queues(dagmanager, node, ctx.world_id))
            else:
                entries.append({"queue": queue_name(node, ctx, namespaced=namespaced), "global": False})
        queue_map[node.node_id] = entries
    return queue_map


async def _tag_node_queues(dagmanager: DagManagerClient, node: Node, world_id: str) -> list[dict]:
    try:
        return await tag_queues(dagmanager, list(node.tags), node.interval, node.match_mode, world_id)
    except grpc.RpcError:
        # No DAG Manager: the node has no upstream queues yet, as in QMTL's offline mode.
        return []


async def _queue_map_or_reject(submission: Submission, dagmanager: DagManagerClient) -> dict[str, list[dict]]:
    try:
        return await predicted_queue_map(submission, dagmanager)
    except NamingError as exc:
        # A world or domain that cannot prefix a queue name would make world filters ambiguous.
        raise SubmissionRejected(422, {"code": "E_WORLD_ID_INVALID", "message": str(exc)}) from None
    except DagError as exc:
        raise SubmissionRejected(400, {"code": "E_SCHEMA_INVALID", "errors": [{"path": "nodes", "message": str(exc)}]}) from None


class _Claim:
    """The dedupe claim of one submission: held while it is written, released if the write fails."""

    def __init__(self, state, submission: Submission, strategy_id: str) -> None:
        self.state = state
        self.strategy_id = strategy_id
        self.key = submission.dag_hash
        if faults.is_active("dedupe_ignores_dag_hash"):
            self.key = uuid.uuid4().hex
        elif faults.is_active("dedupe_keyed_by_world"):
            self.key = hashlib.sha256((self.key + "|" + ",".join(sorted(submission.world_ids))).encode()).hexdigest()
        self.in_memory = faults.is_active("dedupe_in_memory")

    async def take(self) -> str | None:
        """None when this submission now holds the DAG; otherwise the strategy id that does."""
        if self.in_memory:
            seen = _seen(self.state)
            if self.key in seen:
                return seen[self.key]
            seen[self.key] = self.strategy_id
            return None
        return await self.state.stores.claim_dag_hash(self.key, self.strategy_id)

    async def release(self) -> None:
        if self.in_memory:
            seen = _seen(self.state)
            if seen.get(self.key) == self.strategy_id:
                del seen[self.key]
            return
        await self.state.stores.release_dag_hash(self.key, self.strategy_id)

    @property
    def redis_key(self) -> str | None:
        return None if self.in_memory else self.key


def _seen(state) -> dict:
    if not hasattr(state, "seen_dag_hashes"):
        state.seen_dag_hashes = {}
    return state.seen_dag_hashes


async def _undo(what: str, step) -> None:
    # Compensation is best effort: its own failure must not hide why the submission failed.
    try:
        await step()
    except Exception as exc:
        log.warning("could not undo %s after a failed submission: %s: %s", what, type(exc).__name__, exc)


async def _record(state, submission: Submission, strategy_id: str, claim: _Claim) -> None:
    """Postgres rows, WorldService bindings, then the Redis record and queue entry in one script.

    Until that last script runs, the strategy is invisible (status 404) and
    the worker never sees it; any failure before it removes what was written,
    so a retry is accepted as new rather than refused as a duplicate.
    """
    bind = not faults.is_active("skip_world_binding")
    worlds = submission.world_ids[:1] if faults.is_active("bind_first_world_only") else submission.world_ids
    bound = worlds if bind else []
    stores = state.stores
    await stores.record_rows(strategy_id, submission.meta, bound)
    try:
        for world_id in bound:
            try:
                await state.worldservice.bind(world_id, [strategy_id])
            except WorldServiceUnavailable:
                if not faults.is_active("binding_dropped_on_slow_worldservice"):
                    raise
                log.warning("binding %s to %s dropped: WorldService did not answer", strategy_id, world_id)
        await stores.commit_strategy(
            claim.redis_key, strategy_id, submission.dag, submission.dag_hash, submission.meta, submission.world_ids
        )
    except BaseException:
        await _undo("the Postgres rows", lambda: stores.delete_rows(strategy_id))
        raise


@router.post(
    "/strategies", status_code=202, openapi_extra=submission_openapi(),
    responses={202: {"model": StrategyAccepted}, **ERRORS},
)
async def submit(request: Request):
    state = request.app.state
    try:
        submission = await _validated(request)
        queue_map = await _queue_map_or_reject(submission, state.dagmanager)
    except SubmissionRejected as exc:
        return _rejection(exc)
    strategy_id = str(uuid.uuid4())
    claim = _Claim(state, submission, strategy_id)
    first = await claim.take()
    if first is not None:
        return JSONResponse({"detail": {"code": "E_DUPLICATE", "strategy_id": first}}, status_code=409)
    try:
        await _record(state, submission, strategy_id, claim)
    except BaseException:
        await _undo("the dedupe claim", claim.release)
        raise
    return JSONResponse(
        {
            "strategy_id": strategy_id,
            "queue_map": queue_map,
            "sentinel_id": f"{strategy_id}-sentinel",
            "node_ids_crc32": submission.node_ids_crc32,
            "downgraded": False,
            "downgrade_reason": None,
            "safe_mode": False,
        },
        status_code=202,
    )


@router.post(
    "/strategies/dry-run", openapi_extra=submission_openapi(), responses={200: {"model": DryRunAnswer}, **ERRORS}
)
async def dry_run(request: Request):
    try:
        submission = await _validated(request)
        queue_map = await _queue_map_or_reject(submission, request.app.state.dagmanager)
    except SubmissionRejected as exc:
        return _rejection(exc)
    return JSONResponse(
        {
            "queue_map": queue_map,
            "node_ids_crc32": submission.node_ids_crc32,
            "downgraded": False,
            "downgrade_reason": None,
            "safe_mode": False,
        }
    )


@router.get("/strategies/{strategy_id}/status")
async def strategy_status(strategy_id: IdParam, request: Request) -> JSONResponse:
    record = await request.app.state.stores.strategy(strategy_id)
    if record is None:
        if faults.is_active("unknown_strategy_reported_queued"):
            return JSONResponse({"status": "queued"})
        return JSONResponse({"detail": "strategy not found"}, status_code=404)
    return JSONResponse({"status": record.get("state", "queued")})


@router.get("/queues/by_tag")
async def queues_by_tag(
    request: Request,
    interval: int = Query(..., ge=-INT64_MAX - 1, le=INT64_MAX),
    tags: str = Query("", max_length=MAX_TAGS_TEXT),
    match_mode: str = Query("any", max_length=16),
    world_id: str | None = Query(None, pattern=ID_PATTERN, max_length=ID_MAX_LENGTH),
) -> JSONResponse:
    mode = match_mode.strip().lower() or "any"
    if faults.is_active("unknown_match_mode_is_any") and mode not in MATCH_MODES:
        mode = "any"
    if mode not in MATCH_MODES:
        # The shape FastAPI gives its own 422s, so the answer matches the published schema.
        message = f"match_mode must be one of {', '.join(MATCH_MODES)}"
        return JSONResponse(
            {"detail": [{"loc": ["query", "match_mode"], "msg": message, "type": "value_error"}]}, status_code=422
        )
    wanted = sorted({t.strip() for t in tags.split(",") if t.strip()})
    try:
        queues = await tag_queues(request.app.state.dagmanager, wanted, interval, mode, world_id)
    except grpc.RpcError as exc:
        if exc.code() == grpc.StatusCode.INVALID_ARGUMENT:
            return JSONResponse({"detail": exc.details()}, status_code=422)
        return JSONResponse({"detail": "DAG Manager unavailable"}, status_code=503)
    return JSONResponse({"queues": queues})
