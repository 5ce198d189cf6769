"""The end-to-end guide's smoke flow across two worlds: a token, a stream and a strategy per world."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..clients.events import EventStream, HandshakeRefused
from ..clients.gateway import Answer
from ..clients.tokens import claim_mismatches, verify
from ..dag import two_node_strategy
from ..errors import TargetFailure
from ..eventually import eventually
from .scenario import Scenario
from .target import Target
from .worlds import Worlds

CHOICES: dict[str, tuple[str, ...]] = {}


@dataclass
class WorldSubscription:
    world_id: str
    strategy_id: str
    topics: list[str]
    answer: Answer
    token: str = ""
    claims: dict[str, Any] = field(default_factory=dict)


@dataclass
class Handshake:
    took: float
    refused: HandshakeRefused | None = None
    stream: EventStream | None = None


class SmokeScene:
    def __init__(self, target: Target, scenario: Scenario, worlds: Worlds) -> None:
        self.target = target
        self.scenario = scenario
        self.worlds = worlds
        self.subscriptions: dict[str, WorldSubscription] = {}
        self.handshakes: dict[str, Handshake] = {}
        self.submissions: dict[str, Answer] = {}
        self.strategy_ids: dict[str, str] = {}

    # -- tokens
    def subscribe_each_world(self, topics: list[str]) -> None:
        for role in self.worlds.roles:
            strategy_id = self.scenario.ids(f"strategy {role}")
            answer = self.target.gateway.subscribe(self.worlds[role], strategy_id, topics)
            self.subscriptions[role] = WorldSubscription(self.worlds[role], strategy_id, topics, answer)
            self.scenario.observe(f"subscribe {role}", answer.describe())

    def each_world_given_a_token(self) -> None:
        if not self.subscriptions:
            raise AssertionError("no world has subscribed yet")
        for role, sub in self.subscriptions.items():
            if sub.answer.status != 200:
                raise TargetFailure(f"subscribing in world {role}", expected="HTTP 200", observed=sub.answer.describe())
            token = sub.answer.body.get("token") if isinstance(sub.answer.body, dict) else None
            if not (isinstance(token, str) and token.count(".") == 2):
                raise TargetFailure(f"world {role}", expected="a compact JWT in the answer", observed=sub.answer.describe())
            sub.token = token
        tokens = [s.token for s in self.subscriptions.values()]
        if len(set(tokens)) != len(tokens):
            raise TargetFailure("two worlds were given the same token")

    def tokens_verify(self) -> None:
        jwks = self.target.gateway.jwks()
        if jwks.status != 200:
            raise TargetFailure("reading the JWKS", expected="HTTP 200", observed=jwks.describe())
        for sub in self.subscriptions.values():
            sub.claims = verify(sub.token, jwks.body)

    def tokens_claim(self, audience: str) -> None:
        problems: list[str] = []
        for role, sub in self.subscriptions.items():
            expected = {"aud": audience, "world_id": sub.world_id, "strategy_id": sub.strategy_id,
                        "sub": sub.strategy_id, "topics": sub.topics}
            problems += claim_mismatches(sub.claims, expected, f"world {role}")
        if problems:
            raise TargetFailure("; ".join(problems))

    def tokens_expire_as_stated(self) -> None:
        problems = []
        now = time.time()
        for role, sub in self.subscriptions.items():
            stated_text = sub.answer.body.get("expires_at")
            try:
                stated = datetime.fromisoformat(str(stated_text).replace("Z", "+00:00")).timestamp()
            except ValueError:
                problems.append(f"world {role}: expires_at {stated_text!r} is not an ISO-8601 time")
                continue
            exp, iat = sub.claims.get("exp"), sub.claims.get("iat")
            if int(stated) != exp:
                problems.append(f"world {role}: expires_at says {stated:.0f} but the token's exp is {exp}")
            if not (isinstance(iat, int) and isinstance(exp, int) and iat <= now + 5 < exp):
                problems.append(f"world {role}: token valid from {iat} to {exp} does not cover now ({now:.0f})")
        if problems:
            raise TargetFailure("; ".join(problems))

    # -- streams
    def open_stream_per_world(self) -> None:
        for role, sub in self.subscriptions.items():
            started = time.monotonic()
            try:
                stream = EventStream.open(sub.answer.body["stream_url"], sub.token, timeout=self.scenario.seconds(10))
            except HandshakeRefused as refused:
                self.handshakes[role] = Handshake(time.monotonic() - started, refused=refused)
                continue
            self.scenario.add_cleanup(stream.close)
            self.handshakes[role] = Handshake(time.monotonic() - started, stream=stream)

    def streams_accepted_within(self, seconds: float) -> None:
        limit = self.scenario.seconds(seconds)
        problems = []
        for role, shake in self.handshakes.items():
            if shake.refused is not None:
                problems.append(f"world {role}: {shake.refused}")
            elif shake.took > limit:
                problems.append(f"world {role}: handshake took {shake.took:.2f} s, more than {limit:.2f} s")
            elif shake.stream is not None and shake.stream.closed:
                problems.append(f"world {role}: the stream closed right after the handshake ({shake.stream.describe()})")
        if len(self.handshakes) != len(self.subscriptions) or not self.handshakes:
            problems.append(f"handshakes were made for {sorted(self.handshakes)}, tokens held for {sorted(self.subscriptions)}")
        if problems:
            raise TargetFailure("; ".join(problems))

    # -- strategies
    def submit_per_world(self) -> None:
        for role in self.worlds.roles:
            dag = two_node_strategy(self.scenario.ids(f"dag {role}"))
            answer = self.target.gateway.submit_strategy(dag.as_json(), [self.worlds[role]], dag.crc32)
            self.submissions[role] = answer
            self.scenario.observe(f"submission {role}", answer.describe())

    def submissions_accepted(self) -> None:
        for role, answer in self.submissions.items():
            if answer.status != 202:
                raise TargetFailure(f"world {role}", expected="202 Accepted", observed=answer.describe())
            strategy_id = answer.body.get("strategy_id")
            if not strategy_id:
                raise TargetFailure(f"world {role}", expected="a strategy id", observed=answer.describe())
            self.strategy_ids[role] = strategy_id
        if len(set(self.strategy_ids.values())) != len(self.strategy_ids):
            raise TargetFailure(f"two submissions were given one strategy id: {self.strategy_ids}")

    def each_world_lists_only_its_own(self, seconds: float) -> None:
        if not self.strategy_ids:
            raise AssertionError("no submission was accepted yet")
        for role in self.worlds.roles:
            own = self.strategy_ids[role]
            others = {s for r, s in self.strategy_ids.items() if r != role}

            def bound() -> set[str]:
                listed = self.worlds.bindings(role)
                if own not in listed:
                    raise TargetFailure(f"world {role} lists {sorted(listed)}, without {own}")
                if listed & others:
                    raise TargetFailure(f"world {role} also lists another world's strategy: {sorted(listed & others)}")
                return listed

            eventually(bound, within=self.scenario.seconds(seconds), what=f"world {role} lists strategy {own}")
