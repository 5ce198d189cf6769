"""Reading the ``dag_json`` a diff request carries into the node facts the DAG
Manager needs. The Gateway has already checked node ids and checksums; what is
left here is refusing input that cannot be diffed at all, with a message that
says why."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping

from qmtl_wire.nodeid import tagquery_params

TAG_QUERY_NODE = "TagQueryNode"
# The widest integer a DiffChunk's BufferInstruction (int64) can carry.
INT64_LIMIT = 2**63
# What reading a malformed node raises (a params list where an object belongs, a tag that is a dict, …).
UNREADABLE = (TypeError, ValueError, AttributeError, KeyError, OverflowError, RecursionError)


class DagError(ValueError):
    """The DAG cannot be diffed; the message is meant for the caller."""


@dataclass(frozen=True)
class Node:
    node_id: str
    node_type: str
    interval: int
    period: int
    tags: tuple[str, ...]
    code_hash: str
    schema_hash: str
    schema_compat_id: str
    asset: str
    # What a TagQueryNode asks for: any or all of its tags.
    match_mode: str = "any"

    @property
    def needs_queue(self) -> bool:
        # A TagQueryNode reads other nodes' queues; it publishes nothing itself.
        return self.node_type != TAG_QUERY_NODE


def _int_field(node: Mapping[str, Any], field: str, index: int) -> int:
    raw = node.get(field)
    if raw is None or raw == "":
        return 0
    if isinstance(raw, bool):
        raise DagError(f"node {index}: {field} must be an integer, got {raw!r}")
    if isinstance(raw, float) and raw != raw:
        raise DagError(f"node {index}: {field} must be an integer, got NaN")
    try:
        value = int(raw)
    except (TypeError, ValueError, OverflowError):
        raise DagError(f"node {index}: {field} must be an integer, got {_short(raw)}") from None
    if not -INT64_LIMIT <= value < INT64_LIMIT:
        raise DagError(f"node {index}: {field} {value} is outside the 64-bit integer range")
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _asset(node: Mapping[str, Any]) -> str:
    params = node.get("params")
    if isinstance(params, Mapping):
        for key in ("asset", "symbol"):
            value = params.get(key)
            if isinstance(value, str):
                cleaned = "".join(ch for ch in value.lower() if ch.isalnum())
                if cleaned:
                    return cleaned
    return "asset"


def _tags(node: Mapping[str, Any]) -> tuple[str, ...]:
    if node.get("node_type") == TAG_QUERY_NODE:
        return tuple(tagquery_params(node)["query_tags"])
    raw = node.get("tags") or []
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list):
        return ()
    return tuple(sorted({str(t).strip() for t in items if str(t).strip()}))


def parse_dag(dag_json: str) -> list[Node]:
    if not dag_json.strip():
        raise DagError("dag_json is empty")
    try:
        dag = json.loads(dag_json)
    except json.JSONDecodeError as exc:
        raise DagError(f"dag_json is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise DagError("dag_json is nested too deeply") from None
    try:
        json.dumps(dag, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, RecursionError, ValueError):
        # Every name taken from the DAG goes into protobuf strings, which must be valid UTF-8.
        raise DagError("dag_json holds an unpaired surrogate escape or is nested too deeply") from None
    if not isinstance(dag, dict):
        raise DagError(f"dag_json must be a JSON object with a 'nodes' list, got a JSON {type(dag).__name__}")
    nodes = dag.get("nodes")
    if not isinstance(nodes, list):
        raise DagError("dag_json has no 'nodes' list")
    parsed: list[Node] = []
    seen: set[str] = set()
    for index, raw in enumerate(nodes):
        if not isinstance(raw, dict):
            raise DagError(f"node {index} is not a JSON object")
        node_id = raw.get("node_id")
        if not isinstance(node_id, str) or not node_id:
            raise DagError(f"node {index} has no node_id")
        if node_id in seen:
            raise DagError(f"node {index} repeats node_id {node_id}")
        seen.add(node_id)
        node_type = raw.get("node_type")
        if not isinstance(node_type, str) or not node_type:
            raise DagError(f"node {index} ({node_id}) has no node_type")
        parsed.append(_node(raw, index, node_id, node_type))
    return parsed


def _node(raw: Mapping[str, Any], index: int, node_id: str, node_type: str) -> Node:
    try:
        return Node(
            node_id=node_id,
            node_type=node_type,
            interval=_int_field(raw, "interval", index),
            period=_int_field(raw, "period", index),
            tags=_tags(raw),
            code_hash=str(raw.get("code_hash") or ""),
            schema_hash=str(raw.get("schema_hash") or ""),
            schema_compat_id=str(raw.get("schema_compat_id") or raw.get("schema_id") or ""),
            asset=_asset(raw),
            match_mode=tagquery_params(raw)["match_mode"] if node_type == TAG_QUERY_NODE else "any",
        )
    except DagError:
        raise
    except UNREADABLE as exc:
        raise DagError(f"node {index} ({node_id}) cannot be read: {type(exc).__name__}: {_short(str(exc))}") from None


@dataclass(frozen=True)
class DagScope:
    """The world and execution domain a DAG names in its own ``meta``."""

    world_id: str = ""
    execution_domain: str = ""


def _meta_text(meta: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        value = meta.get(key)
        if value is None or value == "":
            continue
        # QMTL reads a number as its text; anything else cannot name a world or domain.
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise DagError(f"meta.{key} must be a string, got {value!r}")
        return str(value).strip()
    return ""


def dag_scope(dag_json: str) -> DagScope:
    """Read ``meta.world``/``meta.world_id`` and ``meta.execution_domain``/``meta.domain``,
    as QMTL's DAG Manager does; a DAG without a ``meta`` object names neither.
    Call it on a ``dag_json`` that ``parse_dag`` has accepted."""
    meta = json.loads(dag_json).get("meta")
    if not isinstance(meta, Mapping):
        return DagScope()
    return DagScope(
        world_id=_meta_text(meta, "world", "world_id"),
        execution_domain=_meta_text(meta, "execution_domain", "domain").lower(),
    )
