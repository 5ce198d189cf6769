"""DiffService: Diff streams a DAG's queue map in acknowledged chunks; AckChunk answers them.

Stop-and-wait: chunk k+1 is sent only once chunk k is acknowledged. An
unacknowledged chunk is sent again, byte for byte, every ``resend_interval``
until it is acknowledged or the caller's deadline ends the call
(DEADLINE_EXCEEDED). Each chunk's ``crc32`` is the checksum of the whole DAG's
node ids, the same value a submission carries as ``node_ids_crc32``.
"""
from __future__ import annotations

import asyncio
import json

import grpc

from qmtl_reference.dagmanager.acks import AckBook
from qmtl_reference.dagmanager.dag import DagError, DagScope, dag_scope, parse_dag
from qmtl_reference.dagmanager.guard import store_guard
from qmtl_reference.dagmanager.naming import DiffContext, NamingError, sentinel_id
from qmtl_reference.dagmanager.plan import QueuePlan, in_chunks, plan_queues
from qmtl_reference.dagmanager.settings import Settings
from qmtl_reference.dagmanager.store import DagStore
from qmtl_wire import dagmanager_pb2 as pb
from qmtl_wire import dagmanager_pb2_grpc as pb_grpc
from qmtl_wire.nodeid import node_ids_crc32


def buffer_instruction(plan: QueuePlan) -> pb.BufferInstruction:
    node = plan.node
    return pb.BufferInstruction(
        node_id=node.node_id,
        node_type=node.node_type,
        code_hash=node.code_hash,
        schema_hash=node.schema_hash,
        interval=node.interval,
        period=node.period,
        tags=list(node.tags),
        lag=node.period,
        schema_compat_id=node.schema_compat_id,
    )


def _refuse_params_not_object(dag_json: str) -> None:
    for index, node in enumerate(json.loads(dag_json)["nodes"]):
        if not isinstance(node.get("params"), dict):
            raise DagError(f"node {index}: params must be a JSON object")


def build_chunk(
    plans: list[QueuePlan], sentinel: str, version: str, new_queues: frozenset[str], crc: int, *, rebuffer: bool = False
) -> pb.DiffChunk:
    # A queue created by this diff whose node keeps a window must be warmed up
    # with history before it serves; existing queues already hold theirs.
    warm = [buffer_instruction(p) for p in plans if (p.queue in new_queues or rebuffer) and p.node.period > 0]
    return pb.DiffChunk(
        queue_map={p.key: p.queue for p in plans},
        sentinel_id=sentinel,
        buffer_nodes=warm,
        version=version,
        crc32=crc,
    )


class DiffService(pb_grpc.DiffServiceServicer):
    def __init__(self, store: DagStore, acks: AckBook, settings: Settings) -> None:
        self._store = store
        self._acks = acks
        self._settings = settings

    @store_guard
    async def Diff(self, request: pb.DiffRequest, context: grpc.aio.ServicerContext) -> None:
        if not request.strategy_id:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "strategy_id is required")
        try:
            nodes = parse_dag(request.dag_json)
            if self._settings.fault("dagmanager_params_must_be_objects"):
                _refuse_params_not_object(request.dag_json)
            # The request's fields win; a DAG may name its own world and domain in
            # its meta, which is where QMTL's DAG Manager takes them from.
            scope = DagScope() if self._settings.fault("dagmanager_namespace_ignores_meta") else dag_scope(request.dag_json)
            ctx = DiffContext(
                world_id=request.world_id or scope.world_id,
                execution_domain=request.execution_domain or scope.execution_domain,
                as_of=request.as_of,
                partition=request.partition,
                dataset_fingerprint=request.dataset_fingerprint,
            )
        except (DagError, NamingError) as exc:
            if self._settings.fault("dagmanager_bad_dag_unknown"):
                await context.abort(grpc.StatusCode.UNKNOWN, "")
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        sentinel = sentinel_id(request.strategy_id)
        plans = plan_queues(nodes, ctx, namespaced=not self._settings.fault("dagmanager_unnamespaced_queues"))
        recorded = await self._store.record(request.strategy_id, sentinel, request.dag_json, ctx, plans)
        crc = node_ids_crc32(n.node_id for n in nodes)
        for chunk_id, part in enumerate(in_chunks(plans, self._settings.chunk_size)):
            chunk = build_chunk(part, sentinel, recorded.version, recorded.new_queues, crc,
                                rebuffer=self._settings.fault("dagmanager_rebuffers_known_queues"))
            await self._deliver(context, sentinel, chunk_id, chunk)

    async def _deliver(
        self, context: grpc.aio.ServicerContext, sentinel: str, chunk_id: int, chunk: pb.DiffChunk
    ) -> None:
        loop = asyncio.get_running_loop()
        acked = self._acks.expect(sentinel, chunk_id)
        give_up = loop.time() + self._settings.ack_timeout
        resend = not self._settings.fault("dagmanager_no_ack_resend")
        try:
            await context.write(chunk)
            while True:
                left = give_up - loop.time()
                if left <= 0:
                    await context.abort(
                        grpc.StatusCode.DEADLINE_EXCEEDED,
                        f"chunk {chunk_id} of {sentinel} was not acknowledged within {self._settings.ack_timeout:g} s",
                    )
                try:
                    await asyncio.wait_for(acked.wait(), min(self._settings.resend_interval, left))
                    return
                except TimeoutError:
                    if resend and give_up > loop.time():
                        await context.write(chunk)
        finally:
            self._acks.forget(sentinel, chunk_id, acked)

    async def AckChunk(self, request: pb.ChunkAck, context: grpc.aio.ServicerContext) -> pb.ChunkAck:
        # A late or repeated acknowledgement is harmless: the answer is the same echo.
        self._acks.acknowledge(request.sentinel_id, request.chunk_id)
        return pb.ChunkAck(sentinel_id=request.sentinel_id, chunk_id=request.chunk_id)
