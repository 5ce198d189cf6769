"""AdminService: queue statistics, cleanup of a strategy's queues, and redoing a diff.

- GetQueueStats ``filter``: empty lists every queue; otherwise only queue
  names containing the filter text.
- Cleanup releases the strategy's queues (a queue another strategy still uses
  stays) and forgets its sentinel; cleaning an unknown strategy is a no-op.
- RedoDiff re-runs the diff for every context (world, domain, …) the strategy
  was diffed in, with the new ``dag_json`` or, when empty, the last one;
  queues the new DAG no longer needs are released; the version goes up.
"""
from __future__ import annotations

import grpc

from qmtl_reference.dagmanager.dag import DagError, parse_dag
from qmtl_reference.dagmanager.guard import store_guard
from qmtl_reference.dagmanager.naming import DiffContext
from qmtl_reference.dagmanager.plan import plan_queues
from qmtl_reference.dagmanager.settings import Settings
from qmtl_reference.dagmanager.store import DagStore
from qmtl_wire import dagmanager_pb2 as pb
from qmtl_wire import dagmanager_pb2_grpc as pb_grpc


class AdminService(pb_grpc.AdminServiceServicer):
    def __init__(self, store: DagStore, settings: Settings) -> None:
        self._store = store
        self._settings = settings

    @store_guard
    async def GetQueueStats(self, request: pb.QueueStatsRequest, context: grpc.aio.ServicerContext) -> pb.QueueStats:
        return pb.QueueStats(sizes=await self._store.queue_sizes(request.filter))

    @store_guard
    async def Cleanup(self, request: pb.CleanupRequest, context: grpc.aio.ServicerContext) -> pb.CleanupResponse:
        if not request.strategy_id:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "strategy_id is required")
        state = await self._store.strategy_state(request.strategy_id)
        if not self._settings.fault("dagmanager_cleanup_keeps_queues"):
            await self._store.release(request.strategy_id, state.queues)
        await self._store.forget_strategy(request.strategy_id)
        return pb.CleanupResponse()

    @store_guard
    async def RedoDiff(self, request: pb.RedoDiffRequest, context: grpc.aio.ServicerContext) -> pb.DiffResult:
        if not request.sentinel_id:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "sentinel_id is required")
        if self._settings.fault("dagmanager_redo_diff_fails"):
            await context.abort(grpc.StatusCode.UNKNOWN, "Unexpected error")
        strategy_id = await self._store.strategy_for_sentinel(request.sentinel_id)
        if strategy_id is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"unknown sentinel {request.sentinel_id!r}")
        state = await self._store.strategy_state(strategy_id)
        dag_json = request.dag_json or state.dag_json
        try:
            nodes = parse_dag(dag_json)
        except DagError as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        contexts = state.contexts or (DiffContext(),)
        namespaced = not self._settings.fault("dagmanager_unnamespaced_queues")
        plans = [plan for ctx in contexts for plan in plan_queues(nodes, ctx, namespaced=namespaced)]
        recorded = await self._store.record(strategy_id, request.sentinel_id, dag_json, None, plans)
        await self._store.release(strategy_id, state.queues - {p.queue for p in plans})
        return pb.DiffResult(
            queue_map={p.key: p.queue for p in plans}, sentinel_id=request.sentinel_id, version=recorded.version
        )
