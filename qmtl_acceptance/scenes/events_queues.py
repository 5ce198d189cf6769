"""Tagged queues on the event stream: the `queue_update` snapshot a URL's `?tags=&interval=` asks for (contract §4)."""
from __future__ import annotations

from typing import Any

from ..clients.dagmanager import DagManagerClient
from ..clients.events import Frame
from ..dag import DagBuilder
from ..errors import SuiteError, TargetFailure
from ..event_schema import frame_problem
from ..eventually import eventually, never
from .events_frames import data_of, frames_text
from .events_streams import Streams

MATCH_MODES = ("any", "all")


class TaggedQueues:
    def __init__(self, streams: Streams) -> None:
        self.streams = streams
        self.scenario = streams.scenario
        self.tags: dict[str, str] = {}
        # Tag names as the feature says them → the nodes carrying them (their queues come from the diff).
        self.tagged: dict[str, set[str]] = {}
        self.queue_of: dict[str, str] = {}
        self.request: tuple[list[str], int, str | None] | None = None

    def _client(self) -> DagManagerClient:
        address = self.streams.target.endpoints.dagmanager_address
        if not address:
            raise SuiteError(f"the {self.streams.target.name} target names no DAG Manager address")
        return DagManagerClient(address, timeout=self.scenario.seconds(10))

    def diff_tagged(self, tags: list[str], interval: int) -> None:
        """A price stream carrying every tag, a volume stream carrying only the first: `any` and `all` differ."""
        self.tags = {tag: self.scenario.ids(f"tag {tag}") for tag in tags}
        builder = DagBuilder(self.scenario.ids("tagged dag"))
        price = builder.stream_input("price", interval=interval, tags=[self.tags[t] for t in tags])
        volume = builder.stream_input("volume", interval=interval, tags=[self.tags[tags[0]]])
        builder.processing("signal", [price, volume], interval=interval)
        self.tagged = {"all": {price}, "any": {price, volume}}
        world_id = self.streams.worlds["alpha"]
        # The world and domain ride in the DAG's meta too: QMTL's DAG Manager namespaces queues from there.
        scoped = builder.build().as_json(meta={"world_id": world_id, "execution_domain": "dryrun"})
        with self._client() as client:
            outcome = client.diff(self.scenario.ids("tagged strategy"), scoped, world_id=world_id, execution_domain="dryrun")
        # queue_map keys are `<node_id>:<interval>:<bucket>#ck=<compute key>` (contract §7).
        self.queue_of = {key.split(f":{interval}:")[0]: queue for key, queue in outcome.queue_map.items()}
        self.scenario.observe("diff of the tagged strategy", outcome.describe())

    def open_asking(self, tags: list[str], interval: int, match_mode: str | None = None) -> None:
        ids = [self.tags.get(t, t) for t in tags]
        self.request = (ids, interval, match_mode)
        query: dict[str, Any] = {"tags": ",".join(ids), "interval": str(interval)}
        if match_mode is not None:
            query["match_mode"] = match_mode
        self.streams.open_latest(query=query)

    def _frame(self, seconds: float) -> Frame:
        if self.request is None:
            raise AssertionError("no stream was opened asking for tagged queues")
        tags, interval, _mode = self.request
        stream = self.streams.stream()

        def arrived() -> Frame:
            for frame in stream.frames(lambda f: f.type == "queue_update"):
                if sorted(data_of(frame).get("tags") or []) == sorted(tags) and data_of(frame).get("interval") == interval:
                    return frame
            raise AssertionError(f"{stream.describe()}; {frames_text(stream)}")

        return eventually(arrived, within=self.scenario.seconds(seconds),
                          what=f"a queue_update snapshot for tags {tags} every {interval} s")

    def snapshot_for(self, tags: list[str], interval: int, seconds: float) -> None:
        if self.request is None or self.request[:2] != ([self.tags.get(t, t) for t in tags], interval):
            raise AssertionError("the stream was opened for other tags")
        data = data_of(self._frame(seconds))
        wanted = self.request[2] or "any"
        if data.get("match_mode") != wanted or data.get("version") != 1:
            raise TargetFailure("the queue snapshot", expected=f"match_mode {wanted!r} (a URL without one asks for 'any') "
                                "and version 1", observed=str(data))

    def lists_exactly_the_tagged_queues(self) -> None:
        mode = (self.request[2] if self.request else None) or "any"
        expected = sorted(self.queue_of.get(node, f"<no queue for node {node}>") for node in self.tagged.get(mode, ()))
        if not expected or not self.queue_of:
            raise TargetFailure("the diff of the tagged strategy", expected="a queue for every node", observed=str(self.queue_of))
        if self.request is None:
            raise AssertionError("no stream was opened asking for tagged queues")
        tags, interval, _ = self.request
        data = data_of(self._frame(0))
        listed = data.get("queues")
        names = sorted(q.get("queue") for q in listed) if isinstance(listed, list) and all(isinstance(q, dict) for q in listed) else None
        with self._client() as client:
            found = client.get_queues(tags, interval, mode)
        key = lambda q: (str(q.get("queue")), str(q.get("global")))  # noqa: E731
        if names != expected or not isinstance(listed, list) or sorted(listed, key=key) != sorted(found, key=key):
            raise TargetFailure(f"the snapshot lists {listed!r}; expected the queues of the nodes tagged for {mode!r}, "
                                f"{expected}, as the DAG Manager finds them: {found!r}")

    def no_queue_snapshot(self, seconds: float) -> None:
        stream = self.streams.stream()

        def leaked() -> str | None:
            frames = stream.frames(lambda f: f.type == "queue_update")
            return f"{len(frames)} queue snapshot(s): {frames_text(stream)}" if frames else None

        never(leaked, for_seconds=self.scenario.seconds(seconds), what="the subscriber receives no queue snapshot")

    def frames_match_published_schemas(self, schemas: dict[str, Any]) -> None:
        frames = self.streams.stream().frames()
        if not frames:
            raise AssertionError("the subscriber received no frame to check")
        problems = [p for p in (frame_problem(f.payload, schemas) for f in frames) if p]
        for frame in frames:
            if not isinstance(frame.payload, dict) or frame.payload.get("specversion") != "1.0":
                spec = frame.payload.get("specversion") if isinstance(frame.payload, dict) else None
                problems.insert(0, f"frame {frame.type or '?'} is not a CloudEvents 1.0 event (specversion {spec!r})")
        if problems:
            raise TargetFailure("; ".join(problems))
