"""Validation of POST /strategies bodies, in the contract's order of checks."""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from .. import faults
from qmtl_wire.nodeid import compute_node_id, missing_node_fields, node_ids_crc32

SUPPORTED_SCHEMA_VERSIONS = ("v1", "1", "1.0")


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
        except (binascii.Error, UnicodeDecodeError):
            raise _reject(400, "E_DAG_JSON_INVALID", "dag_json is neither JSON nor base64 of JSON") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise _reject(400, "E_DAG_JSON_INVALID", f"dag_json is not valid JSON: {exc.msg} at position {exc.pos}") from None


def dag_hash(dag: dict) -> str:
    return hashlib.sha256(json.dumps(dag, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()


def _world_ids(body: dict) -> list[str]:
    if "world_id" in body:
        raise _reject(422, "E_WORLD_ID_DEPRECATED", "world_id is no longer accepted; send world_ids")
    world_ids = body.get("world_ids")
    if not isinstance(world_ids, list) or not world_ids:
        raise _reject(422, "E_WORLD_IDS_REQUIRED", "world_ids must list at least one world")
    if not all(isinstance(w, str) and w for w in world_ids):
        raise _reject(422, "E_WORLD_IDS_REQUIRED", "every world id must be a non-empty string")
    return list(dict.fromkeys(world_ids))


def validate(body: Any) -> Submission:
    if not isinstance(body, dict):
        raise _reject(422, "E_BODY_INVALID", "the request body must be a JSON object")
    world_ids = _world_ids(body)
    crc = body.get("node_ids_crc32")
    if isinstance(crc, bool) or not isinstance(crc, int):
        raise _reject(422, "E_CHECKSUM_REQUIRED", "node_ids_crc32 (an integer) is required")
    meta = body.get("meta") or {}
    if not isinstance(meta, dict):
        raise _reject(422, "E_META_INVALID", "meta must be an object")
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
            {"code": "E_SCHEMA_INVALID", "errors": [{"path": "nodes", "message": "nodes must be a list of objects", "supported": list(SUPPORTED_SCHEMA_VERSIONS)}]},
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
