"""Tag queries (contract §7, TagQuery.GetQueues): queues of diffed nodes by tag, interval and match mode."""
from __future__ import annotations

from ..dag import DagBuilder
from ..errors import TargetFailure
from .dagmanager_session import DagManagerSession

# phrase → the named streams whose queues a tag query must find
FOUND = {
    "quotes and trades": ("quotes", "trades"),
    "quotes only": ("quotes",),
    "trades only": ("trades",),
    "candles only": ("candles",),
    "ticks only": ("ticks",),
    "quotes, trades and ticks": ("quotes", "trades", "ticks"),
    "no stream": (),
}
MATCH_MODES = ("any", "all")

CHOICES = {
    "FoundStreams": tuple(FOUND),
    "MatchMode": MATCH_MODES,
}


class TagQueryScene:
    def __init__(self, session: DagManagerSession) -> None:
        self.session = session
        self.scenario = session.scenario
        self.answer: list[dict] | None = None

    def _tag(self, tag: str) -> str:
        # Tags are unique to the scenario, so no other scenario's queues can answer.
        return self.scenario.ids(f"tag {tag}")

    def build_tagged(self, role: str, streams: list[tuple[str, list[str], int]]) -> None:
        """A strategy of named streams, each with its tags and interval, and one untagged computation reading them."""
        builder = DagBuilder(self.scenario.ids(f"dag {role}"))
        names = {name: builder.stream_input(name, interval=interval, tags=[self._tag(t) for t in tags])
                 for name, tags, interval in streams}
        builder.processing("untagged", list(names.values()))
        strategy = self.session.adopt(builder.build(), role)
        strategy.streams.update(names)

    def ask(self, tags: list[str], interval: int, mode: str) -> None:
        self.answer = self.session.client.get_queues([self._tag(t) for t in tags], interval, mode)
        self.scenario.observe("tag query answer", repr(self.answer))

    def _answer(self) -> list[dict]:
        if self.answer is None:
            raise AssertionError("the scenario has not asked a tag query yet")
        return self.answer

    def _queues_of(self, stream: str) -> list[str]:
        """Every queue the diffs so far gave the named stream, in any strategy and world."""
        found = []
        for strategy in self.session.strategies.values():
            node_id = strategy.streams.get(stream)
            if node_id is None:
                continue
            for diffed in strategy.diffs:
                found += [q for k, q in diffed.outcome.queue_map.items() if k.startswith(node_id + ":")]
        return found

    def answered_with(self, found: str) -> None:
        wanted = []
        for stream in FOUND[found]:
            queues = self._queues_of(stream)
            if not queues:
                raise AssertionError(f"no diff of the scenario gave the {stream!r} stream a queue")
            wanted += queues
        seen = sorted(q["queue"] for q in self._answer())
        if seen != sorted(wanted):
            raise TargetFailure(f"expected the queues of {found} {sorted(wanted)}, got {seen}")
        wrongly_global = [q for q in self._answer() if q["global"] is not False]
        if wrongly_global:
            raise TargetFailure(f"a world's queue is reported global: {wrongly_global}")

    def one_queue_per_world(self, stream: str, world_roles: list[str]) -> None:
        queues = [q["queue"] for q in self._answer() if q["queue"] in self._queues_of(stream)]
        for role in world_roles:
            prefix = f"{self.session.worlds[role]}."
            mine = [q for q in queues if q.startswith(prefix)]
            if len(mine) != 1:
                raise TargetFailure(f"the {stream!r} stream in world {role}", expected=f"one queue named {prefix}…",
                                    observed=f"{mine} among {queues}")
