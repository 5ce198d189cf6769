"""The DAG Manager's gRPC API, called the way the Gateway calls it.

Every call carries a deadline. Failures surface as one-line errors:
``DagManagerUnavailable`` when nothing answers, ``DagManagerError`` (with the
gRPC status code) when the DAG Manager answers with an error.

Diff chunks carry no id of their own: a chunk's id is its zero-based position
in the stream, and a chunk that arrives again byte for byte is a re-send of
the last one, not a new chunk.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from qmtl_wire import dagmanager_pb2 as pb
from qmtl_wire import dagmanager_pb2_grpc as pb_grpc

from ..errors import StackError, TargetFailure
from . import wire_log

T = TypeVar("T")
# Which acknowledgements to send for one arriving message: (chunk id, copy number, sentinel) →
# [(sentinel, chunk id), …]; an empty list withholds them.
AckPlan = Callable[[int, int, str], "list[tuple[str, int]]"]

class DagManagerUnavailable(StackError):
    pass


class DagManagerError(TargetFailure):
    """The DAG Manager answered an RPC with an error status: the target's answer, so a failure when unexpected."""

    def __init__(self, method: str, code: grpc.StatusCode, details: str) -> None:
        super().__init__(f"DAG Manager {method} answered {code.name}: {details}")
        self.method = method
        self.code = code
        self.details = details


@dataclass(frozen=True)
class Delivery:
    """One message off a Diff stream: which chunk it is, whether it repeats one, when it came."""

    chunk_id: int
    chunk: pb.DiffChunk
    resend: bool
    at: float


@dataclass(frozen=True)
class DiffOutcome:
    deliveries: tuple[Delivery, ...]
    elapsed: float
    # How the stream ended: None for OK, else the status code and its details.
    ended_with: grpc.StatusCode | None = None
    end_details: str = ""
    # Every acknowledgement sent, with the DAG Manager's answer to it.
    acks: tuple[tuple[pb.ChunkAck, pb.ChunkAck], ...] = ()

    @property
    def chunks(self) -> list[pb.DiffChunk]:
        return [d.chunk for d in self.deliveries if not d.resend]

    @property
    def resends(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.resend]

    @property
    def queue_map(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for chunk in self.chunks:
            merged.update(chunk.queue_map)
        return merged

    @property
    def sentinel_id(self) -> str:
        return self.chunks[0].sentinel_id if self.chunks else ""

    @property
    def version(self) -> str:
        return self.chunks[0].version if self.chunks else ""

    @property
    def crc32(self) -> int | None:
        first = self.chunks[0] if self.chunks else None
        return first.crc32 if first is not None and first.HasField("crc32") else None

    @property
    def buffer_nodes(self) -> list[pb.BufferInstruction]:
        return [b for chunk in self.chunks for b in chunk.buffer_nodes]

    def describe(self) -> str:
        ending = "OK" if self.ended_with is None else f"{self.ended_with.name} ({self.end_details})"
        return (
            f"{len(self.chunks)} chunk(s), {len(self.resends)} re-send(s), {len(self.queue_map)} queue(s), "
            f"sentinel {self.sentinel_id!r}, ended {ending} after {self.elapsed:.2f} s"
        )


@dataclass
class _ChunkCounter:
    """Names each arriving message: a new chunk, or a repeat of the last one."""

    last: bytes | None = None
    next_id: int = 0
    copies: int = 0
    seen: list[Delivery] = field(default_factory=list)

    def take(self, chunk: pb.DiffChunk) -> Delivery:
        raw = chunk.SerializeToString(deterministic=True)
        resend = raw == self.last
        if resend:
            self.copies += 1
        else:
            self.last, self.copies = raw, 1
            self.next_id += 1
        delivery = Delivery(self.next_id - 1, chunk, resend, time.monotonic())
        self.seen.append(delivery)
        return delivery


def _dag_text(dag: Any) -> str:
    return dag if isinstance(dag, str) else json.dumps(dag, sort_keys=True)


class DagManagerClient:
    # Called with each request and reply, as evidence; the running scenario sets it.
    on_record: "wire_log.Recorder | None" = None

    def __init__(self, address: str, timeout: float = 5.0) -> None:
        self.on_record = DagManagerClient.on_record
        self.address = address
        self.timeout = timeout
        self._channel = grpc.insecure_channel(address)
        self._health = pb_grpc.HealthCheckStub(self._channel)
        self._standard_health = health_pb2_grpc.HealthStub(self._channel)
        self._diff = pb_grpc.DiffServiceStub(self._channel)
        self._tags = pb_grpc.TagQueryStub(self._channel)
        self._admin = pb_grpc.AdminServiceStub(self._channel)

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "DagManagerClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- error translation -------------------------------------------------
    def _fail(self, method: str, exc: grpc.RpcError) -> StackError | TargetFailure:
        code, details = exc.code(), exc.details() or ""
        if code == grpc.StatusCode.UNAVAILABLE:
            return DagManagerUnavailable(f"the DAG Manager at {self.address} is unavailable ({method}): {details}")
        return DagManagerError(method, code, details)

    def _call(self, method: str, fn: Callable[..., T], request: Any, timeout: float | None) -> T:
        wire_log.emit(self.on_record, "grpc", "sent", method, request)
        try:
            reply = fn(request, timeout=timeout or self.timeout)
        except grpc.RpcError as exc:
            wire_log.emit(self.on_record, "grpc", "received", method, f"{exc.code().name}: {exc.details()}")
            raise self._fail(method, exc) from None
        wire_log.emit(self.on_record, "grpc", "received", method, reply)
        return reply

    # -- health ------------------------------------------------------------
    def status(self, timeout: float | None = None) -> pb.StatusReply:
        return self._call("HealthCheck.Status", self._health.Status, pb.StatusRequest(), timeout)

    def standard_health(self, service: str = "", timeout: float | None = None) -> str:
        """The grpc.health.v1 status name (SERVING, NOT_SERVING, …) for ``service`` ("" = the server)."""
        reply = self._call(
            "grpc.health.v1.Health/Check", self._standard_health.Check, health_pb2.HealthCheckRequest(service=service), timeout
        )
        return health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)

    # -- diff --------------------------------------------------------------
    def ack_chunk(self, sentinel_id: str, chunk_id: int, timeout: float | None = None) -> pb.ChunkAck:
        return self._call("DiffService.AckChunk", self._diff.AckChunk, pb.ChunkAck(sentinel_id=sentinel_id, chunk_id=chunk_id), timeout)

    def diff(
        self,
        strategy_id: str,
        dag: Any,
        *,
        world_id: str = "",
        execution_domain: str = "",
        as_of: str = "",
        partition: str = "",
        dataset_fingerprint: str = "",
        ack_on_copy: int = 1,
        ack_plan: AckPlan | None = None,
        timeout: float | None = None,
    ) -> DiffOutcome:
        """Run a diff, acknowledging each chunk when its ``ack_on_copy``-th copy arrives, and every copy after it.

        ``ack_on_copy=1`` is the well-behaved caller: it acknowledges every message it receives, since a chunk
        identical to the one before may be the next chunk rather than a re-send (real QMTL puts the whole queue
        map in every chunk and no chunk id on the wire). 2 withholds each first acknowledgement, so a working DAG
        Manager must send every chunk twice.
        An error status raises; see ``diff_without_acks`` to watch a stream expire.
        ``ack_plan``, when given, decides instead which acknowledgements each message gets.
        """
        plan = ack_plan or (lambda chunk_id, copy, sentinel: [(sentinel, chunk_id)] if copy >= ack_on_copy else [])
        outcome = self._run_diff(
            pb.DiffRequest(
                strategy_id=strategy_id,
                dag_json=_dag_text(dag),
                world_id=world_id,
                execution_domain=execution_domain,
                as_of=as_of,
                partition=partition,
                dataset_fingerprint=dataset_fingerprint,
            ),
            plan,
            timeout or self.timeout,
        )
        if outcome.ended_with is not None:
            raise DagManagerError("DiffService.Diff", outcome.ended_with, f"{outcome.end_details} ({outcome.describe()})")
        return outcome

    def diff_without_acks(
        self, strategy_id: str, dag: Any, *, world_id: str = "", execution_domain: str = "", observe_for: float
    ) -> DiffOutcome:
        """Run a diff whose caller never acknowledges, for ``observe_for`` seconds (the call's deadline)."""
        request = pb.DiffRequest(strategy_id=strategy_id, dag_json=_dag_text(dag), world_id=world_id, execution_domain=execution_domain)
        return self._run_diff(request, None, observe_for)

    def _run_diff(self, request: pb.DiffRequest, plan: AckPlan | None, timeout: float) -> DiffOutcome:
        counter = _ChunkCounter()
        acks: list[tuple[pb.ChunkAck, pb.ChunkAck]] = []
        started = time.monotonic()
        ended_with, details = None, ""
        wire_log.emit(self.on_record, "grpc", "sent", "DiffService.Diff", request)
        call = self._diff.Diff(request, timeout=timeout)
        try:
            for chunk in call:
                wire_log.emit(self.on_record, "grpc", "received", "DiffService.Diff", chunk)
                delivery = counter.take(chunk)
                for sentinel, chunk_id in plan(delivery.chunk_id, counter.copies, chunk.sentinel_id) if plan else ():
                    remaining = max(0.05, timeout - (time.monotonic() - started))
                    sent = pb.ChunkAck(sentinel_id=sentinel, chunk_id=chunk_id)
                    acks.append((sent, self.ack_chunk(sentinel, chunk_id, timeout=min(self.timeout, remaining))))
        except grpc.RpcError as exc:
            failure = self._fail("DiffService.Diff", exc)
            if isinstance(failure, DagManagerUnavailable):
                raise failure from None
            ended_with, details = exc.code(), exc.details() or ""
            wire_log.emit(self.on_record, "grpc", "received", "DiffService.Diff", f"{ended_with.name}: {details}")
        finally:
            # An acknowledgement that failed leaves the stream open; do not leave it to the collector.
            call.cancel()
        return DiffOutcome(tuple(counter.seen), time.monotonic() - started, ended_with, details, tuple(acks))

    # -- tag queries and admin --------------------------------------------
    def get_queues(self, tags: list[str], interval: int, match_mode: str = "any", timeout: float | None = None) -> list[dict]:
        """Queue descriptors as the Gateway's JSON shows them: ``{"queue", "global"}``."""
        reply = self._call(
            "TagQuery.GetQueues", self._tags.GetQueues, pb.TagQueryRequest(tags=tags, interval=interval, match_mode=match_mode), timeout
        )
        return [{"queue": q.queue, "global": getattr(q, "global")} for q in reply.queues]

    def queue_stats(self, filter: str = "", timeout: float | None = None) -> dict[str, int]:
        reply = self._call("AdminService.GetQueueStats", self._admin.GetQueueStats, pb.QueueStatsRequest(filter=filter), timeout)
        return dict(reply.sizes)

    def cleanup(self, strategy_id: str, timeout: float | None = None) -> None:
        self._call("AdminService.Cleanup", self._admin.Cleanup, pb.CleanupRequest(strategy_id=strategy_id), timeout)

    def redo_diff(self, sentinel_id: str, dag: Any = "", timeout: float | None = None) -> pb.DiffResult:
        request = pb.RedoDiffRequest(sentinel_id=sentinel_id, dag_json=_dag_text(dag) if dag else "")
        return self._call("AdminService.RedoDiff", self._admin.RedoDiff, request, timeout)
