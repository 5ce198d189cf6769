"""Validation of POST /strategies bodies, in the contract's order of checks."""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from qmtl_wire.nodeid import compute_node_id, missing_node_fields, node_ids_crc32

from .. import faults
from ..common.ids import id_problem

SUPPORTED_SCHEMA_VERSIONS = ("v1", "1", "1.0")
# Limits stated in the README's contract notes. A body is refused whole
# (413) before it is read past MAX_BODY_BYTES; the DAG inside it has its own.
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_DAG_BYTES = 1024 * 1024
MAX_DAG_NODES = 1000
MAX_WORLD_IDS = 100
# What a DAG Manager int64 field can carry.
INT64_LIMIT = 2**63
# Errors a malformed node raises while its id is computed from it.
UNREADABLE_NODE = (TypeError, ValueError, AttributeError, OverflowError, RecursionError)


class SubmissionRejected(Exception):
    def __init__(self, status: int, detail: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class Submission:
    dag: dict
    dag_hash: str
    world_ids: list[str]
    meta: dict
    node_ids_crc32: int


def _reject(status: int, code: str, message: str, **extra: Any) -> SubmissionRejected:
    return SubmissionRejected(status, {"code": code, "message": message, **extra})


def decode_dag(raw: Any) -> Any:
    """dag_json is base64 of the DAG's JSON, or the JSON text itself."""
    if not isinstance(raw, str) or not raw.strip():
        raise _reject(400, "E_DAG_JSON_INVALID", "dag_json must be a non-empty string")
    text = raw.strip()
    if text[0] not in "{[":
        try:
            text = base64.b64decode(text, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):  # ValueError: non-ASCII text is not base64 either
            raise _reject(400, "E_DAG_JSON_INVALID", "dag_json is neither JSON nor base64 of JSON") from None
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_DAG_BYTES:
        raise _reject(413, "E_DAG_TOO_LARGE", f"the DAG is {size} bytes; at most {MAX_DAG_BYTES} are accepted", limit=MAX_DAG_BYTES)
    try:
        dag = json.loads(text)
    except ValueError as exc:
        raise _reject(400, "E_DAG_JSON_INVALID", f"dag_json is not valid JSON: {exc.msg} at position {exc.pos}") from None
    except RecursionError:
        raise _reject(400, "E_DAG_JSON_INVALID", "dag_json is nested too deeply") from None
    if not encodable(dag):
        raise _reject(400, "E_DAG_JSON_INVALID", "dag_json holds an unpaired surrogate escape or is nested too deeply")
    return dag


def encodable(value: Any) -> bool:
    """Whether the parsed JSON can be written out again as UTF-8 (no lone surrogates, not too deep)."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, RecursionError, ValueError):
        return False
    return True


def _holds_nul(value: Any) -> bool:
    # Iterative: a deeply nested meta must not exhaust the stack here.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def dag_hash(dag: dict) -> str:
    return hashlib.sha256(json.dumps(dag, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()


def _world_ids(body: dict) -> list[str]:
    if "world_id" in body:
        raise _reject(422, "E_WORLD_ID_DEPRECATED", "world_id is no longer accepted; send world_ids")
    world_ids = body.get("world_ids")
    if not isinstance(world_ids, list) or not world_ids:
        raise _reject(422, "E_WORLD_IDS_REQUIRED", "world_ids must list at least one world")
    if len(world_ids) > MAX_WORLD_IDS:
        raise _reject(
            422, "E_TOO_MANY_WORLDS", f"world_ids lists {len(world_ids)} worlds; at most {MAX_WORLD_IDS} are accepted",
            limit=MAX_WORLD_IDS,
        )
    if not all(isinstance(w, str) and w for w in world_ids):
        raise _reject(422, "E_WORLD_IDS_REQUIRED", "every world id must be a non-empty string")
    for world_id in world_ids:
        problem = id_problem(world_id, "world id")
        if problem:
            raise _reject(422, "E_WORLD_ID_INVALID", problem)
    return list(dict.fromkeys(world_ids))


def _node_problem(index: int, node: dict) -> str | None:
    """Why a node cannot even have its id computed, or None."""
    for field in ("interval", "period"):
        raw = node.get(field)
        if raw is None or raw == "":
            continue
        try:
            value = int(raw)
        except UNREADABLE_NODE:
            return f"node {index}: {field} must be an integer"
        if isinstance(raw, bool) or not -INT64_LIMIT <= value < INT64_LIMIT:
            return f"node {index}: {field} must be an integer between {-INT64_LIMIT} and {INT64_LIMIT - 1}"
    try:
        compute_node_id(node)
        missing_node_fields(node)
    except UNREADABLE_NODE as exc:
        return f"node {index} cannot be read: {type(exc).__name__}"
    return None


def validate(body: Any) -> Submission:
    if not isinstance(body, dict):
        raise _reject(422, "E_BODY_INVALID", "the request body must be a JSON object")
    world_ids = _world_ids(body)
    crc = body.get("node_ids_crc32")
    if faults.is_active("checksum_masked") and isinstance(crc, (int, float)) and not isinstance(crc, bool):
        crc = int(crc) & 0xFFFFFFFF
    if isinstance(crc, bool) or not isinstance(crc, int):
        raise _reject(422, "E_CHECKSUM_REQUIRED", "node_ids_crc32 (an integer) is required")
    meta = body.get("meta") or {}
    if not isinstance(meta, dict):
        raise _reject(422, "E_META_INVALID", "meta must be an object")
    if _holds_nul(meta):
        # Postgres cannot store a NUL in JSON text; refuse before anything is written.
        raise _reject(422, "E_META_INVALID", "meta must not hold NUL characters")
    dag = decode_dag(body.get("dag_json"))
    if not isinstance(dag, dict):
        raise _reject(400, "E_DAG_NOT_OBJECT", f"the DAG must be a JSON object, not a JSON {type(dag).__name__}")
    version = dag.get("schema_version")
    if faults.is_active("schema_version_unchecked"):
        version = SUPPORTED_SCHEMA_VERSIONS[0]
    if str(version) not in SUPPORTED_SCHEMA_VERSIONS or version is None:
        raise SubmissionRejected(
            400,
            {
                "code": "E_SCHEMA_INVALID",
                "errors": [
                    {
                        "path": "schema_version",
                        "message": f"unsupported schema_version {version!r}",
                        "supported": list(SUPPORTED_SCHEMA_VERSIONS),
                    }
                ],
            },
        )
    nodes = dag.get("nodes")
    if not isinstance(nodes, list) or not all(isinstance(n, dict) for n in nodes):
        raise SubmissionRejected(
            400,
            {"code": "E_SCHEMA_INVALID",
             "errors": [{"path": "nodes", "message": "nodes must be a list of objects", "supported": list(SUPPORTED_SCHEMA_VERSIONS)}]},
        )
    if len(nodes) > MAX_DAG_NODES:
        raise _reject(
            413, "E_DAG_TOO_LARGE", f"the DAG has {len(nodes)} nodes; at most {MAX_DAG_NODES} are accepted", limit=MAX_DAG_NODES
        )
    unreadable = [p for p in (_node_problem(i, n) for i, n in enumerate(nodes)) if p]
    if faults.is_active("node_fields_read_loosely"):
        unreadable = [p for p in unreadable if "must be an integer between" not in p]
    if unreadable:
        raise SubmissionRejected(
            400, {"code": "E_SCHEMA_INVALID", "errors": [{"path": "nodes", "message": m} for m in unreadable[:20]]}
        )
    node_ids = [str(n.get("node_id") or "") for n in nodes]
    expected_crc = node_ids_crc32(node_ids)
    if crc != expected_crc and not faults.is_active("checksum_unchecked"):
        raise _reject(400, "E_CHECKSUM_MISMATCH", "node_ids_crc32 does not match the node ids", expected=expected_crc, received=crc)
    missing = [
        {"index": i, "missing": fields, "node_id": node_ids[i]}
        for i, fields in ((i, missing_node_fields(n)) for i, n in enumerate(nodes))
        if fields
    ]
    if missing and not faults.is_active("node_fields_unchecked"):
        raise _reject(400, "E_NODE_ID_FIELDS", "nodes lack fields the node id is computed from", missing_fields=missing)
    mismatches = [
        {"index": i, "node_id": node_ids[i], "expected": expected}
        for i, expected in ((i, compute_node_id(n)) for i, n in enumerate(nodes))
        if node_ids[i] != expected
    ]
    if mismatches and not faults.is_active("node_ids_unchecked"):
        raise _reject(400, "E_NODE_ID_MISMATCH", "node ids are not the canonical ones", node_id_mismatch=mismatches)
    return Submission(dag=dag, dag_hash=dag_hash(dag), world_ids=world_ids, meta=meta, node_ids_crc32=crc)
