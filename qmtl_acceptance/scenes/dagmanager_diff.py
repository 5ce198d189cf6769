"""Diffs and their acknowledgements (contract §7, DiffService): running them every way a caller may, and checking them."""
from __future__ import annotations

import grpc

from ..clients.dagmanager import DagManagerError, DiffOutcome
from ..errors import TargetFailure
from . import dagmanager_shapes as shapes
from .dagmanager_dags import MALFORMED, four_node, with_stream_replaced
from .dagmanager_session import DagManagerSession

POSITIONS = ("first", "middle", "last")
# phrase → the wrong acknowledgement sent when the first chunk first arrives: (sentinel, chunk id) from the right ones.
ACK_MISTAKES = {
    "another strategy's sentinel": lambda other, sentinel, chunk_id: (other, chunk_id),
    "the next chunk's id": lambda other, sentinel, chunk_id: (sentinel, chunk_id + 1),
}

# phrase → the DiffRequest field that tells one run of a strategy from another
RUN_FIELDS = {"as-of time": "as_of", "partition": "partition", "dataset fingerprint": "dataset_fingerprint"}

CHOICES = {
    "RunField": tuple(RUN_FIELDS),
    "ChunkPosition": POSITIONS,
    "AckMistake": tuple(ACK_MISTAKES),
}


def _fail_on(problems: list[str], what: str) -> None:
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise TargetFailure(f"{what}: {shown}")


class DiffScene:
    def __init__(self, session: DagManagerSession) -> None:
        self.session = session
        self.scenario = session.scenario
        self.withheld: DiffOutcome | None = None
        self.resent_chunk: int | None = None
        self.refusal: DagManagerError | None = None
        self.refused_what = ""
        self.new_node_ids: list[str] = []

    # -- running diffs
    def acknowledging_every_chunk(self, world_roles: list[str], domain: str) -> None:
        self.session.diff(world_roles, domain)

    def at_once(self, world_roles: list[str], domain: str) -> None:
        self.session.diff_at_once(world_roles, domain)

    def two_runs_differing_in(self, world_role: str, run_field: str) -> None:
        field = RUN_FIELDS[run_field]
        first = self.session.diff([world_role], "live", run={field: "2026-01-01T00:00:00Z" if field == "as_of" else "a"})
        second = self.session.diff([world_role], "live", run={field: "2026-02-01T00:00:00Z" if field == "as_of" else "b"})
        self.session.latest = first + second

    def again(self, world_role: str, domain: str, position: str | None) -> None:
        """Diff the strategy once more for the same world and domain, its stream at ``position`` (or none) replaced."""
        strategy = self.session.strategy()
        if position is not None:
            strategy.dag, new_id = with_stream_replaced(strategy.dag, position, self.scenario.ids(f"new {position} stream"))
            self.new_node_ids = [new_id]
        self.session.diff([world_role], domain)

    def buffers_exactly_new_nodes(self) -> None:
        """Exactly the nodes whose queues the latest diff made are to be buffered: a node whose queue
        an earlier diff already made has its history, and buffering it again would re-warm it."""
        outcome = self.session.last().outcome
        buffered = sorted(b.node_id for b in outcome.buffer_nodes)
        if buffered != sorted(self.new_node_ids):
            names = {n["node_id"]: n["name"] for n in self.session.strategy().dag.nodes}
            raise TargetFailure("the re-diff's buffering instructions", expected=f"for {[names.get(i, i) for i in self.new_node_ids] or 'no node'}",
                                observed=f"for {[names.get(i, i) for i in buffered] or 'no node'}")

    def acknowledging_second_copies(self, world_role: str) -> None:
        self.session.diff([world_role], "live", ack_on_copy=2)

    def withholding(self, world_role: str, seconds: float) -> None:
        strategy = self.session.strategy()
        world_id = self.session.worlds[world_role]
        dag = strategy.dag.as_json(meta={"world_id": world_id, "execution_domain": "live"})
        self.withheld = self.session.client.diff_without_acks(
            strategy.strategy_id, dag, world_id=world_id, execution_domain="live", observe_for=self.scenario.seconds(seconds))
        self.scenario.observe("diff with the acknowledgement withheld", self.withheld.describe())

    def withholding_at(self, world_role: str, position: str) -> None:
        """Withhold the first acknowledgement of one chunk. Which chunk is last is learnt from a twin
        strategy of the same shape diffed first: a caller cannot know a stream's length in advance."""
        strategy = self.session.strategy()
        twin = self.session.build(strategy.shape, role="twin of the strategy")
        (probe,) = self.session.diff([world_role], "live", role="twin of the strategy")
        count = len(probe.outcome.chunks)
        if position == "middle" and count < 3:
            raise TargetFailure(f"a diff of {len(twin.dag.nodes)} nodes came in {count} chunk(s); a middle chunk needs 3")
        self.resent_chunk = {"first": 0, "middle": count // 2, "last": count - 1}[position]
        target = self.resent_chunk
        self.session.diff([world_role], "live", ack_plan=lambda chunk_id, copy, sentinel:
                          [(sentinel, chunk_id)] if copy == (2 if chunk_id == target else 1) else [])

    def with_mistaken_first_ack(self, world_role: str, mistake: str) -> None:
        other = f"{self.scenario.ids('a strategy never diffed')}-sentinel"
        wrong = ACK_MISTAKES[mistake]
        self.resent_chunk = 0

        def plan(chunk_id: int, copy: int, sentinel: str) -> list[tuple[str, int]]:
            if chunk_id == 0 and copy == 1:
                return [wrong(other, sentinel, chunk_id)]
            return [(sentinel, chunk_id)] if copy == (2 if chunk_id == 0 else 1) else []

        self.session.diff([world_role], "live", ack_plan=plan)

    def malformed(self, phrase: str) -> None:
        names_strategy, craft = MALFORMED[phrase]
        strategy_id = self.scenario.ids("malformed strategy") if names_strategy else ""
        text = craft(four_node(self.scenario.ids("malformed dag")))
        self.refused_what = phrase
        try:
            outcome = self.session.client.diff(strategy_id, text, world_id=self.session.worlds["alpha"],
                                               execution_domain="live", timeout=self.scenario.seconds(5))
        except DagManagerError as exc:
            self.refusal = exc
            self.scenario.observe("diff refusal", str(exc))
            return
        self.scenario.observe("diff of a malformed DAG", outcome.describe())
        self.refusal = None

    # -- checks on the latest diff
    def completed_within(self, seconds: float) -> None:
        outcome = self.session.last().outcome
        limit = self.scenario.seconds(seconds)
        if outcome.ended_with is not None:
            raise TargetFailure(f"the diff did not complete: {outcome.describe()}")
        if outcome.elapsed > limit:
            raise TargetFailure(f"the diff took {outcome.elapsed:.2f} s, more than {limit:.2f} s")

    def one_queue_per_node_namespaced(self) -> None:
        for diffed in self.session.latest or [self.session.last()]:
            node_ids = self.session.strategy().dag.node_ids
            _fail_on(shapes.namespace_problems(diffed.outcome.queue_map, node_ids, diffed.prefix),
                     f"the diff for world {diffed.world_role}")

    def keys_name_node_interval_and_compute_key(self) -> None:
        _fail_on(shapes.key_problems(self.session.last().outcome.queue_map, self.session.strategy().dag.nodes), "queue-map keys")

    def unstated_intervals_keyed_zero(self) -> None:
        nodes = [n for n in self.session.strategy().dag.nodes if n.get("interval") is None]
        if not nodes:
            raise ValueError("the strategy has no node that leaves out its interval")
        by_node = {k.node_id: k for k in map(shapes.parse_key, self.session.last().outcome.queue_map) if k}
        wrong = {n["name"]: by_node[n["node_id"]].interval if n["node_id"] in by_node else "no key" for n in nodes
                 if n["node_id"] not in by_node or by_node[n["node_id"]].interval != 0}
        if wrong:
            raise TargetFailure("the queue-map key of a node that states no interval", expected="interval 0",
                                observed=f"{wrong}")

    def queues_named_after_nodes(self) -> None:
        _fail_on(shapes.name_problems(self.session.last().outcome.queue_map, self.session.strategy().dag.nodes), "queue names")

    def chunks_name_sentinel_and_version(self) -> None:
        outcome = self.session.last().outcome
        _fail_on(shapes.chunk_identity_problems(outcome.chunks, self.session.strategy().sentinel), "the diff's chunks")

    def compute_keys_apart(self) -> None:
        first, second = self.session.latest[:2]
        keys = [{k.compute_key for k in map(shapes.parse_key, d.outcome.queue_map) if k} for d in (first, second)]
        if not keys[0] or keys[0] & keys[1]:
            raise TargetFailure(f"two runs of one strategy share compute keys {sorted(keys[0] & keys[1])[:3]}")

    def worlds_kept_apart(self) -> None:
        first, second = self.session.latest[:2]
        shared_queues = set(first.outcome.queue_map.values()) & set(second.outcome.queue_map.values())
        keys = [{key.compute_key for k in d.outcome.queue_map if (key := shapes.parse_key(k))} for d in (first, second)]
        if shared_queues or keys[0] & keys[1]:
            raise TargetFailure(f"worlds {first.world_role} and {second.world_role} share queues {sorted(shared_queues)[:3]} "
                                f"and compute keys {sorted(keys[0] & keys[1])[:3]}")

    def checksum_in_submitted_order(self) -> None:
        outcome = self.session.last().outcome
        _fail_on(shapes.checksum_problems(outcome.chunks, self.session.strategy().dag.node_ids), "chunk checksums")

    def at_least_chunks(self, count: int) -> None:
        seen = len(self.session.last().outcome.chunks)
        if seen < count:
            raise TargetFailure(f"a diff of {len(self.session.strategy().dag.nodes)} nodes", expected=f"at least {count} chunks",
                                observed=f"{seen}")

    def no_key_in_two_chunks(self) -> None:
        twice = shapes.repeated_keys(self.session.last().outcome.chunks)
        if twice:
            raise TargetFailure(f"{len(twice)} queue-map key(s) arrived in two chunks, e.g. {twice[0]}")

    def acks_answered_in_kind(self) -> None:
        _fail_on(shapes.ack_answer_problems(self.session.last().outcome.acks), "AckChunk answers")

    def buffers_for_windowed_nodes(self) -> None:
        outcome = self.session.last().outcome
        _fail_on(shapes.buffer_coverage_problems(outcome.buffer_nodes, self.session.strategy().dag.nodes), "buffering instructions")

    def buffers_repeat_their_nodes(self) -> None:
        outcome = self.session.last().outcome
        _fail_on(shapes.buffer_field_problems(outcome.buffer_nodes, self.session.strategy().dag.nodes), "buffering instructions")

    def position_resent(self, position: str) -> None:
        if self.resent_chunk is None:
            raise AssertionError("the scenario withheld no acknowledgement")
        outcome = self.session.last().outcome
        _fail_on(shapes.resend_problems(outcome.deliveries, self.resent_chunk),
                 f"withholding the {position} chunk's (chunk {self.resent_chunk}'s) first acknowledgement")

    def every_chunk_twice_and_complete(self) -> None:
        outcome = self.session.last().outcome
        copies = shapes.copies_per_chunk(outcome.deliveries)
        if not copies or any(n != 2 for n in copies.values()):
            raise TargetFailure(f"copies per chunk: {copies} ({outcome.describe()})")
        self.one_queue_per_node_namespaced()

    # -- checks on the diff whose acknowledgements were withheld
    def _withheld(self) -> DiffOutcome:
        if self.withheld is None:
            raise AssertionError("the scenario has not withheld an acknowledgement yet")
        return self.withheld

    def first_chunk_again(self, times: int) -> None:
        first = [d for d in self._withheld().deliveries if d.chunk_id == 0]
        if len(first) < times:
            raise TargetFailure(f"the first chunk arrived {len(first)} time(s): {self._withheld().describe()}")
        if len({d.chunk.SerializeToString(deterministic=True) for d in first}) != 1:
            raise TargetFailure("the re-sent chunk differs from the original")

    def no_other_chunk_meanwhile(self) -> None:
        others = sorted({d.chunk_id for d in self._withheld().deliveries if d.chunk_id != 0})
        if others:
            raise TargetFailure(f"chunks {others} arrived before chunk 0 was acknowledged")

    def ended_deadline_exceeded(self) -> None:
        outcome = self._withheld()
        ended = outcome.ended_with.name if outcome.ended_with is not None else "OK"
        if ended != "DEADLINE_EXCEEDED":
            raise TargetFailure(f"the diff ended {ended}: {outcome.describe()}")

    # -- refusals
    def refused_invalid_argument(self) -> None:
        if self.refusal is None:
            raise TargetFailure(f"a diff of {self.refused_what}", expected="INVALID_ARGUMENT", observed="the diff was answered")
        if self.refusal.code != grpc.StatusCode.INVALID_ARGUMENT:
            raise TargetFailure(f"a diff of {self.refused_what}", expected="INVALID_ARGUMENT",
                                observed=f"{self.refusal.code.name} ({self.refusal.details})")
        if not self.refusal.details.strip():
            raise TargetFailure(f"the refusal of {self.refused_what} gives no reason")


__all__ = ["DiffScene", "CHOICES"]
