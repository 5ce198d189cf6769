"""The submission matrix's crafted requests (contract §5): each phrase → the bodies it sends and what it altered.

Pure: a case is given the scenario's DAG and a function naming world ids by
role, and returns a ``Crafted`` — the body under test, the bodies sent before
it (with the status each must get), and which nodes it altered how, so the
evidence checks know the exact answer to expect.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any, Callable

from qmtl_wire.nodeid import compute_node_id, node_ids_crc32

from ..dag import Dag, two_node_strategy

NON_CANONICAL_ID = "blake3:" + "0" * 64
World = Callable[[str], str]


@dataclass
class Crafted:
    body: dict[str, Any]
    # (body, the HTTP status it must get) sent before the body under test; a 202 among them is "the first".
    earlier: list[tuple[dict[str, Any], int]] = field(default_factory=list)
    # node index → the canonical id of a node whose id was altered
    mismatched: dict[int, str] = field(default_factory=dict)
    # node index → the fields removed or emptied
    missing: dict[int, list[str]] = field(default_factory=dict)

    @property
    def sent_node_ids(self) -> list[str]:
        dag = decoded(self.body["dag_json"])
        nodes = dag.get("nodes") if isinstance(dag, dict) else None
        return [str(n.get("node_id") or "") for n in nodes or [] if isinstance(n, dict)]

    @property
    def sent_crc(self) -> Any:
        return self.body.get("node_ids_crc32")


def encoded(dag: Any) -> str:
    return base64.b64encode(json.dumps(dag).encode("utf-8")).decode("ascii")


def decoded(dag_json: str) -> Any:
    text = dag_json.strip()
    if text[:1] not in ("{", "["):
        try:
            text = base64.b64decode(text, validate=True).decode("utf-8")
        except ValueError:
            return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def body(dag_json: str, world_ids: list[str] | None, crc: Any, meta: dict | None = None, **extra: Any) -> dict[str, Any]:
    sent: dict[str, Any] = {"dag_json": dag_json, "meta": meta or {"execution_domain": "dryrun"}, "node_ids_crc32": crc}
    if world_ids is not None:
        sent["world_ids"] = world_ids
    sent.update(extra)
    return sent


def plain(dag: Dag, world_ids: list[str] | None, **kwargs: Any) -> dict[str, Any]:
    return body(encoded(dag.as_json()), world_ids, dag.crc32, **kwargs)


def altered(dag: Dag, world_ids: list[str], changes: dict[int, Callable[[dict], None]], *,
            keep_ids: bool = True) -> tuple[dict[str, Any], dict[int, str]]:
    """The DAG with nodes changed in place; the checksum is recomputed over the ids as sent,
    so the change itself is what the Gateway must object to. Returns the body and each changed
    node's canonical id."""
    changed = dag.copy()
    canonical: dict[int, str] = {}
    for index, change in changes.items():
        change(changed.nodes[index])
        canonical[index] = compute_node_id(changed.nodes[index])
        if not keep_ids:
            changed.nodes[index]["node_id"] = canonical[index]
    sent = body(encoded(changed.as_json()), world_ids, node_ids_crc32(changed.node_ids))
    return sent, canonical


def without(*fields: str) -> Callable[[dict], None]:
    def drop(node: dict) -> None:
        for name in fields:
            node.pop(name, None)

    return drop


def emptied(name: str) -> Callable[[dict], None]:
    return lambda node: node.update({name: ""})


def missing_case(dag: Dag, world: World, changes: dict[int, tuple[Callable[[dict], None], list[str]]]) -> Crafted:
    sent, _ = altered(dag, [world("alpha")], {i: c for i, (c, _) in changes.items()})
    return Crafted(sent, missing={i: fields for i, (_, fields) in changes.items()})


def mismatch_case(dag: Dag, world: World, changes: dict[int, Callable[[dict], None]]) -> Crafted:
    sent, canonical = altered(dag, [world("alpha")], changes)
    return Crafted(sent, mismatched=canonical)


def set_id(node_id: str) -> Callable[[dict], None]:
    return lambda node: node.update(node_id=node_id)


def _reordered(dag: Dag) -> dict[str, Any]:
    """The same DAG with every object's keys in reverse order: equal once keys are sorted."""
    def flip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: flip(value[k]) for k in reversed(list(value))}
        if isinstance(value, list):
            return [flip(v) for v in value]
        return value
    return flip(dag.as_json())


def _schema(dag: Dag, world: World, version: Any, **kwargs: Any) -> dict[str, Any]:
    return plain(Dag(dag.copy().nodes, schema_version=version), [world("alpha")], **kwargs)


def _no_schema_version(dag: Dag, world: World) -> dict[str, Any]:
    return plain(Dag(dag.copy().nodes, schema_version=None), [world("alpha")])


def _legacy_schema_id(node: dict) -> None:
    node["schema_id"] = node.pop("schema_compat_id")


def _other(dag: Dag) -> Dag:
    return two_node_strategy(dag.nodes[0]["code_hash"][:16] + "-other")


def _first(dag: Dag, world: World, *roles: str) -> tuple[dict[str, Any], int]:
    return plain(dag, [world(r) for r in roles or ("alpha",)]), 202


def _refused_then(dag: Dag, world: World) -> Crafted:
    refused = body(encoded(dag.as_json()), [world("alpha")], (dag.crc32 + 1) & 0xFFFFFFFF)
    return Crafted(plain(dag, [world("alpha")]), earlier=[(refused, 400)])


def _reverse_crc(dag: Dag) -> int:
    return node_ids_crc32(list(reversed(dag.node_ids)))


def _descending(dag: Dag) -> Dag:
    """The same nodes with their ids in descending order, so the order sent is never the sorted one."""
    return Dag(sorted(dag.copy().nodes, key=lambda n: n["node_id"], reverse=True), dag.schema_version)


def _renamed(dag: Dag) -> Dag:
    """The same node ids under other names: a different DAG, though no node id changed."""
    other = dag.copy()
    for node in other.nodes:
        node["name"] = node["name"] + "_renamed"
    return other


def _sorted_crc(dag: Dag, world: World) -> Crafted:
    nodes = _descending(dag)
    return Crafted(body(encoded(nodes.as_json()), [world("alpha")], node_ids_crc32(sorted(nodes.node_ids))))


def _unstated(dag: Dag, index: int, fields: tuple[str, ...], value: Any = None, *, remove: bool = True) -> Dag:
    """The DAG with one node stating none of ``fields``: its id is computed with each field 0, then the
    field is removed (or set to ``value``), so the id is the one the contract's "missing = 0" gives."""
    changed = dag.copy()
    node = changed.nodes[index]
    old_id = node["node_id"]
    for name in fields:
        node[name] = 0
    node["node_id"] = compute_node_id(node)
    for name in fields:
        if remove:
            node.pop(name)
        else:
            node[name] = value
    for other in changed.nodes:
        for key in ("dependencies", "inputs"):
            other[key] = [node["node_id"] if d == old_id else d for d in other.get(key, [])]
    for later in changed.nodes[index + 1:]:
        later["node_id"] = compute_node_id(later)
    return changed


def _crc(dag: Dag, world: World, crc: Any) -> Crafted:
    return Crafted(body(encoded(dag.as_json()), [world("alpha")], crc))


CASES: dict[str, Callable[[Dag, World], Crafted]] = {
    # accepted
    "a valid strategy to world alpha": lambda d, w: Crafted(plain(d, [w("alpha")])),
    "one strategy to worlds alpha and beta": lambda d, w: Crafted(plain(d, [w("alpha"), w("beta")])),
    "a valid strategy sent as plain JSON text": lambda d, w: Crafted(body(json.dumps(d.as_json()), [w("alpha")], d.crc32)),
    "a strategy of schema version 1": lambda d, w: Crafted(_schema(d, w, "1")),
    "a strategy of schema version 1.0": lambda d, w: Crafted(_schema(d, w, "1.0")),
    "a strategy whose nodes carry the legacy schema id": lambda d, w: Crafted(
        altered(d, [w("alpha")], {0: _legacy_schema_id, 1: _legacy_schema_id})[0]),
    "a strategy whose node params name its world": lambda d, w: Crafted(
        altered(d, [w("alpha")], {0: lambda n: n["params"].update(world_id=w("alpha"), seed=7)})[0]),
    "a second, different strategy to world alpha": lambda d, w: Crafted(plain(d, [w("alpha")]), earlier=[_first(_other(d), w)]),
    "the same strategy after it was refused for its checksum": _refused_then,
    "a valid strategy whose node ids are in descending order": lambda d, w: Crafted(plain(_descending(d), [w("alpha")])),
    "the same nodes under other names after world alpha": lambda d, w: Crafted(
        plain(_renamed(d), [w("alpha")]), earlier=[_first(d, w)]),
    "a strategy whose first node states no interval": lambda d, w: Crafted(plain(_unstated(d, 0, ("interval",)), [w("alpha")])),
    "a strategy whose last node states no period": lambda d, w: Crafted(plain(_unstated(d, 1, ("period",)), [w("alpha")])),
    "a strategy whose first node states neither interval nor period": lambda d, w: Crafted(
        plain(_unstated(d, 0, ("interval", "period")), [w("alpha")])),
    "a strategy whose last node's interval and period are null": lambda d, w: Crafted(
        plain(_unstated(d, 1, ("interval", "period"), remove=False), [w("alpha")])),
    # duplicates
    "the same strategy to world alpha a second time": lambda d, w: Crafted(plain(d, [w("alpha")]), earlier=[_first(d, w)]),
    "the same strategy to world beta after world alpha": lambda d, w: Crafted(plain(d, [w("beta")]), earlier=[_first(d, w)]),
    "the same strategy to worlds alpha and beta after world alpha": lambda d, w: Crafted(
        plain(d, [w("alpha"), w("beta")]), earlier=[_first(d, w)]),
    "the same strategy with another execution domain": lambda d, w: Crafted(
        plain(d, [w("alpha")], meta={"execution_domain": "backtest"}), earlier=[_first(d, w)]),
    "the same strategy as plain JSON text after base64": lambda d, w: Crafted(
        body(json.dumps(d.as_json()), [w("alpha")], d.crc32), earlier=[_first(d, w)]),
    "the same strategy with its keys in another order": lambda d, w: Crafted(
        body(encoded(_reordered(d)), [w("alpha")], d.crc32), earlier=[_first(d, w)]),
    "the same strategy a third time": lambda d, w: Crafted(
        plain(d, [w("alpha")]), earlier=[_first(d, w), (plain(d, [w("alpha")]), 409)]),
    # schema version
    "a strategy without a schema version": lambda d, w: Crafted(_no_schema_version(d, w)),
    "a strategy of schema version v2": lambda d, w: Crafted(_schema(d, w, "v2")),
    "a strategy with an empty schema version": lambda d, w: Crafted(_schema(d, w, "")),
    "a strategy whose schema version is the number 2": lambda d, w: Crafted(_schema(d, w, 2)),
    "a strategy with a bad schema version and a bad checksum": lambda d, w: Crafted(
        _schema(d, w, "v2") | {"node_ids_crc32": (d.crc32 + 1) & 0xFFFFFFFF}),
    # checksum
    "a strategy whose node-id checksum does not match": lambda d, w: Crafted(
        body(encoded(d.as_json()), [w("alpha")], (d.crc32 + 1) & 0xFFFFFFFF)),
    "a strategy whose node-id checksum is zero": lambda d, w: Crafted(body(encoded(d.as_json()), [w("alpha")], 0)),
    "a strategy whose checksum covers its node ids in reverse order": lambda d, w: Crafted(
        body(encoded(d.as_json()), [w("alpha")], _reverse_crc(d))),
    "a strategy whose checksum covers its node ids in sorted order": _sorted_crc,
    "the same strategy with a bad checksum after world alpha": lambda d, w: Crafted(
        body(encoded(d.as_json()), [w("alpha")], (d.crc32 + 1) & 0xFFFFFFFF), earlier=[_first(d, w)]),
    "a strategy whose checksum covers only its first node": lambda d, w: Crafted(
        body(encoded(d.as_json()), [w("alpha")], node_ids_crc32(d.node_ids[:1]))),
    "a strategy whose checksum covers its node ids joined by commas": lambda d, w: Crafted(
        body(encoded(d.as_json()), [w("alpha")], node_ids_crc32([",".join(d.node_ids)]))),
    "a strategy whose checksum is the right one plus 2 to the 32nd power": lambda d, w: _crc(d, w, d.crc32 + 2**32),
    "a strategy whose checksum is the right one as a negative 32-bit number": lambda d, w: _crc(d, w, d.crc32 - 2**32),
    "a strategy whose checksum is minus one": lambda d, w: _crc(d, w, -1),
    "a strategy whose checksum is one less than the right one": lambda d, w: _crc(d, w, (d.crc32 - 1) & 0xFFFFFFFF),
    "a strategy with a bad checksum and a node lacking its config hash": lambda d, w: Crafted(
        altered(d, [w("alpha")], {1: without("config_hash")})[0] | {"node_ids_crc32": 0}),
    # fields the node id is computed from
    "a strategy with a node lacking its config hash": lambda d, w: missing_case(d, w, {1: (without("config_hash"), ["config_hash"])}),
    "a strategy whose first node lacks its code hash": lambda d, w: missing_case(d, w, {0: (without("code_hash"), ["code_hash"])}),
    "a strategy whose first node lacks its node type": lambda d, w: missing_case(d, w, {0: (without("node_type"), ["node_type"])}),
    "a strategy whose last node lacks its schema hash": lambda d, w: missing_case(d, w, {1: (without("schema_hash"), ["schema_hash"])}),
    "a strategy whose last node lacks its schema compat id": lambda d, w: missing_case(
        d, w, {1: (without("schema_compat_id"), ["schema_compat_id"])}),
    "a strategy whose first node has an empty config hash": lambda d, w: missing_case(d, w, {0: (emptied("config_hash"), ["config_hash"])}),
    "a strategy whose two nodes each lack two fields": lambda d, w: missing_case(d, w, {
        0: (without("config_hash", "schema_hash"), ["config_hash", "schema_hash"]),
        1: (without("code_hash", "config_hash"), ["code_hash", "config_hash"])}),
    "a strategy with a node lacking a field and another whose id is not canonical": lambda d, w: Crafted(
        altered(d, [w("alpha")], {0: without("config_hash"), 1: set_id(NON_CANONICAL_ID)})[0],
        missing={0: ["config_hash"]}),
    # canonical node ids
    "a strategy with a node whose id is not canonical": lambda d, w: mismatch_case(d, w, {1: set_id(NON_CANONICAL_ID)}),
    "a strategy whose first node's id is not canonical": lambda d, w: mismatch_case(d, w, {0: set_id(NON_CANONICAL_ID)}),
    "a strategy whose two nodes' ids are not canonical": lambda d, w: mismatch_case(
        d, w, {0: set_id(NON_CANONICAL_ID), 1: set_id("blake3:" + "1" * 64)}),
    "a strategy whose node id lacks its blake3 prefix": lambda d, w: mismatch_case(
        d, w, {0: lambda n: n.update(node_id=n["node_id"].split(":", 1)[1])}),
    "a strategy whose node's period changed after its id was computed": lambda d, w: mismatch_case(
        d, w, {1: lambda n: n.update(period=n["period"] + 1)}),
    "a strategy whose node's interval changed after its id was computed": lambda d, w: mismatch_case(
        d, w, {0: lambda n: n.update(interval=n["interval"] * 5)}),
    "a strategy whose node leaves out an interval its id was computed with": lambda d, w: mismatch_case(
        d, w, {0: without("interval")}),
    "a strategy whose node's params changed after its id was computed": lambda d, w: mismatch_case(
        d, w, {0: lambda n: n["params"].update(window=20)}),
    # the DAG is not a JSON object
    "a strategy whose DAG is not JSON": lambda d, w: Crafted(
        body(base64.b64encode(b"this is not JSON").decode(), [w("alpha")], d.crc32)),
    "a strategy whose DAG is a JSON list": lambda d, w: Crafted(body(encoded(d.nodes), [w("alpha")], d.crc32)),
    "a strategy whose DAG is a JSON string": lambda d, w: Crafted(body(encoded("nodes"), [w("alpha")], d.crc32)),
    # world ids
    "a strategy without world ids": lambda d, w: Crafted(plain(d, None)),
    "a strategy with an empty list of world ids": lambda d, w: Crafted(plain(d, [])),
    "a strategy naming world alpha in the old world_id field": lambda d, w: Crafted(plain(d, None, world_id=w("alpha"))),
}
