"""Builds strategy DAGs whose node ids and checksum are the canonical ones.

Each builder is labelled (the scenario's unique id), and the label enters each
node's code hash, so two scenarios never build the same node or the same DAG.
"""
from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from qmtl_wire.nodeid import compute_node_id, node_ids_crc32

SCHEMA_VERSION = "v1"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Dag:
    nodes: list[dict[str, Any]]
    schema_version: Any = SCHEMA_VERSION

    def as_json(self, *, meta: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The DAG as submitted; ``meta`` is the DAG's own ``meta`` object (e.g. its
        world and execution domain), which QMTL's DAG Manager reads; node ids ignore it."""
        body: dict[str, Any] = {"nodes": self.nodes}
        if self.schema_version is not None:
            body = {"schema_version": self.schema_version, **body}
        if meta is not None:
            body["meta"] = dict(meta)
        return body

    @property
    def node_ids(self) -> list[str]:
        return [n["node_id"] for n in self.nodes]

    @property
    def crc32(self) -> int:
        return node_ids_crc32(self.node_ids)

    def node(self, name: str) -> dict[str, Any]:
        for node in self.nodes:
            if node["name"] == name:
                return node
        raise KeyError(f"the DAG has no node named {name!r}")

    def copy(self) -> "Dag":
        return Dag(copy.deepcopy(self.nodes), self.schema_version)


@dataclass
class DagBuilder:
    label: str
    nodes: list[dict[str, Any]] = field(default_factory=list)

    def _add(self, node_type: str, name: str, interval: int, period: int, params: dict, inputs: Iterable[str], tags: Iterable[str]) -> str:
        schema_hash = _sha256("schema:" + json.dumps({}, sort_keys=True))
        node: dict[str, Any] = {
            "node_type": node_type,
            "name": name,
            "interval": interval,
            "period": period,
            "params": params,
            "dependencies": list(inputs),
            "inputs": list(inputs),
            "tags": list(tags),
            "code_hash": _sha256(f"code:{self.label}:{node_type}:{name}"),
            "config_hash": _sha256("config:" + json.dumps(params, sort_keys=True)),
            "schema_hash": schema_hash,
            "schema_compat_id": schema_hash,
        }
        node["node_id"] = compute_node_id(node)
        self.nodes.append(node)
        return node["node_id"]

    def stream_input(self, name: str, *, interval: int = 60, period: int = 5, tags: Iterable[str] = (), params: dict | None = None) -> str:
        return self._add("StreamInput", name, interval, period, dict(params or {}), (), tags)

    def processing(self, name: str, inputs: Iterable[str], *, interval: int = 60, period: int = 5, params: dict | None = None, tags: Iterable[str] = ()) -> str:
        return self._add("ProcessingNode", name, interval, period, dict(params or {}), inputs, tags)

    def tag_query(self, name: str, tags: Iterable[str], *, match_mode: str = "any", interval: int = 60, period: int = 5) -> str:
        return self._add("TagQueryNode", name, interval, period, {"query_tags": sorted(set(tags)), "match_mode": match_mode}, (), ())

    def build(self) -> Dag:
        return Dag(copy.deepcopy(self.nodes))


def two_node_strategy(label: str, *, interval: int = 60, period: int = 5, tags: Iterable[str] = ()) -> Dag:
    """A price stream feeding one computation: the smallest DAG a strategy submits."""
    builder = DagBuilder(label)
    price = builder.stream_input("price", interval=interval, period=period, tags=tags)
    builder.processing("signal", [price], interval=interval, period=period)
    return builder.build()
