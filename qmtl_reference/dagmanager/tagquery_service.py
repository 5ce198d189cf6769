"""TagQuery.GetQueues: the queues of diffed nodes that carry the asked tags at the asked interval.

``match_mode`` ``any`` (the default when empty) wants one shared tag, ``all``
wants every asked tag on the node. Queues of every world are returned; each
says whether it is global (shared by all worlds) or world-namespaced.
"""
from __future__ import annotations

import grpc

from qmtl_reference.dagmanager.guard import store_guard
from qmtl_reference.dagmanager.settings import Settings
from qmtl_reference.dagmanager.store import DagStore
from qmtl_wire import dagmanager_pb2 as pb
from qmtl_wire import dagmanager_pb2_grpc as pb_grpc

MATCH_MODES = ("any", "all")


class TagQueryService(pb_grpc.TagQueryServicer):
    def __init__(self, store: DagStore, settings: Settings) -> None:
        self._store = store
        self._settings = settings

    @store_guard
    async def GetQueues(self, request: pb.TagQueryRequest, context: grpc.aio.ServicerContext) -> pb.TagQueryReply:
        mode = (request.match_mode or "any").strip().lower()
        if mode not in MATCH_MODES:
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT, f"match_mode must be one of {', '.join(MATCH_MODES)}, got {request.match_mode!r}"
            )
        tags = sorted({t.strip() for t in request.tags if t.strip()})
        if self._settings.fault("tagquery_forgets_diffed_nodes"):
            return pb.TagQueryReply()
        match_all = mode == "all" and not self._settings.fault("tagquery_ignores_match_mode")
        found = await self._store.queues_for_tags(tags, request.interval, match_all)
        return pb.TagQueryReply(queues=[pb.QueueDescriptor(queue=q, **{"global": g}) for q, g in found])
