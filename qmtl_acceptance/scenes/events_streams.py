"""Subscribers on /ws/evt (contract §4): the handshake, snapshots on connect, live events, world isolation.

A subscriber a step speaks of is the last stream opened, or the one its label
names (a world role, "<topic> events", "first", "second").
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from ..clients import token_craft
from ..clients.events import EventStream, Frame, HandshakeRefused, stream_url
from ..errors import TargetFailure
from ..eventually import eventually, never
from ..redaction import fingerprint
from .events_activation import Activations
from .events_frames import activation_frames, carries, envelope_problems, frames_text
from .events_keys import ACCEPTED, REFUSED, Keys, Presentation
from .events_subscriptions import Holder, Subscriptions
from .scenario import Scenario
from .target import Target
from .worlds import Worlds


@dataclass
class Attempt:
    """The outcome of one handshake: a refusal or an open stream, and how long it took."""

    took: float
    refused: HandshakeRefused | None = None
    stream: EventStream | None = None


class Streams:
    def __init__(self, target: Target, scenario: Scenario, worlds: Worlds, subscriptions: Subscriptions,
                 activations: Activations) -> None:
        self.target = target
        self.scenario = scenario
        self.worlds = worlds
        self.subscriptions = subscriptions
        self.activations = activations
        self.keys = Keys(target, scenario, self.opens)
        self.by_label: dict[str, EventStream] = {}
        self.current: EventStream | None = None
        self.attempt: Attempt | None = None

    # -- opening
    def attempt_with(self, presented: Presentation, *, url: str | None = None, query: dict | None = None) -> Attempt:
        target = stream_url(url or self.subscriptions.latest().stream_url, query)
        started = time.monotonic()
        try:
            stream = EventStream.connect(target, header=presented.header, query=presented.query,
                                         subprotocol=presented.subprotocol, offered=presented.offered,
                                         timeout=self.scenario.seconds(10))
        except HandshakeRefused as refused:
            return Attempt(time.monotonic() - started, refused=refused)
        self.scenario.add_cleanup(stream.close)
        return Attempt(time.monotonic() - started, stream=stream)

    def opens(self, token: str) -> bool:
        attempt = self.attempt_with(Presentation(header=token))
        if attempt.stream is not None:
            attempt.stream.close()
        return attempt.stream is not None

    def open(self, holder: Holder, label: str | None = None, query: dict | None = None, token: str | None = None) -> EventStream:
        token = token or holder.token
        attempt = self.attempt_with(Presentation(header=token), query=query)
        if attempt.stream is None:
            raise TargetFailure(f"the Gateway refused a genuine token ({fingerprint(token)}): {attempt.refused}")
        self.current = attempt.stream
        self.by_label[label or holder.world_role] = attempt.stream
        return attempt.stream

    def open_latest(self, label: str | None = None, query: dict | None = None) -> EventStream:
        return self.open(self.subscriptions.latest(), label, query)

    def subscribe_and_open(self, role: str, topics: list[str], label: str | None = None) -> EventStream:
        return self.open(self.subscriptions.subscribe(role, topics), label)

    def subscribe_and_open_each_world(self, topics: list[str]) -> None:
        for role in self.worlds.roles:
            self.subscribe_and_open(role, topics)

    def stream(self, label: str | None = None) -> EventStream:
        stream = self.current if label is None else self.by_label.get(label)
        if stream is None:
            raise AssertionError(f"no subscriber has the event stream open{'' if label is None else ' as ' + label}")
        return stream

    def observe(self, name: str, stream: EventStream) -> None:
        self.scenario.observe(name, f"{stream.describe()}; {frames_text(stream)}")

    # -- the handshake
    def present(self, phrase: str, registry: str = "refused") -> None:
        craft = (REFUSED if registry == "refused" else ACCEPTED)[phrase]
        presented = craft(self.keys, self.subscriptions.latest().token)
        if presented is None:
            return  # the scenario was skipped: the target offers no key to sign with
        self.attempt = self.attempt_with(presented)
        self.scenario.observe(f"handshake presenting {phrase}", f"refused: {self.attempt.refused}" if self.attempt.refused
                              else f"accepted: {self.attempt.stream.describe() if self.attempt.stream else ''}")

    def open_fallback(self) -> None:
        holder = self.subscriptions.latest()
        fallback = holder.body.get("fallback_url")
        if not (isinstance(fallback, str) and fallback):
            raise TargetFailure(f"the subscription names no fallback stream: {holder.answer.describe()}")
        self.attempt = self.attempt_with(Presentation(), url=fallback)

    def _attempted(self) -> Attempt:
        if self.attempt is None:
            raise AssertionError("no handshake was attempted")
        return self.attempt

    def refused_with(self, status: int, seconds: float) -> None:
        attempt = self._attempted()
        if attempt.stream is not None:
            seen = f"{attempt.stream.describe()}; {frames_text(attempt.stream)}"
            attempt.stream.close()
            raise TargetFailure(f"expected the handshake to be refused with HTTP {status}, but the Gateway accepted it ({seen})")
        if attempt.refused is None or attempt.refused.status != status:
            raise TargetFailure(f"expected the handshake to be refused with HTTP {status}, it ended with: {attempt.refused}")
        self._in_time(attempt, seconds)

    def accepted_within(self, seconds: float) -> None:
        attempt = self._attempted()
        stream = attempt.stream
        if stream is None:
            raise TargetFailure(f"expected the Gateway to accept the handshake, it was refused: {attempt.refused}")
        self._in_time(attempt, seconds)
        never(lambda: f"it closed with code {stream.close_code}" if stream.closed else None,
              for_seconds=self.scenario.seconds(0.5), what="the accepted stream stays open")

    def _in_time(self, attempt: Attempt, seconds: float) -> None:
        limit = self.scenario.seconds(seconds)
        if attempt.took > limit:
            raise TargetFailure(f"the handshake took {attempt.took:.2f} s, more than {limit:.2f} s")

    def each_published_key_opens(self) -> None:
        genuine = self.subscriptions.latest().token
        kids = [str(k.get("kid")) for k in self.keys.jwks().get("keys", []) if isinstance(k, dict)]
        refused = []
        for kid in kids:
            signer = self.keys.signer(kid)
            if signer is None:
                self.scenario.skip(f"the {self.target.name} target gives the suite no copy of key {kid!r}")
                return
            if not self.opens(signer.sign(token_craft.claims_like(genuine))):
                refused.append(kid)
        if refused or not kids:
            raise TargetFailure("tokens signed with each published key", expected=f"accepted for every kid {kids}",
                                observed=f"refused for {refused}")

    # -- activation snapshots and live events
    def await_activation(self, stream: EventStream, record: dict, seconds: float, what: str) -> Frame:
        def arrived() -> Frame:
            for frame in activation_frames(stream):
                if carries(frame, record):
                    return frame
            raise AssertionError(f"{stream.describe()}; {frames_text(stream)}")

        return eventually(arrived, within=self.scenario.seconds(seconds), what=what)

    def snapshot_of(self, side: str, seconds: float, role: str | None = None) -> None:
        stream = self.stream(role)
        role = role or self.subscriptions.latest().world_role
        record = self.activations.held(role, side)
        self.await_activation(stream, record, seconds,
                              f"the {side}-side activation snapshot of world {role} (etag {record.get('etag')})")

    def snapshot_per_side(self, seconds: float) -> None:
        for side in ("long", "short"):
            self.snapshot_of(side, seconds)
        self.only_snapshots_of(["long", "short"])

    def only_snapshots_of(self, sides: list[str]) -> None:
        stream, holder = self.stream(), self.subscriptions.latest()
        frames = activation_frames(stream)
        seen = sorted(f.payload["data"].get("side") for f in frames)
        foreign = [f for f in frames if (f.payload["data"].get("world_id"), f.payload["data"].get("strategy_id"))
                   != (holder.world_id, holder.strategy_id)]
        self.observe("stream after connect", stream)
        if seen != sorted(sides) or foreign:
            raise TargetFailure("activation snapshots", expected=f"exactly one per side {sorted(sides)} of this world "
                                "and strategy", observed=frames_text(stream))

    def receives_change(self, label: str | None, seconds: float, world: str | None = None) -> None:
        record, sent = self.activations.last_change(world)
        stream = self.stream(label)
        frame = self.await_activation(stream, record, seconds,
                                      f"the subscriber {label or ''} receives activation change {record.get('etag')}")
        self.scenario.observe(f"delivery of {record.get('etag')} to {label}", f"{frame.received_at - sent:.3f} s after it was sent")

    def receives_every_change(self, label: str, seconds: float) -> None:
        stream = self.stream(label)
        for _role, record, _sent in self.activations.changes:
            self.await_activation(stream, record, seconds, f"the {label} subscriber receives {record.get('etag')}")
        order = [f.payload["data"].get("etag") for f in activation_frames(stream)]
        wanted = [record.get("etag") for _r, record, _s in self.activations.changes]
        # A snapshot read while the changes were being made already shows one of them; the live events come after
        # the snapshots, so each change's last arrival is its live one, and those must come in the order made.
        last = {etag: index for index, etag in enumerate(order) if etag in wanted}
        if sorted(last, key=last.__getitem__) != wanted:
            raise TargetFailure(f"the {label} subscriber", expected=f"the changes in the order made, {wanted}", observed=str(order))

    def receives_no_activation(self, label: str | None, seconds: float, world: str | None = None,
                               beyond: list[str] | None = None) -> None:
        stream = self.stream(label)
        world_id = self.worlds[world] if world is not None else None

        def leaked() -> str | None:
            frames = [f for f in activation_frames(stream, world_id) if f.payload["data"].get("side") not in (beyond or [])]
            return f"{len(frames)} activation event(s): {frames_text(stream)}" if frames else None

        never(leaked, for_seconds=self.scenario.seconds(seconds),
              what=f"the subscriber {label or ''} receives no {'' if world is None else 'event of world ' + world}"
                   f"{'activation event' if world is None else ''}")

    def close(self, label: str) -> None:
        self.stream(label).close()

    # -- frames in general
    def received_count(self, count: int, seconds: float) -> None:
        stream = self.stream()

        def enough() -> int:
            if len(stream.frames()) < count:
                raise AssertionError(f"{stream.describe()}; {frames_text(stream)}")
            return len(stream.frames())

        eventually(enough, within=self.scenario.seconds(seconds), what=f"{count} events on the stream")
        self.observe("stream frames", stream)

    def frames_are_cloudevents(self) -> None:
        frames = self.stream().frames()
        if not frames:
            raise AssertionError("the subscriber received no frame to check")
        problems = envelope_problems(frames)
        if problems:
            raise TargetFailure("; ".join(problems))
