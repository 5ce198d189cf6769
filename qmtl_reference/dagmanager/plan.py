"""Which queues a diff gives a DAG in one context (pure; no I/O)."""
from __future__ import annotations

from dataclasses import dataclass

from qmtl_reference.dagmanager.dag import Node
from qmtl_reference.dagmanager.naming import DiffContext, queue_map_key, queue_name


@dataclass(frozen=True)
class QueuePlan:
    key: str
    queue: str
    node: Node
    ctx: DiffContext

    @property
    def is_global(self) -> bool:
        return not self.ctx.world_id


def plan_queues(nodes: list[Node], ctx: DiffContext, *, namespaced: bool = True) -> list[QueuePlan]:
    return [
        QueuePlan(key=queue_map_key(n, ctx), queue=queue_name(n, ctx, namespaced=namespaced), node=n, ctx=ctx)
        for n in nodes
        if n.needs_queue
    ]


def in_chunks(plans: list[QueuePlan], size: int) -> list[list[QueuePlan]]:
    """Split into chunks of at most ``size``; an empty DAG still yields one (empty) chunk,
    so every diff carries its sentinel."""
    if not plans:
        return [[]]
    return [plans[i : i + size] for i in range(0, len(plans), size)]
