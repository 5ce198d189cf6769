"""AdminService (contract §7): queue statistics and their filter, cleanup of one strategy, redoing a diff."""
from __future__ import annotations

from ..clients.dagmanager import DagManagerError
from ..dag import DagBuilder
from ..errors import TargetFailure
from ..eventually import eventually
from .dagmanager_session import OTHER, DagManagerSession
from .dagmanager_shapes import queues_by_node

# phrase → the filter text, from the strategy's diffs (in the order run) and its queues (sorted by name)
STATS_FILTERS = {
    "the first world's id": lambda diffs, queues: diffs[0].world_id,
    "the second world's id": lambda diffs, queues: diffs[1].world_id,
    "the first queue's full name": lambda diffs, queues: queues[0],
    "the last queue's full name": lambda diffs, queues: queues[-1],
}

CHOICES = {"StatsFilter": tuple(STATS_FILTERS)}


class AdminScene:
    def __init__(self, session: DagManagerSession) -> None:
        self.session = session
        self.scenario = session.scenario
        self.stats: dict[str, int] | None = None
        self.filter = ""
        self.redos: list = []
        self.replaced_node = ""
        self.new_node = ""

    def _queues(self, role: str) -> set[str]:
        queues = self.session.strategy(role).queues
        if not queues:
            raise AssertionError(f"{role} has not been diffed into any queue yet")
        return queues

    # -- statistics
    def read_stats(self, filter_phrase: str | None = None) -> None:
        strategy = self.session.strategy()
        self.filter = STATS_FILTERS[filter_phrase](strategy.diffs, sorted(self._queues("the strategy"))) if filter_phrase else ""
        self.stats = self.session.client.queue_stats(filter=self.filter)
        self.scenario.observe(f"queue statistics (filter {self.filter!r})", repr(self.stats)[:3000])

    def _stats(self) -> dict[str, int]:
        if self.stats is None:
            raise AssertionError("the scenario has not read the queue statistics yet")
        return self.stats

    def lists_each(self) -> None:
        missing = sorted(self._queues("the strategy") - set(self._stats()))
        if missing:
            raise TargetFailure(f"queue statistics lack {missing}")

    def sizes_not_negative(self) -> None:
        wrong = {q: self._stats().get(q) for q in self._queues("the strategy")
                 if not isinstance(self._stats().get(q), int) or self._stats()[q] < 0}
        if wrong:
            raise TargetFailure(f"queue sizes that are not a count of messages: {wrong}")

    def lists_matching(self) -> None:
        """A filter never hides a queue whose name holds it. The contract gives ``filter`` no syntax (QMTL reads
        ``tag=a,b;interval=60`` and lists everything for any other text), so what else a filtered read lists is
        the target's own reading of the filter, not checked here."""
        wanted = {q for q in self._queues("the strategy") if self.filter in q}
        if not wanted:
            raise AssertionError(f"none of the strategy's queues holds {self.filter!r}")
        seen = set(self._stats())
        if not wanted <= seen:
            raise TargetFailure(f"statistics filtered by {self.filter!r}", expected=f"each of {sorted(wanted)}",
                                observed=f"{sorted(seen)[:10]} (lacking {sorted(wanted - seen)})")

    # -- cleanup
    def cleanup(self) -> None:
        self.session.client.cleanup(self.session.strategy().strategy_id)

    def cleaned_within(self, seconds: float) -> None:
        queues = self._queues("the strategy")

        def gone() -> None:
            left = sorted(queues & set(self.session.client.queue_stats()))
            if left:
                raise TargetFailure(f"still listed: {left}")

        eventually(gone, within=self.scenario.seconds(seconds), what="the cleaned-up strategy's queues disappear")

    def others_kept(self) -> None:
        missing = sorted(self._queues(OTHER) - set(self.session.client.queue_stats()))
        if missing:
            raise TargetFailure(f"cleaning up one strategy removed another strategy's queues {missing}")

    # -- redo
    def _redo(self, dag_json) -> None:
        strategy = self.session.strategy()
        try:
            redo = self.session.client.redo_diff(strategy.sentinel, dag_json)
        except DagManagerError as exc:
            raise TargetFailure(str(exc)) from None
        self.redos.append(redo)
        self.scenario.observe(f"RedoDiff answer {len(self.redos)}", str(redo).replace("\n", " ")[:2000])

    def redo_replacing(self, old: str, new: str) -> None:
        strategy = self.session.strategy()
        builder = DagBuilder(self.scenario.ids("redone dag"))
        kept: dict[str, str] = {}
        for node in strategy.dag.nodes:
            name = new if node["name"] == old else node["name"]
            if node["node_type"] == "StreamInput":
                kept[node["node_id"]] = builder.stream_input(name, interval=node["interval"], period=node["period"])
            else:
                kept[node["node_id"]] = builder.processing(name, [kept[d] for d in node["dependencies"]],
                                                           interval=node["interval"], period=node["period"])
        redone = builder.build()
        self.replaced_node = strategy.dag.node(old)["node_id"]
        self.new_node = redone.node(new)["node_id"]
        self._redo(redone.as_json())

    def redo_unchanged(self) -> None:
        self._redo("")

    def redo_names_sentinel_and_version(self) -> None:
        """Contract §7: `DiffResult{…, sentinel_id=2, version=3}`, the version a label (unannotated: a string)."""
        strategy = self.session.strategy()
        redo = self.redos[-1]
        if redo.sentinel_id != strategy.sentinel:
            raise TargetFailure(f"RedoDiff names sentinel {redo.sentinel_id!r}, expected {strategy.sentinel!r}")
        if not redo.version.strip():
            raise TargetFailure(f"RedoDiff answered version {redo.version!r}: no version label")

    def redo_holds_new_node_everywhere(self) -> None:
        strategy = self.session.strategy()
        by_node = queues_by_node(dict(self.redos[-1].queue_map))
        prefixes = sorted(d.prefix for d in strategy.diffs)
        queues = sorted(by_node.get(self.new_node, []))
        if len(queues) != len(prefixes) or not all(q.startswith(p) for q, p in zip(queues, prefixes, strict=False)):
            raise TargetFailure(f"the new node's queues are {queues}, expected one under each of {prefixes}")
        if self.replaced_node in by_node:
            raise TargetFailure("the replaced node still has queues in the redone map")

    def redo_holds_same_queues(self) -> None:
        wanted = self._queues("the strategy")
        seen = set(self.redos[-1].queue_map.values())
        if seen != wanted:
            raise TargetFailure("RedoDiff without a new DAG", expected=f"the queues {sorted(wanted)}", observed=f"{sorted(seen)}")

    def replaced_gone(self) -> None:
        digest = self.replaced_node.split(":", 1)[1][:12]
        left = sorted(q for q in self.session.client.queue_stats() if digest in q)
        if left:
            raise TargetFailure(f"the replaced node's queues are still listed: {left}")
