"""What a submission's answer must show (contract §5), as pure checks: each returns the problems it found.

Every check compares with an expectation the suite knows on its own (what it
sent, what it altered, the first id it was given), never with another of the
target's answers alone.
"""
from __future__ import annotations

import base64
import json
import re
import uuid
from typing import Any, Callable

from .dagmanager_shapes import MIN_DIGEST_CHARS, digest
from .strategies_cases import Crafted

SUPPORTED_SCHEMA_VERSIONS = {"v1", "1", "1.0"}
ACCEPTED_FIELDS = ("strategy_id", "queue_map", "sentinel_id", "node_ids_crc32", "downgraded", "downgrade_reason", "safe_mode")


def is_uuid4(value: Any) -> bool:
    try:
        return uuid.UUID(str(value)).version == 4
    except ValueError:
        return False


def detail_of(body: Any) -> dict:
    detail = body.get("detail") if isinstance(body, dict) else None
    return detail if isinstance(detail, dict) else {}


def new_id(body: Any, crafted: Crafted, earlier_ids: list[str]) -> list[str]:
    if not isinstance(body, dict):
        return [f"the answer is not a JSON object: {body!r}"]
    problems = [f"the answer lacks {f}" for f in ACCEPTED_FIELDS if f not in body]
    strategy_id = body.get("strategy_id")
    if not is_uuid4(strategy_id):
        problems.append(f"strategy_id {strategy_id!r} is not a UUID4")
    if strategy_id in earlier_ids:
        problems.append(f"strategy_id {strategy_id} was already given to an earlier strategy of this scenario")
    if body.get("sentinel_id") != f"{strategy_id}-sentinel":
        problems.append(f"sentinel_id is {body.get('sentinel_id')!r}, not '{strategy_id}-sentinel'")
    if body.get("node_ids_crc32") != crafted.sent_crc:
        problems.append(f"node_ids_crc32 echoed as {body.get('node_ids_crc32')!r}, {crafted.sent_crc} was sent")
    if "queue_map" in body and not isinstance(body["queue_map"], dict):
        problems.append(f"queue_map is {body['queue_map']!r}, not an object")
    return problems


def first_id(body: Any, crafted: Crafted, earlier_ids: list[str]) -> list[str]:
    detail = detail_of(body)
    if not earlier_ids:
        return ["the scenario has no accepted first submission to compare with"]
    if detail.get("strategy_id") != earlier_ids[0]:
        return [f"the duplicate names {detail.get('strategy_id')!r}, the first submission was {earlier_ids[0]}"]
    return []


def supported_versions(body: Any, crafted: Crafted, earlier_ids: list[str]) -> list[str]:
    errors = detail_of(body).get("errors")
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], dict):
        return [f"errors is {errors!r}, not a list of {{path, message, supported}}"]
    error = errors[0]
    problems = []
    # The contract names the field `path` but not its form: the field's name, or a list of path segments.
    if error.get("path") not in ("schema_version", ["schema_version"]):
        problems.append(f"the error's path is {error.get('path')!r}, not 'schema_version' (or ['schema_version'])")
    if not isinstance(error.get("message"), str) or not error.get("message"):
        problems.append(f"the error's message is {error.get('message')!r}")
    supported = error.get("supported")
    if not isinstance(supported, list) or set(supported) != SUPPORTED_SCHEMA_VERSIONS:
        problems.append(f"supported is {supported!r}, expected {sorted(SUPPORTED_SCHEMA_VERSIONS)}")
    return problems


def canonical_ids(body: Any, crafted: Crafted, earlier_ids: list[str]) -> list[str]:
    entries = detail_of(body).get("node_id_mismatch")
    sent = crafted.sent_node_ids
    wanted = sorted((i, sent[i], canonical) for i, canonical in crafted.mismatched.items())
    seen = sorted((e.get("index"), e.get("node_id"), e.get("expected")) for e in entries or [] if isinstance(e, dict))
    if not wanted:
        return ["the case altered no node id"]
    if seen != wanted:
        return [f"node_id_mismatch lists (index, node_id, expected) {seen}, expected exactly {wanted}"]
    return []


def missing_fields(body: Any, crafted: Crafted, earlier_ids: list[str]) -> list[str]:
    entries = detail_of(body).get("missing_fields")
    sent = crafted.sent_node_ids
    wanted = sorted((i, sorted(fields), sent[i]) for i, fields in crafted.missing.items())
    seen = sorted((e.get("index"), sorted(e.get("missing") or []), e.get("node_id"))
                  for e in entries or [] if isinstance(e, dict))
    if not wanted:
        return ["the case removed no field"]
    if seen != wanted:
        return [f"missing_fields lists (index, missing, node_id) {seen}, expected exactly {wanted}"]
    return []


def nothing_more(body: Any, crafted: Crafted, earlier_ids: list[str]) -> list[str]:
    return [] if detail_of(body).get("code") else [f"the answer carries no error code: {body!r}"]


EVIDENCE: dict[str, Callable[[Any, Crafted, list[str]], list[str]]] = {
    "a new strategy id, its sentinel and the checksum it was sent": new_id,
    "the first submission's strategy id": first_id,
    "the supported schema versions": supported_versions,
    "the index of each altered node and its canonical id": canonical_ids,
    "the index of each altered node and its missing fields": missing_fields,
    "nothing more than the error code": nothing_more,
}

WORLD_SETS: dict[str, tuple[str, ...]] = {"neither": (), "alpha only": ("alpha",), "alpha and beta": ("alpha", "beta")}


def error_code(status: int, body: Any) -> str | None:
    return detail_of(body).get("code") if status >= 400 else None


# The version every queue name ends with (contract §5 and §7: `…_v1`): a strategy that states no version of its own.
QUEUE_VERSION = "v1"


# A node's queue name after its ``<world>.<domain>.`` prefix: ``<asset>_<NodeType>_<start of its id's digest>_v1``.
QUEUE_TAIL = re.compile(rf"[A-Za-z0-9_-]*_(?P<type>[A-Za-z][A-Za-z0-9]*)_(?P<hex>[0-9a-f]+)_{QUEUE_VERSION}")


def is_queue_of(tail: str, node: dict) -> bool:
    """Whether a queue name's tail names this node: its type, then the start of its id's digest (the shapes' rule)."""
    named = QUEUE_TAIL.fullmatch(tail)
    return (named is not None and named.group("type") == node["node_type"]
            and len(named.group("hex")) >= MIN_DIGEST_CHARS and digest(node["node_id"]).startswith(named.group("hex")))


def queue_name_problems(node: dict, entries: Any, prefixes: list[str]) -> list[str]:
    """One queue per prefix (``<world>.<domain>.``), each ``<prefix><asset>_<NodeType>_<start of the digest>_v1``."""
    node_id = node["node_id"]
    if not isinstance(entries, list):
        return [f"node {node_id} has no queue list: {entries!r}"]
    shown = digest(node_id)[:MIN_DIGEST_CHARS] + "…"
    names = sorted(str(e.get("queue", "")) for e in entries if isinstance(e, dict))
    problems = []
    if len(names) != len(prefixes):
        problems.append(f"node {node_id}: {len(names)} queues {names}, expected one under each of {sorted(prefixes)}")
    for prefix in prefixes:
        own = [n for n in names if n.startswith(prefix) and is_queue_of(n[len(prefix):], node)]
        if len(own) != 1:
            problems.append(f"node {node_id}: no single queue named {prefix}…_{node['node_type']}_{shown}_{QUEUE_VERSION} among {names}")
    flagged = [e for e in entries if isinstance(e, dict) and e.get("global") is not False]
    if flagged:
        problems.append(f"node {node_id}: a world's queue is not marked global: false: {flagged}")
    return problems


def stored_dag(text: str) -> Any:
    """A stored DAG in either encoding the contract accepts for ``dag_json``: JSON text, or base64 of it."""
    stripped = text.strip()
    try:
        if stripped[:1] in ("{", "["):
            return json.loads(stripped)
        return json.loads(base64.b64decode(stripped, validate=True).decode("utf-8"))
    except ValueError:
        raise AssertionError(f"the stored DAG is neither JSON nor base64 of JSON: {text[:80]!r}…") from None


def stored_dag_problems(stored: Any, submitted: dict, strategy_id: str) -> list[str]:
    """The stored DAG is the submitted one; the Gateway may have appended its VersionSentinel node."""
    sentinel = {"node_type": "VersionSentinel", "node_id": f"{strategy_id}-sentinel"}
    if stored in (submitted, {**submitted, "nodes": [*submitted["nodes"], sentinel]}):
        return []
    nodes = stored.get("nodes") if isinstance(stored, dict) else None
    kinds = [n.get("node_type") for n in nodes if isinstance(n, dict)] if isinstance(nodes, list) else nodes
    return [f"the stored DAG is not the one submitted: stored node types {kinds}, "
            f"submitted {[n['node_type'] for n in submitted['nodes']]}"]
