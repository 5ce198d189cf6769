"""How the DAG Manager names things, as the contract shows them.

- Queue: ``<world>.<domain>.<asset>_<NodeType>_<22 hex of the node id>_v1``,
  e.g. ``w1.backtest.asset_StreamInput_571eb38bc9a25ff3413b00_v1``. A diff
  without a world gets the bare, world-shared name (a *global* queue).
- queue_map key: ``<node_id>:<interval>:<bucket>#ck=<compute key>``; the
  bucket is always 0 here (no time bucketing), the compute key is the BLAKE3
  of the node id and everything that makes one run differ from another
  (world, domain, as_of, partition, dataset fingerprint).
- Sentinel: ``<strategy_id>-sentinel``.

Pure functions: the Gateway's dry-run uses them too, so both agree on names.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass

import blake3

from qmtl_reference.dagmanager.dag import Node

QUEUE_VERSION = 1
HASH_CHARS = 22
DEFAULT_DOMAIN = "live"
_NAME_PART = re.compile(r"^[A-Za-z0-9_-]+$")


class NamingError(ValueError):
    pass


@dataclass(frozen=True)
class DiffContext:
    """Where and on what data a strategy's DAG runs; one strategy may have several."""

    world_id: str = ""
    execution_domain: str = ""
    as_of: str = ""
    partition: str = ""
    dataset_fingerprint: str = ""

    def __post_init__(self) -> None:
        for field in ("world_id", "execution_domain"):
            value = getattr(self, field)
            # A dot would make the world/domain namespace of a queue ambiguous.
            if value and not _NAME_PART.match(value):
                raise NamingError(f"{field} {value!r} may only hold letters, digits, '_' and '-'")

    @property
    def domain(self) -> str:
        return self.execution_domain or DEFAULT_DOMAIN

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> "DiffContext":
        return cls(**json.loads(raw))


def sentinel_id(strategy_id: str) -> str:
    return f"{strategy_id}-sentinel"


def namespace(ctx: DiffContext) -> str:
    return f"{ctx.world_id}.{ctx.domain}." if ctx.world_id else ""


def base_queue_name(node: Node) -> str:
    digest = node.node_id.split(":", 1)[-1]
    return f"{node.asset}_{node.node_type}_{digest[:HASH_CHARS]}_v{QUEUE_VERSION}"


def queue_name(node: Node, ctx: DiffContext, *, namespaced: bool = True) -> str:
    return (namespace(ctx) if namespaced else "") + base_queue_name(node)


def compute_key(node: Node, ctx: DiffContext) -> str:
    parts = [node.node_id, ctx.world_id, ctx.domain, ctx.as_of, ctx.partition, ctx.dataset_fingerprint]
    return blake3.blake3("|".join(parts).encode("utf-8")).hexdigest()


def queue_map_key(node: Node, ctx: DiffContext, bucket: int = 0) -> str:
    return f"{node.node_id}:{node.interval}:{bucket}#ck={compute_key(node, ctx)}"
