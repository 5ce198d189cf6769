"""Canonical node ids and the node-id checksum, exactly as QMTL computes them.

The pre-image is ``node_type|interval|period|params|deps|schema_compat_id|code_hash``
(contract section 5); every case in the contract's node-id vectors must match
byte for byte.
"""
from __future__ import annotations

import json
import zlib
from typing import Any, Iterable, Mapping

import blake3

# Keys that name where or when a node runs rather than what it computes: QMTL
# drops them at every depth so one strategy has one id in every world.
VOLATILE_PARAM_KEYS = frozenset(
    {
        "world",
        "world_id",
        "world_ids",
        "execution_world",
        "execution_domain",
        "domain",
        "domains",
        "as_of",
        "partition",
        "dataset_fingerprint",
        "timestamp",
        "seed",
        "random_state",
        "env",
    }
)

REQUIRED_NODE_FIELDS = ("node_type", "code_hash", "config_hash", "schema_hash", "schema_compat_id")


def _is_volatile(key: Any) -> bool:
    lowered = str(key).lower()
    return lowered in VOLATILE_PARAM_KEYS or lowered.startswith("env_")


def strip_volatile(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: strip_volatile(v) for k, v in value.items() if not _is_volatile(k)}
    if isinstance(value, list):
        return [strip_volatile(v) for v in value]
    return value


def _as_int(value: Any) -> int:
    if value is None or value == "":
        return 0
    return int(value)


def _split_tags(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        items = raw.split(",")
    else:
        items = list(raw)
    return [str(t).strip() for t in items if str(t).strip()]


def tagquery_params(node: Mapping[str, Any]) -> dict[str, Any]:
    params = node.get("params") or {}
    raw_tags = params.get("query_tags")
    if raw_tags is None:
        raw_tags = params.get("tags")
    if raw_tags is None:
        raw_tags = node.get("tags")
    mode = str(params.get("match_mode") or "any").lower()
    interval = params.get("interval", node.get("interval"))
    return {"query_tags": sorted(set(_split_tags(raw_tags))), "match_mode": mode, "interval": _as_int(interval)}


def canonical_params(node: Mapping[str, Any]) -> str:
    if node.get("node_type") == "TagQueryNode":
        params: Any = tagquery_params(node)
    else:
        params = node.get("params")
        if params is None:
            params = node.get("config")
        params = strip_volatile(params if params is not None else {})
    return json.dumps(params, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def node_dependencies(node: Mapping[str, Any]) -> list[str]:
    deps = node.get("dependencies")
    if not deps:
        deps = node.get("inputs") or []
    return [str(d) for d in deps]


def schema_compat_id(node: Mapping[str, Any]) -> str:
    return str(node.get("schema_compat_id") or node.get("schema_id") or "")


def canonical_preimage(node: Mapping[str, Any]) -> str:
    parts = [
        str(node.get("node_type") or ""),
        str(_as_int(node.get("interval"))),
        str(_as_int(node.get("period"))),
        canonical_params(node),
        ",".join(sorted(node_dependencies(node))),
        schema_compat_id(node),
        str(node.get("code_hash") or ""),
    ]
    return "|".join(parts)


def compute_node_id(node: Mapping[str, Any]) -> str:
    return "blake3:" + blake3.blake3(canonical_preimage(node).encode("utf-8")).hexdigest()


def node_ids_crc32(node_ids: Iterable[str]) -> int:
    crc = 0
    for node_id in node_ids:
        crc = zlib.crc32(node_id.encode("utf-8"), crc)
    return crc & 0xFFFFFFFF


def missing_node_fields(node: Mapping[str, Any]) -> list[str]:
    missing = []
    for field in REQUIRED_NODE_FIELDS:
        value = schema_compat_id(node) if field == "schema_compat_id" else node.get(field)
        if not value:
            missing.append(field)
    return missing
