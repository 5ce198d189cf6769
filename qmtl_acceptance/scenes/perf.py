"""Performance budgets: many tokens, sockets, submissions and a large diff, timed and held to the Gherkin's numbers.

The load goes through clients that keep no per-request evidence: hundreds of
identical exchanges would drown the report, and the numbers (attached as JSON
and as a chart) are the evidence. Every socket opened here is closed by the
scenario's cleanup, registered before the first one opens.
"""
from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, TypeVar

from .. import perf_stats
from ..clients.dagmanager import DagManagerClient
from ..clients.events import EventStream, HandshakeRefused
from ..clients.gateway import GatewayClient
from ..dag import Dag, DagBuilder, two_node_strategy
from ..diagnostics import json_text
from ..errors import TargetFailure
from ..eventually import eventually
from .dagmanager_shapes import queues_by_node
from .scenario import Scenario
from .target import Target
from .worlds import Worlds

T = TypeVar("T")
POLL = 0.002  # how often a wait looks again: fine enough not to blur millisecond latencies
# Arrival times come from each socket's reader thread, not from the wait: a slower wait blurs nothing and leaves
# the hundred readers the interpreter's time.
SOCKETS_POLL = 0.02
TOPICS = ["activation"]


@dataclass(frozen=True)
class Ticket:
    world_id: str
    strategy_id: str
    token: str
    stream_url: str


def _timed(call: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def _attach(name: str, numbers: dict, chart: bytes) -> None:
    try:
        import allure
    except ImportError:
        return
    try:
        allure.attach(json_text(numbers), name=f"{name} numbers", attachment_type=allure.attachment_type.JSON)
        allure.attach(chart, name=f"{name} chart", attachment_type=allure.attachment_type.PNG)
    except Exception:
        return  # running without the allure formatter


class PerfScene:
    def __init__(self, target: Target, scenario: Scenario, worlds: Worlds) -> None:
        self.target = target
        self.scenario = scenario
        self.worlds = worlds
        self.samples: dict[str, list[float]] = {}
        self.tickets: list[Ticket] = []
        self.streams: list[EventStream] = []
        self.wall: dict[str, float] = {}
        self.notes: dict[str, str] = {}  # measurement → what its numbers alone do not say
        self._change: tuple[object, float] | None = None  # the etag of the last change and when it was sent
        self._fanned: tuple[str, str] = ("", "")  # the world and strategy whose subscribers a change fans out to

    @cached_property
    def gateway(self) -> GatewayClient:
        client = GatewayClient(self.target.endpoints.gateway_url, timeout=self.scenario.seconds(10))
        self.scenario.add_cleanup(client.close)
        return client

    @cached_property
    def dagmanager(self) -> DagManagerClient:
        client = DagManagerClient(self.target.endpoints.dagmanager_address, timeout=self.scenario.seconds(10))
        client.on_record = None
        self.scenario.add_cleanup(client.close)
        return client

    # -- event tokens -----------------------------------------------------------------------
    def _world_ids(self, count: int) -> list[str]:
        return [self.worlds[f"perf {i + 1}"] for i in range(count)]

    def _subscribe(self, world_id: str, strategy_id: str) -> tuple[Ticket | None, str]:
        answer = self.gateway.subscribe(world_id, strategy_id, TOPICS)
        body = answer.body if isinstance(answer.body, dict) else {}
        if answer.status != 200 or not isinstance(body.get("token"), str) or not isinstance(body.get("stream_url"), str):
            return None, answer.describe()
        return Ticket(world_id, strategy_id, body["token"], body["stream_url"]), ""

    def issue_tokens(self, strategies: int, worlds: int, at_a_time: int = 1) -> None:
        """``strategies`` strategies spread round-robin over ``worlds`` worlds ask for a token, ``at_a_time`` at once."""
        world_ids = self._world_ids(worlds)
        ids = [self.scenario.ids(f"perf strategy {i + 1}") for i in range(strategies)]
        jobs = [(world_ids[i % worlds], ids[i]) for i in range(strategies)]
        with ThreadPoolExecutor(max_workers=at_a_time) as pool:
            results = list(pool.map(lambda job: _timed(lambda: self._subscribe(*job)), jobs))
        refused = [why for (ticket, why), _ in results if ticket is None]
        if refused:
            raise TargetFailure(f"{len(refused)} of {strategies} token requests were refused", expected="HTTP 200 with a token "
                                "and a stream_url for each", observed=f"first refusal: {refused[0]}")
        self.tickets = [ticket for (ticket, _), _ in results if ticket is not None]
        self.samples["event token issue"] = [elapsed for _, elapsed in results]

    # -- sockets ----------------------------------------------------------------------------
    def _close_streams(self) -> None:
        for stream in self.streams:
            stream.close()

    def _open(self, ticket: Ticket) -> tuple[EventStream | None, str, float]:
        started = time.perf_counter()
        try:
            stream = EventStream.open(ticket.stream_url, ticket.token, timeout=self.scenario.seconds(10))
        except HandshakeRefused as refused:
            return None, str(refused), time.perf_counter() - started
        stream.on_record = None
        return stream, "", time.perf_counter() - started

    def connect_all(self, at_a_time: int) -> None:
        """Every ticket held opens /ws/evt, ``at_a_time`` at once; the time of each handshake and of all of them is kept."""
        if not self.streams:
            self.scenario.add_cleanup(self._close_streams)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=at_a_time) as pool:
            opened = list(pool.map(self._open, self.tickets))
        self.wall["connect all"] = time.perf_counter() - started
        self.streams.extend(stream for stream, _, _ in opened if stream is not None)
        refused = [why for stream, why, _ in opened if stream is None]
        if refused:
            raise TargetFailure(f"{len(refused)} of {len(self.tickets)} subscribers could not connect",
                                expected="every handshake accepted", observed=f"first: {refused[0]}")
        self.samples["handshake"] = [elapsed for _, _, elapsed in opened]

    def connected_within(self, stated: float) -> None:
        took, limit = self.wall["connect all"], self.scenario.seconds(stated)
        self.notes["handshake"] = f"all {len(self.streams)} connected in {took * 1000:.0f} ms (budget {limit * 1000:.0f} ms)"
        print(f"perf: connect: {self.notes['handshake']}", file=sys.__stdout__, flush=True)
        if took > limit:
            raise TargetFailure(f"connecting {len(self.streams)} subscribers", expected=f"all connected within {limit:.2f} s",
                                observed=f"{took:.2f} s")

    # -- fan-out ----------------------------------------------------------------------------
    def _activation_frame(self, stream: EventStream, etag: object):
        found = stream.frames(lambda f: f.type == "activation_updated" and isinstance(f.payload.get("data"), dict)
                              and f.payload["data"].get("etag") == etag)
        return found[0] if found else None

    def _put(self, world_id: str, strategy_id: str, weight: float) -> tuple[object, float]:
        sent = time.monotonic()
        answer = self.gateway.put_activation(world_id, strategy_id, "long", True, weight)
        if answer.status != 200 or not isinstance(answer.body, dict) or "etag" not in answer.body:
            raise TargetFailure("changing the activation", expected="HTTP 200 with the record and its etag",
                                observed=answer.describe())
        self.notes["delivery"] = f"the activation change was answered in {answer.elapsed * 1000:.1f} ms"
        return answer.body["etag"], sent

    def _every_stream_has(self, etag: object, within: float, what: str) -> list[float]:
        def arrivals() -> list[float]:
            frames = [self._activation_frame(stream, etag) for stream in self.streams]
            got = [frame.received_at for frame in frames if frame is not None]
            assert len(got) == len(frames), f"{len(got)} of {len(frames)} subscribers have it"
            return got

        return eventually(arrivals, within=within, what=what, every=SOCKETS_POLL)

    def open_fan_out(self, subscribers: int, world_role: str) -> None:
        """``subscribers`` sockets of one strategy in one world, each shown to be registered by its activation snapshot."""
        world_id, strategy_id = self.worlds[world_role], self.scenario.ids("fanned-out strategy")
        etag, _ = self._put(world_id, strategy_id, 0.1)
        self.tickets = []
        for _ in range(subscribers):
            ticket, why = self._subscribe(world_id, strategy_id)
            if ticket is None:
                raise TargetFailure("subscribing a fan-out subscriber", expected="HTTP 200 with a token", observed=why)
            self.tickets.append(ticket)
        self.connect_all(10)
        self._every_stream_has(etag, self.scenario.seconds(5), f"the activation snapshot on all {subscribers} sockets")
        self._fanned = (world_id, strategy_id)

    def change_activation(self) -> None:
        self._change = self._put(*self._fanned, 0.2)

    def all_received_within(self, stated: float) -> None:
        assert self._change is not None, "the scenario has changed no activation yet"
        etag, sent = self._change
        arrivals = self._every_stream_has(etag, self.scenario.seconds(stated),
                                          f"activation change {etag} on every one of the {len(self.streams)} subscribers")
        self.samples["delivery"] = [at - sent for at in arrivals]

    # -- submissions ------------------------------------------------------------------------
    def submit_each(self, count: int, world_role: str, completed_within: float) -> None:
        """``count`` distinct strategies, one after another, each awaited until its status is ``completed``."""
        world_id = self.worlds[world_role]
        submitted, completed = [], []
        for i in range(count):
            dag = two_node_strategy(self.scenario.ids(f"perf dag {i + 1}"))
            answer, took = _timed(lambda: self.gateway.submit_strategy(dag.as_json(), [world_id], dag.crc32))
            accepted = time.perf_counter()
            if answer.status != 202 or not isinstance(answer.body, dict) or "strategy_id" not in answer.body:
                raise TargetFailure(f"submitting strategy {i + 1} of {count}", expected="HTTP 202 with its strategy_id",
                                    observed=answer.describe())
            submitted.append(took)
            strategy_id = answer.body["strategy_id"]

            def is_completed() -> None:
                status = self.gateway.strategy_status(strategy_id)
                said = status.body.get("status") if isinstance(status.body, dict) else status.describe()
                assert said == "completed", f"status is {said!r}; {i} of {count} strategies reached 'completed' before it"

            eventually(is_completed, within=self.scenario.seconds(completed_within),
                       what=f"strategy {i + 1} of {count} ({strategy_id}) reaches status 'completed'", every=POLL)
            completed.append(time.perf_counter() - accepted)
        self.samples["submission"], self.samples["time to completed"] = submitted, completed

    # -- DAG Manager ------------------------------------------------------------------------
    def _large_dag(self, label: str, nodes: int) -> Dag:
        builder = DagBuilder(label)
        for i in range(nodes // 2):
            stream = builder.stream_input(f"s{i:04d}", interval=60, period=1 + i % 5, tags=[f"t{i % 7}"])
            builder.processing(f"c{i:04d}", [stream], interval=60, period=i % 4)
        return builder.build()

    def diff_large(self, count: int, nodes: int, world_role: str) -> None:
        """``count`` diffs of distinct ``nodes``-node DAGs, each chunk acknowledged; each must map every node to a queue."""
        world_id, took = self.worlds[world_role], []
        for i in range(count):
            dag = self._large_dag(self.scenario.ids(f"perf large dag {i + 1}"), nodes)
            strategy_id = self.scenario.ids(f"perf diffed {i + 1}")
            outcome, elapsed = _timed(lambda: self.dagmanager.diff(strategy_id, dag.as_json(), world_id=world_id,
                                                                  execution_domain="live", timeout=self.scenario.seconds(10)))
            acked = {sent.chunk_id for sent, _ in outcome.acks}
            mapped = queues_by_node(dict(outcome.queue_map))
            missing = [n for n in dag.node_ids if n not in mapped]
            if acked != set(range(len(outcome.chunks))) or missing:
                raise TargetFailure(f"diff {i + 1} of {count} of a {nodes}-node DAG",
                                    expected=f"every chunk acknowledged and each of the {nodes} nodes given a queue",
                                    observed=f"{outcome.describe()}; chunks acknowledged {sorted(acked)}; "
                                             f"{len(missing)} node(s) without a queue")
            took.append(elapsed)
        self.samples["diff"] = took

    # -- budgets ----------------------------------------------------------------------------
    def _report(self, name: str, pct: float, stated: float) -> dict:
        samples = self.samples.get(name)
        if not samples:
            raise AssertionError(f"the scenario has measured no {name} yet")
        measure = "max" if pct == 100 else f"p{pct:g}"
        numbers = perf_stats.summary(samples, self.scenario.seconds(stated), measure)
        numbers.update({"stated_budget_ms": stated * 1000, "timeout_scale": self.scenario.timeout_scale})
        note = self.notes.get(name, "")
        if note:
            numbers["note"] = note
        line = perf_stats.one_line(name, numbers) + (f"; {note}" if note else "")
        from ..perf_chart import sorted_latency_png

        observed = perf_stats.percentile(samples, pct)
        title = f"{name}: {len(samples)} samples, {measure} {observed * 1000:.1f} ms"
        _attach(name, numbers, sorted_latency_png(title, samples, self.scenario.seconds(stated), measure))
        self.scenario.observe(f"{name} numbers", json_text(numbers))
        print(f"perf: {line}", file=sys.__stdout__, flush=True)
        return numbers

    def within_budget(self, name: str, pct: float, stated: float) -> None:
        """The ``pct``-th percentile of ``name`` (100: the slowest) is under the stated budget, scaled by timeout_scale."""
        numbers = self._report(name, pct, stated)
        observed = perf_stats.percentile(self.samples[name], pct) * 1000
        if observed >= numbers["budget_ms"]:
            raise TargetFailure(f"{name} over {numbers['count']} samples",
                                expected=f"{numbers['budget_bounds']} under {numbers['budget_ms']:.0f} ms",
                                observed=f"{numbers['budget_bounds']} {observed:.1f} ms "
                                         f"(median {numbers['median_ms']:.1f} ms, max {numbers['max_ms']:.1f} ms)")
