"""What a run works on: the set-up strategy and its DAG for the chosen world."""
from __future__ import annotations

from dataclasses import dataclass

from qmtl_reference.sdk import Node, NodeError, SerializedDag, Strategy, serialize

from .errors import RunnerError


@dataclass(frozen=True)
class RunPlan:
    reference: str
    strategy: Strategy
    dag: SerializedDag

    def node_id(self, node: Node) -> str:
        return self.dag.node_id(node)


def make_plan(reference: str, strategy: Strategy, *, world_id: str | None) -> RunPlan:
    try:
        dag = serialize(strategy, world_id=world_id)
    except NodeError as exc:
        raise RunnerError(f"strategy {reference!r} is malformed: {exc}") from None
    return RunPlan(reference, strategy, dag)
