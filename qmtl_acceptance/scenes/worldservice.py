"""WorldService through the Gateway's /worlds proxy (contract §6): worlds, activation records, decisions, outages."""
from __future__ import annotations

import itertools
import json
from typing import Any
from urllib.parse import urlsplit

from ..clients.gateway import Answer
from ..errors import TargetFailure
from ..eventually import eventually
from .scenario import Scenario
from .target import Target
from .worlds import Worlds

CORRELATION_HEADER = "x-correlation-id"
DECISION_FIELDS = ("world_id", "effective_mode", "execution_domain", "ttl", "etag")
STRATEGY_ROLES = ("the strategy", "another strategy")
ACTIVITIES = {"active": True, "inactive": False}

# Phrase → (world role or None, the path's last segment): a path read with a trailing slash.
SLASHED = {
    "the list of worlds": (None, ""),
    'world "alpha"': ("alpha", ""),
    'the decision for world "alpha"': ("alpha", "decide"),
}

# Phrase → a /worlds path segment exactly as sent (percent-encoded where the character cannot go in a URL as it is).
PATH_SEGMENTS = {
    "is a parent-directory step": "%2E%2E",
    "is a current-directory step": "%2E",
    "is empty": "",
    "holds an encoded slash": "..%2Fopenapi.json",
    "holds a backslash": "a%5Cb",
    "holds a NUL": "a%00b",
    "holds a start-of-heading character 0x01": "a%01b",
    "holds a tab": "a%09b",
    "holds a unit separator 0x1F": "a%1Fb",
    "holds a delete character 0x7F": "a%7Fb",
    "is not UTF-8": "%FF",
    "holds a dot between letters": "a.b",
    "holds a colon and a dash": "a:b-c",
}
# Ordinal phrase → the segments before the chosen one: world alpha, then its decision.
SEGMENT_ORDINALS = {"first": 0, "second": 1, "third": 2}

CHOICES = {
    "WorldsPathSegment": tuple(PATH_SEGMENTS),
    "SegmentOrdinal": tuple(SEGMENT_ORDINALS),
    "StrategyRole": STRATEGY_ROLES,
    "Activity": tuple(ACTIVITIES),
    "SlashedWorldsPath": tuple(SLASHED),
}


def header(answer: Answer, name: str) -> str:
    return next((v for k, v in answer.headers.items() if k.lower() == name), "")


def differs(seen: Any, wanted: Any) -> bool:
    """JSON values compared as JSON means them: true is not 1, and 1 is 1.0."""
    if isinstance(wanted, bool) or isinstance(seen, bool):
        return type(seen) is not type(wanted) or seen != wanted
    return seen != wanted


def etag_number(etag: Any, world_id: str, strategy_id: str, side: str) -> int | None:
    """The n of ``act:<world>:<strategy>:<side>:<n>``, or None when the etag is not of that shape for them."""
    prefix = f"act:{world_id}:{strategy_id}:{side}:"
    if not isinstance(etag, str) or not etag.startswith(prefix) or not etag[len(prefix):].isdigit():
        return None
    return int(etag[len(prefix):])


class WorldServiceScene:
    def __init__(self, target: Target, scenario: Scenario, worlds: Worlds) -> None:
        self.target = target
        self.scenario = scenario
        self.worlds = worlds
        self.relayed: list[tuple[str, Answer]] = []
        self.last: Answer | None = None
        # (world role, strategy role, side) → every record set, in order
        self.set_records: dict[tuple[str, str, str], list[dict]] = {}
        self.last_key: tuple[str, str, str] | None = None
        self.decisions: dict[str, Answer] = {}
        self._last_set: dict[str, Any] = {}

    def _relay(self, what: str, answer: Answer) -> Answer:
        self.relayed.append((what, answer))
        self.last = answer
        self.scenario.observe(f"{len(self.relayed)}: {what}", f"{answer.describe()} headers {answer.headers}")
        return answer

    def _last(self) -> Answer:
        if self.last is None:
            raise AssertionError("the scenario has not asked the Gateway about worlds yet")
        return self.last

    def strategy_id(self, role: str) -> str:
        return self.scenario.ids(f"activation {role}")

    # -- worlds
    def create(self, role: str, name: str | None) -> None:
        self._relay(f"create world {role}" + ("" if name is not None else " without a name"), self.worlds.create(role, name))

    def created(self, role: str, name: str) -> None:
        self.create(role, name)
        self.answered_world(role, name)

    def answered_world(self, role: str, name: str | None, answer: Answer | None = None) -> None:
        """The world as the Gateway answered it; with no name given, whatever name it carries."""
        answer = answer or self._last()
        body = answer.body if isinstance(answer.body, dict) else {}
        wanted = {"id": self.worlds[role], "state": "ACTIVE", "allow_live": False, **({"name": name} if name is not None else {})}
        wrong = {k: body.get(k, "<absent>") for k, v in wanted.items() if differs(body.get(k, "<absent>"), v)}
        if answer.status != 200 or wrong:
            raise TargetFailure(f"world {role}", expected=f"HTTP 200 with {wanted}", observed=answer.describe())

    def read_world(self, role: str) -> None:
        self._relay(f"read world {role}", self.target.gateway.world(self.worlds[role]))

    def read_back(self, role: str, name: str | None) -> None:
        self.read_world(role)
        self.answered_world(role, name)

    def listed_once(self, role: str) -> None:
        answer = self._relay("list worlds", self.target.gateway.list_worlds())
        ids = [w.get("id") for w in answer.body] if isinstance(answer.body, list) else None
        if answer.status != 200 or ids is None or ids.count(self.worlds[role]) != 1:
            raise TargetFailure(f"the list of worlds holding world {role} once", expected="HTTP 200, the id once",
                                observed=f"HTTP {answer.status}, {ids.count(self.worlds[role]) if ids else 0} time(s)")

    def read_unknown_world(self) -> None:
        self._relay("read a world nobody created", self.target.gateway.world(self.scenario.ids("world nobody created")))

    def answered(self, status: int, detail: str | None = None) -> None:
        answer = self._last()
        if answer.status != status or (detail is not None and answer.body != {"detail": detail}):
            wanted = f"HTTP {status}" + (f" {{'detail': {detail!r}}}" if detail is not None else "")
            raise TargetFailure(expected=wanted, observed=answer.describe())

    def answered_unavailable(self, within: float) -> None:
        """A request WorldService cannot serve just now: 503 with a one-line detail, in time (not a 500, a 504 or a hang)."""
        answer = self._last()
        detail = answer.body.get("detail") if isinstance(answer.body, dict) else None
        limit = self.scenario.seconds(within)
        if answer.status != 503 or not isinstance(detail, str) or not detail.strip() or answer.elapsed > limit:
            raise TargetFailure(expected=f"HTTP 503 with a non-empty detail within {limit:.2f} s",
                                observed=f"{answer.describe()} after {answer.elapsed:.2f} s")

    def correlation_ids(self) -> None:
        if not self.relayed:
            raise AssertionError("the Gateway relayed no answer in this scenario")
        missing = [what for what, answer in self.relayed if not header(answer, CORRELATION_HEADER)]
        if missing:
            raise TargetFailure(f"answers without X-Correlation-ID: {missing}")
        ids = [header(answer, CORRELATION_HEADER) for _, answer in self.relayed]
        if len(set(ids)) != len(ids):
            raise TargetFailure(f"two answers carried the same correlation id: {ids}")

    def read_with_trailing_slash(self, what: str) -> None:
        role, leaf = SLASHED[what]
        world = self.worlds[role] if role is not None else None
        self._relay(f"read {what} with a trailing slash",
                    self.target.gateway.worlds_path_with_trailing_slash(world, leaf))

    def read_path_with_segment(self, ordinal: str, segment: str) -> None:
        before = [self.worlds["alpha"], "decide"][:SEGMENT_ORDINALS[ordinal]]
        self._relay(f"read a /worlds path whose {ordinal} segment {segment}",
                    self.target.gateway.worlds_encoded_path([*before, PATH_SEGMENTS[segment]]))

    def never_names_worldservice(self) -> None:
        """No relayed answer carries WorldService's own address, and any redirect stays under the Gateway's /worlds."""
        if not self.relayed:
            raise AssertionError("the Gateway relayed no answer in this scenario")
        own = urlsplit(self.target.endpoints.worldservice_url).netloc
        gateway = urlsplit(self.target.endpoints.gateway_url).netloc
        for what, answer in self.relayed:
            text = json.dumps(answer.body) + " " + json.dumps(answer.headers)
            if own and own in text:
                raise TargetFailure(f"the Gateway's answer to {what} names WorldService's own address {own}",
                                    observed=f"{answer.describe()} headers {answer.headers}")
            location = header(answer, "location")
            parts = urlsplit(location)
            if location and (parts.netloc not in ("", gateway) or not (parts.path == "/worlds" or parts.path.startswith("/worlds/"))):
                raise TargetFailure(f"the Gateway's answer to {what} redirects", expected="a Location under the Gateway's /worlds",
                                    observed=f"HTTP {answer.status} Location {location!r}")

    # -- decisions
    def decide_each(self) -> None:
        for role in self.worlds.roles:
            self.decisions[role] = self._relay(f"decide {role}", self.target.gateway.decide(self.worlds[role]))

    def decisions_complete(self) -> None:
        if len(self.decisions) < 2:
            raise AssertionError("the scenario read fewer than two decisions")
        for role, answer in self.decisions.items():
            body = answer.body if isinstance(answer.body, dict) else {}
            empty = [f for f in DECISION_FIELDS if body.get(f) in (None, "")]
            if answer.status != 200 or empty or body.get("world_id") != self.worlds[role]:
                raise TargetFailure(f"the decision for world {role}",
                                    expected=f"HTTP 200 naming {self.worlds[role]} with {list(DECISION_FIELDS)}",
                                    observed=answer.describe())

    # -- activation
    def set_activation(self, strategy: str, side: str, world: str, activity: str, weight: float) -> None:
        key = (world, strategy, side)
        answer = self._relay(f"set {strategy}'s {side} side in {world}", self.target.gateway.put_activation(
            self.worlds[world], self.strategy_id(strategy), side, ACTIVITIES[activity], weight))
        self.last_key = key
        if answer.status == 200 and isinstance(answer.body, dict):
            self.set_records.setdefault(key, []).append(answer.body)
        self._last_set = {"strategy_id": self.strategy_id(strategy), "side": side, "active": ACTIVITIES[activity],
                          "weight": weight}

    def answered_record_as_set(self) -> None:
        answer = self._last()
        body = answer.body if isinstance(answer.body, dict) else {}
        wrong = {k: body.get(k, "<absent>") for k, v in self._last_set.items() if differs(body.get(k, "<absent>"), v)}
        if self.last_key is None:
            raise AssertionError("the scenario has not set an activation record yet")
        world, strategy, side = self.last_key
        number = etag_number(body.get("etag"), self.worlds[world], self.strategy_id(strategy), side)
        if answer.status != 200 or wrong or number is None:
            raise TargetFailure("the activation record", expected=f"HTTP 200 with {self._last_set} and an etag "
                                f"act:{self.worlds[world]}:{self.strategy_id(strategy)}:{side}:<n>", observed=answer.describe())

    def read_activation(self, strategy: str, side: str, world: str) -> Answer:
        return self._relay(f"read {strategy}'s {side} side in {world}",
                           self.target.gateway.activation(self.worlds[world], self.strategy_id(strategy), side))

    def reads_as_last_set(self, strategy: str, side: str, world: str) -> None:
        records = self.set_records.get((world, strategy, side))
        if not records:
            raise AssertionError(f"the scenario set no record for {strategy}'s {side} side in world {world}")
        answer = self.read_activation(strategy, side, world)
        expected = records[-1]
        body = answer.body if isinstance(answer.body, dict) else {}
        fields = ("strategy_id", "side", "active", "weight", "etag")
        wrong = {f: body.get(f, "<absent>") for f in fields if differs(body.get(f, "<absent>"), expected.get(f))}
        if answer.status != 200 or wrong:
            raise TargetFailure(f"reading {strategy}'s {side} side in world {world}",
                                expected=f"HTTP 200 with {dict((f, expected.get(f)) for f in fields)}", observed=answer.describe())

    def etags_count_up(self, strategy: str, side: str, world: str, by_one: bool = True) -> None:
        """``by_one``: n counts this side's changes. Without it n only rises with each change: the contract gives
        the etag's shape, not what n counts, and QMTL counts every activation change of the world."""
        records = self.set_records.get((world, strategy, side), [])
        if len(records) < 2:
            raise AssertionError(f"the scenario set {len(records)} record(s) for that side; counting needs two")
        numbers = [etag_number(r.get("etag"), self.worlds[world], self.strategy_id(strategy), side) for r in records]
        counted = [n for n in numbers if n is not None]
        step_ok = (lambda a, b: b == a + 1) if by_one else (lambda a, b: b > a)
        if len(counted) != len(numbers) or not all(step_ok(a, b) for a, b in itertools.pairwise(counted)):
            raise TargetFailure(f"the etags of {strategy}'s {side} side in world {world}",
                                expected="act:<w>:<s>:<side>:<n> with n up " + ("by one " if by_one else "") + "each change",
                                observed=str([r.get("etag") for r in records]))

    # -- outages
    def stop_worldservice(self) -> None:
        self.scenario.add_cleanup(self._ensure_running)
        self.target.provider.kill("worldservice")

    def _ensure_running(self) -> None:
        if "worldservice" not in self.target.provider.running_processes():
            self.target.restart("worldservice")

    def start_worldservice(self, within: float) -> None:
        self.target.restart("worldservice")

        def answers() -> None:
            if self.target.gateway.world(self.worlds[self.worlds.roles[0]]).status == 503:
                raise TargetFailure("the Gateway still answers 503 for worlds")

        eventually(answers, within=self.scenario.seconds(within), what="the Gateway relays WorldService again")
