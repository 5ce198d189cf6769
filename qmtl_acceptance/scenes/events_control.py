"""What a subscriber sends on its stream (contract §4): acks, refreshes, heartbeats; and when the stream ends."""
from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from ..clients import token_craft
from ..clients.events import EventStream, Frame
from ..errors import TargetFailure
from ..eventually import eventually, never
from .events_frames import frames_text
from .events_keys import REFRESH_REFUSED
from .events_streams import Streams


# Phrase → the text a subscriber sends that is no command; each is a heartbeat.
def frame_time(ts: Any) -> float | None:
    """An ack's ``ts`` as seconds since the epoch. The contract gives it no form: the reference stack sends a
    number, QMTL an ISO-8601 time with its offset; either names a time, anything else does not."""
    if isinstance(ts, bool):
        return None
    if isinstance(ts, (int, float)):
        return float(ts)
    if isinstance(ts, str):
        try:
            moment = datetime.fromisoformat(ts.replace("Z", "+00:00"))
        except ValueError:
            return None
        return moment.timestamp() if moment.tzinfo is not None else None
    return None


HEARTBEATS = {
    "a frame of a type the Gateway does not know": '{"type": "ping", "n": 1}',
    "text that is not JSON": "still here",
    "a JSON list": '["ack"]',
}


class Control:
    def __init__(self, streams: Streams) -> None:
        self.streams = streams
        self.scenario = streams.scenario
        self.ack_ids: list[str] = []
        self.expiring: tuple[EventStream, float] | None = None

    # -- acks
    def acknowledge(self, count: int) -> None:
        for _ in range(count):
            self.ack_ids.append(self.scenario.ids(f"acknowledged event {len(self.ack_ids) + 1}"))
            self.streams.stream().send({"type": "ack", "last_id": self.ack_ids[-1]})

    def acks_echoed(self, seconds: float) -> None:
        stream = self.streams.stream()

        def echoed() -> list[Frame]:
            acks = stream.frames(lambda f: f.type == "ack")
            echoed_ids = [f.payload.get("last_id") for f in acks]
            if echoed_ids != self.ack_ids:
                raise AssertionError(f"acks so far: {[f.payload for f in acks]}; {stream.describe()}")
            return acks

        acks = eventually(echoed, within=self.scenario.seconds(seconds),
                          what=f"an ack echoing last_id {', then '.join(map(repr, self.ack_ids))}")
        stale = [f.payload for f in acks if (at := frame_time(f.payload.get("ts"))) is None or abs(at - time.time()) > 60]
        if stale:
            raise TargetFailure("each ack", expected="a ts of the time it was sent (seconds since the epoch, or ISO-8601)",
                                observed=str(stale))

    # -- refreshes
    def refresh_with_new_token(self) -> None:
        holder = self.streams.subscriptions.latest()
        fresh = self.streams.subscriptions.subscribe(holder.world_role, holder.topics)
        self.streams.stream().send({"type": "refresh", "token": fresh.token})

    def refresh_with(self, phrase: str) -> None:
        holder = self.streams.subscriptions.latest()
        other = ""
        if phrase == "the token of another strategy in the same world":
            other = self.streams.subscriptions.subscribe(holder.world_role, holder.topics, strategy="other strategy").token
        token = REFRESH_REFUSED[phrase](self.streams.keys, holder.token, other)
        if token is False:
            return  # skipped: the target offers no key to sign with
        frame: dict[str, Any] = {"type": "refresh"}
        if token is not None:
            frame["token"] = token
        self.streams.stream().send(frame)

    def refresh_with_world(self, role: str) -> None:
        self.streams.stream().send({"type": "refresh", "token": self.streams.subscriptions.latest(role).token})

    def refresh_acknowledged(self, seconds: float) -> None:
        stream = self.streams.stream()

        def acked() -> Frame:
            found = stream.frames(lambda f: f.type == "refresh_ack")
            if not found:
                raise AssertionError(f"{stream.describe()}; {frames_text(stream)}")
            return found[0]

        frame = eventually(acked, within=self.scenario.seconds(seconds), what="a refresh_ack")
        if frame_time(frame.payload.get("ts")) is None:
            raise TargetFailure("the refresh_ack", expected="a ts (seconds since the epoch, or ISO-8601)", observed=str(frame.payload))

    def refresh_not_acknowledged(self) -> None:
        acks = self.streams.stream().frames(lambda f: f.type == "refresh_ack")
        if acks:
            raise TargetFailure("the refused refresh", expected="no refresh acknowledgement",
                                observed=f"{len(acks)} refresh_ack frame(s): {[f.payload for f in acks]}")

    # -- heartbeats
    def send_heartbeat(self, phrase: str) -> None:
        self.streams.stream().send_text(HEARTBEATS[phrase])

    # -- staying open, being closed
    def stays_open(self, seconds: float) -> None:
        stream = self.streams.stream()
        never(lambda: f"it closed with code {stream.close_code}" if stream.closed else None,
              for_seconds=self.scenario.seconds(seconds), what="the stream stays open")

    def _await_close(self, stream: EventStream, code: int, within: float, what: str) -> None:
        def closed() -> int | None:
            if not stream.closed:
                raise AssertionError(f"still open: {stream.describe()}")
            return stream.close_code

        eventually(closed, within=within, what=what)
        if stream.close_code != code:
            raise TargetFailure(f"the stream closed with code {stream.close_code} ({stream.close_reason!r}), expected {code}")

    def closed_with(self, code: int, seconds: float) -> None:
        self._await_close(self.streams.stream(), code, self.scenario.seconds(seconds),
                          f"the Gateway closes the stream with code {code}")

    def open_expiring(self, seconds: float) -> None:
        genuine = self.streams.subscriptions.latest().token
        signer = self.streams.keys.trusted(genuine)
        if signer is None:
            return
        claims = token_craft.short_lived_claims(genuine, int(seconds))
        stream = self.streams.open(self.streams.subscriptions.latest(), token=signer.sign(claims))
        # Whole-second exp: the token expires at that second, not `seconds` after now.
        self.expiring = (stream, float(claims["exp"]))

    def _expiring(self) -> tuple[EventStream, float]:
        if self.expiring is None:
            raise AssertionError("no stream was opened with a short-lived token")
        return self.expiring

    def open_until_before_expiry(self, margin: float) -> None:
        """Not scaled: the moment is the token's, not a deadline of the target's."""
        stream, exp = self._expiring()
        never(lambda: f"it closed with code {stream.close_code}, {exp - time.time():.2f} s before its token expired"
              if stream.closed else None, for_seconds=max(0.0, exp - margin - time.time()),
              what="the stream stays open while its token is valid")

    def open_after_first_expiry(self, seconds: float) -> None:
        stream, exp = self._expiring()
        never(lambda: f"it closed with code {stream.close_code} ({stream.close_reason!r})" if stream.closed else None,
              for_seconds=max(0.0, exp + seconds - time.time()),
              what=f"the refreshed stream is still open {seconds:g} s after its first token expired")

    def closed_after_expiry(self, code: int, seconds: float) -> None:
        stream, exp = self._expiring()
        within = max(0.0, exp - time.time()) + self.scenario.seconds(seconds)
        self._await_close(stream, code, within, f"the Gateway closes the stream within {seconds:g} s after its token expired")
