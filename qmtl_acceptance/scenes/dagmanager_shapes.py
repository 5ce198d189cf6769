"""What a DAG Manager diff must look like (contract §7), as pure checks: each returns the problems it found.

- queue-map key ``<node_id>:<interval>:<bucket>#ck=<compute key>``;
- queue-map value ``[<world>.<domain>.]<asset>_<NodeType>_<hex of the node id>_v<n>``;
- a ``BufferInstruction`` for each node with a period (``lag`` = period), none without;
- chunks: one sentinel, one version, the checksum of the node ids in the submitted order.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from qmtl_wire.nodeid import node_ids_crc32

KEY_SHAPE = re.compile(r"^(blake3:[0-9a-f]{64}):(\d+):(\d+)#ck=(\S+)$")
QUEUE_TAIL = re.compile(r"_(?P<type>[A-Za-z][A-Za-z0-9]*)_(?P<hex>[0-9a-f]{6,64})_v(?P<version>\d+)$")
# A queue name shows the start of its node id's digest: the contract's examples show 12 and 22 hex digits
# and QMTL names queues with 8, so the rule is "a prefix of the digest", its length the pattern's minimum.
MIN_DIGEST_CHARS = 6
# A queue's name after its namespace, for a strategy that states no version of its own (contract §5, §7: `…_v1`).
VERSIONED_TAIL = re.compile(r"[A-Za-z0-9_-]*_[A-Za-z][A-Za-z0-9]*_[0-9a-f]{6,64}_v1")


@dataclass(frozen=True)
class QueueKey:
    node_id: str
    interval: int
    bucket: int
    compute_key: str


def parse_key(key: str) -> QueueKey | None:
    match = KEY_SHAPE.match(key)
    if not match:
        return None
    return QueueKey(match.group(1), int(match.group(2)), int(match.group(3)), match.group(4))


def digest(node_id: str) -> str:
    return node_id.split(":", 1)[-1]


def key_problems(queue_map: Mapping[str, str], nodes: Sequence[Mapping[str, Any]]) -> list[str]:
    intervals = {n["node_id"]: int(n.get("interval") or 0) for n in nodes}
    problems = []
    for key in queue_map:
        parsed = parse_key(key)
        if parsed is None:
            problems.append(f"key {key!r} is not <node_id>:<interval>:<bucket>#ck=<compute key>")
        elif parsed.node_id not in intervals:
            problems.append(f"key {key!r} names a node the DAG does not have")
        elif parsed.interval != intervals[parsed.node_id]:
            problems.append(f"key {key!r} names interval {parsed.interval}, the node's is {intervals[parsed.node_id]}")
    return problems


def queues_by_node(queue_map: Mapping[str, str]) -> dict[str, list[str]]:
    """node id → its queues (keys that do not parse are left out; ``key_problems`` names them)."""
    nodes: dict[str, list[str]] = {}
    for key, queue in queue_map.items():
        parsed = parse_key(key)
        if parsed is not None:
            nodes.setdefault(parsed.node_id, []).append(queue)
    return nodes


def namespace_problems(queue_map: Mapping[str, str], node_ids: Iterable[str], prefix: str) -> list[str]:
    """One queue per node, each named under ``prefix`` (``<world>.<domain>.``), and no queue for another node."""
    wanted = list(node_ids)
    if not wanted:
        raise ValueError("a namespace check needs the nodes it expects")
    by_node = queues_by_node(queue_map)
    problems = []
    missing = [n for n in wanted if n not in by_node]
    extra = sorted(set(by_node) - set(wanted))
    if missing:
        problems.append(f"{len(missing)} of {len(wanted)} nodes have no queue, e.g. {missing[0]}")
    if extra:
        problems.append(f"queues for nodes the DAG does not have: {extra[:3]}")
    wrong = {n: q for n, q in by_node.items()
             if n in wanted and (len(q) != 1 or not q[0].startswith(prefix) or not VERSIONED_TAIL.fullmatch(q[0][len(prefix):]))}
    if wrong:
        node, queues = next(iter(wrong.items()))
        problems.append(f"{len(wrong)} node(s) lack exactly one queue named {prefix}<asset>_<NodeType>_<hex>_v1, "
                        f"e.g. {node} → {queues}")
    return problems


def name_problems(queue_map: Mapping[str, str], nodes: Sequence[Mapping[str, Any]]) -> list[str]:
    """Each key's queue is named after that key's node: its type and the start of its id's digest."""
    types = {n["node_id"]: n["node_type"] for n in nodes}
    problems = []
    for key, queue in queue_map.items():
        parsed = parse_key(key)
        if parsed is None or parsed.node_id not in types:
            continue
        tail = QUEUE_TAIL.search(queue)
        if tail is None:
            problems.append(f"queue {queue!r} is not <asset>_<NodeType>_<hex>_v<n>")
            continue
        if tail.group("version") != "1":
            problems.append(f"queue {queue!r} ends with version v{tail.group('version')}, expected v1 (a strategy stating no version)")
        if tail.group("type") != types[parsed.node_id]:
            problems.append(f"queue {queue!r} names type {tail.group('type')}, its node is a {types[parsed.node_id]}")
        shown = tail.group("hex")
        if len(shown) < MIN_DIGEST_CHARS or not digest(parsed.node_id).startswith(shown):
            problems.append(f"queue {queue!r} does not carry the id of its node {parsed.node_id}: {shown!r} is not the start of its digest")
    return problems


def expected_buffers(nodes: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """node id → the BufferInstruction the first diff must carry: every node with a period (a window to fill)."""
    return {
        n["node_id"]: {
            "node_type": n["node_type"],
            "code_hash": n["code_hash"],
            "schema_hash": n["schema_hash"],
            "schema_compat_id": n.get("schema_compat_id") or n.get("schema_id", ""),
            "interval": int(n.get("interval") or 0),
            "period": int(n["period"]),
            "lag": int(n["period"]),
            "tags": sorted(set(n.get("tags") or [])),
        }
        for n in nodes
        if int(n.get("period") or 0) > 0 and n["node_type"] != "TagQueryNode"
    }


def buffer_coverage_problems(instructions: Sequence[Any], nodes: Sequence[Mapping[str, Any]]) -> list[str]:
    wanted = expected_buffers(nodes)
    if not wanted:
        raise ValueError("a buffering check needs a node with a period")
    counts = Counter(b.node_id for b in instructions)
    problems = []
    missing = [n for n in wanted if counts[n] == 0]
    if missing:
        problems.append(f"{len(missing)} of {len(wanted)} nodes with a period got no buffering instruction, e.g. {missing[0]}")
    unwanted = sorted(n for n in counts if n not in wanted)
    if unwanted:
        problems.append(f"buffering instructions for {len(unwanted)} node(s) without a period, e.g. {unwanted[0]}")
    twice = sorted(n for n, c in counts.items() if c > 1)
    if twice:
        problems.append(f"{len(twice)} node(s) got more than one buffering instruction, e.g. {twice[0]}")
    return problems


def buffer_field_problems(instructions: Sequence[Any], nodes: Sequence[Mapping[str, Any]]) -> list[str]:
    wanted = expected_buffers(nodes)
    problems = []
    for instruction in instructions:
        expected = wanted.get(instruction.node_id)
        if expected is None:
            continue
        seen = {field: getattr(instruction, field) for field in expected if field != "tags"}
        seen["tags"] = sorted(set(instruction.tags))
        wrong = {f: (seen[f], v) for f, v in expected.items() if seen[f] != v}
        if wrong:
            detail = ", ".join(f"{f} {got!r} (its node's: {want!r})" for f, (got, want) in sorted(wrong.items()))
            problems.append(f"buffering instruction for {instruction.node_id}: {detail}")
    return problems


def chunk_identity_problems(chunks: Sequence[Any], sentinel: str) -> list[str]:
    """Every chunk names the sentinel; all chunks of one diff carry one version, a label that is not empty
    (contract §7: `version=4`, unannotated, so a string; QMTL sends its strategy's version label, "v1")."""
    if not chunks:
        return ["the diff delivered no chunk"]
    problems = [f"chunk {i} names sentinel {c.sentinel_id!r}, expected {sentinel!r}"
                for i, c in enumerate(chunks) if c.sentinel_id != sentinel]
    versions = sorted({c.version for c in chunks})
    if len(versions) != 1:
        problems.append(f"the chunks of one diff carry versions {versions}")
    elif not versions[0].strip():
        problems.append(f"the diff's version is {versions[0]!r}: no version label")
    return problems


def checksum_problems(chunks: Sequence[Any], node_ids: Sequence[str]) -> list[str]:
    wanted = node_ids_crc32(node_ids)
    problems = []
    for index, chunk in enumerate(chunks):
        seen = chunk.crc32 if chunk.HasField("crc32") else None
        if seen != wanted:
            problems.append(f"chunk {index} carries checksum {seen if seen is not None else 'none'}, "
                            f"the submitted node ids' is {wanted}")
    return problems or ([] if chunks else ["the diff delivered no chunk"])


def repeated_keys(chunks: Sequence[Any]) -> list[str]:
    counts = Counter(key for chunk in chunks for key in chunk.queue_map)
    return sorted(k for k, c in counts.items() if c > 1)


def copies_per_chunk(deliveries: Sequence[Any]) -> dict[int, int]:
    return dict(Counter(d.chunk_id for d in deliveries))


def resend_problems(deliveries: Sequence[Any], resent: int) -> list[str]:
    """Chunk ``resent`` came exactly twice, byte for byte, and every other chunk exactly once."""
    copies = copies_per_chunk(deliveries)
    if resent not in copies:
        return [f"no chunk {resent} arrived; copies per chunk: {copies}"]
    problems = []
    if copies[resent] != 2:
        problems.append(f"chunk {resent} arrived {copies[resent]} time(s), expected twice")
    again = {d.chunk.SerializeToString(deterministic=True) for d in deliveries if d.chunk_id == resent}
    if len(again) != 1:
        problems.append(f"the copies of chunk {resent} differ")
    others = {c: n for c, n in copies.items() if c != resent and n != 1}
    if others:
        problems.append(f"other chunks arrived more than once: {others}")
    return problems


def ack_answer_problems(acks: Sequence[tuple[Any, Any]]) -> list[str]:
    if not acks:
        return ["no acknowledgement was sent"]
    return [f"the acknowledgement of chunk {sent.chunk_id} of {sent.sentinel_id!r} was answered with "
            f"chunk {got.chunk_id} of {got.sentinel_id!r}"
            for sent, got in acks if (got.sentinel_id, got.chunk_id) != (sent.sentinel_id, sent.chunk_id)]
