"""A strategy's DAG as the Gateway receives it (contract section 5)."""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from qmtl_wire.nodeid import compute_node_id, node_ids_crc32

from .node import Node, NodeError
from .strategy import Strategy

SCHEMA_VERSION = "v1"


@dataclass(frozen=True)
class SerializedDag:
    dag: dict[str, Any]
    node_ids: dict[int, str]  # id(node) -> node id
    ordered_ids: list[str]

    @property
    def crc32(self) -> int:
        return node_ids_crc32(self.ordered_ids)

    def node_id(self, node: Node) -> str:
        return self.node_ids[id(node)]

    def dag_json_base64(self) -> str:
        text = json.dumps(self.dag, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return base64.b64encode(text.encode("utf-8")).decode("ascii")


def serialize(strategy: Strategy, *, world_id: str | None = None) -> SerializedDag:
    """The DAG for one world.

    The world rides in every node's params under ``world_id``, a key node ids
    ignore: the strategy keeps one set of node ids everywhere, while the DAG
    text — which the Gateway's duplicate check hashes — differs per world, so
    the same strategy can be bound to a second world.
    """
    extra = {"world_id": world_id} if world_id else None
    node_ids: dict[int, str] = {}
    specs = []
    seen: dict[str, str] = {}
    for node in strategy.ordered_nodes():
        spec = node.spec([node_ids[id(upstream)] for upstream in node.inputs], extra_params=extra)
        node_id = compute_node_id(spec)
        if node_id in seen:
            raise NodeError(f"nodes {seen[node_id]!r} and {node.name!r} compute the same thing (node id {node_id})")
        seen[node_id] = node.name
        spec["node_id"] = node_id
        node_ids[id(node)] = node_id
        specs.append(spec)
    ordered = [spec["node_id"] for spec in specs]
    return SerializedDag({"schema_version": SCHEMA_VERSION, "nodes": specs}, node_ids, ordered)
