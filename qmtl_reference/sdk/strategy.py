"""A strategy: a set of nodes, declared in ``setup()``."""
from __future__ import annotations

from typing import Iterable

from .node import Node, NodeError, ProcessingNode, StreamInput


class Strategy:
    def __init__(self) -> None:
        self._nodes: list[Node] = []

    def setup(self) -> None:
        raise NotImplementedError(f"{type(self).__name__} must declare its nodes in setup()")

    def add_nodes(self, nodes: Iterable[Node]) -> None:
        for node in nodes:
            if not isinstance(node, Node):
                raise NodeError(f"{node!r} is not a node")
            if any(node is known for known in self._nodes):
                continue
            self._nodes.append(node)

    @property
    def nodes(self) -> list[Node]:
        return list(self._nodes)

    def streams(self) -> list[StreamInput]:
        return [n for n in self._nodes if isinstance(n, StreamInput)]

    def processing_nodes(self) -> list[ProcessingNode]:
        return [n for n in self._nodes if isinstance(n, ProcessingNode)]

    def ordered_nodes(self) -> list[Node]:
        """Every node after its inputs; the order the DAG and the node-id checksum use."""
        members = {id(n) for n in self._nodes}
        ordered: list[Node] = []
        state: dict[int, str] = {}

        def visit(node: Node, path: tuple[str, ...]) -> None:
            mark = state.get(id(node))
            if mark == "done":
                return
            if mark == "visiting":
                raise NodeError(f"nodes form a cycle: {' -> '.join(path + (node.name,))}")
            state[id(node)] = "visiting"
            for upstream in node.inputs:
                if id(upstream) not in members:
                    raise NodeError(f"node {node.name!r} reads {upstream.name!r}, which the strategy did not add")
                visit(upstream, path + (node.name,))
            state[id(node)] = "done"
            ordered.append(node)

        for node in self._nodes:
            visit(node, ())
        return ordered
