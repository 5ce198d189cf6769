"""Strategy submission through the Gateway (contract §5 and the bindings of §6).

``StrategiesScene`` holds one scenario's strategy under test and what the
Gateway answered; its parts (``status``, ``stores``, ``queues``, ``outage``) share that
state. The matrix's crafted requests are in ``strategies_cases``, the pure
checks of answers in ``strategies_checks``.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ..clients.gateway import Answer
from ..dag import Dag, two_node_strategy
from ..errors import TargetFailure
from ..eventually import eventually
from . import strategies_checks as checks
from .scenario import Scenario
from .strategies_cases import CASES, Crafted, plain
from .target import Target
from .worlds import Worlds

CHOICES = {
    "SubmissionCase": tuple(CASES),
    "SubmissionEvidence": tuple(checks.EVIDENCE),
    "WorldSet": tuple(checks.WORLD_SETS),
}


@dataclass
class Accepted:
    strategy_id: str
    roles: list[str]
    meta: dict
    dag: Dag


@dataclass
class StrategyState:
    """What one scenario built and was given; shared by the scene's parts."""

    dag: Dag | None = None
    tags: dict[str, str] = field(default_factory=dict)
    accepted: list[Accepted] = field(default_factory=list)
    answer: Answer | None = None
    crafted: Crafted | None = None
    answers: list[Answer] = field(default_factory=list)

    def strategy(self) -> Dag:
        if self.dag is None:
            raise AssertionError("the scenario has built no strategy yet")
        return self.dag

    @property
    def latest(self) -> Accepted:
        if not self.accepted:
            raise AssertionError("no submission of this scenario was accepted yet")
        return self.accepted[-1]

    @property
    def ids(self) -> list[str]:
        return [a.strategy_id for a in self.accepted]


class StrategiesScene:
    def __init__(self, target: Target, scenario: Scenario, worlds: Worlds) -> None:
        from .strategies_outage import OutagePart
        from .strategies_queues import QueuesPart
        from .strategies_status import StatusPart
        from .strategies_stores import StoresPart

        self.target = target
        self.scenario = scenario
        self.worlds = worlds
        self.state = StrategyState()
        self.status = StatusPart(self)
        self.stores = StoresPart(self)
        self.queues = QueuesPart(self)
        self.outage = OutagePart(self)

    # -- the strategy under test
    def build(self, tag: str | None = None) -> None:
        tags = []
        if tag is not None:
            self.state.tags[tag] = self.scenario.ids(f"tag {tag}")
            tags = [self.state.tags[tag]]
        self.state.dag = two_node_strategy(self.scenario.ids("dag"), tags=tags)

    def post(self, body: dict, what: str) -> Answer:
        answer = self.target.gateway.submit_body(body)
        self.state.answers.append(answer)
        self.scenario.observe(f"submission {len(self.state.answers)}: {what}", answer.describe())
        return answer

    def _note_accepted(self, answer: Answer, roles: list[str], meta: dict, dag: Dag) -> None:
        strategy_id = answer.body.get("strategy_id") if isinstance(answer.body, dict) else None
        # A 202 without an id is no strategy to refer to later; the id checks report it.
        if answer.status == 202 and isinstance(strategy_id, str):
            self.state.accepted.append(Accepted(strategy_id, roles, meta, dag))

    # -- plain submissions
    def submit(self, roles: list[str], domain: str | None = None, *, dag: Dag | None = None) -> Answer:
        dag = dag or self.state.strategy()
        meta = {"execution_domain": domain or "dryrun"}
        self.state.crafted = Crafted(plain(dag, [self.worlds[r] for r in roles], meta=meta))
        answer = self.post(self.state.crafted.body, f"to {roles} in {meta}")
        self.state.answer = answer
        self._note_accepted(answer, roles, meta, dag)
        return answer

    def submit_others(self, count: int, roles: list[str]) -> None:
        """``count`` different strategies to the same worlds, each its own DAG."""
        for n in range(count):
            self.submit(roles, dag=two_node_strategy(self.scenario.ids(f"dag {n + 1}")))
            self.accepted_with_id()

    def _crafted(self) -> Crafted:
        if self.state.crafted is None:
            raise AssertionError("the scenario has not submitted a strategy yet")
        return self.state.crafted

    def accepted_with_id(self) -> str:
        answer = self.state.answer
        if answer is None or answer.status != 202:
            raise TargetFailure("the submission", expected="HTTP 202 with a strategy id",
                                observed=answer.describe() if answer else "no submission")
        problems = checks.new_id(answer.body, self._crafted(), self.state.ids[:-1])
        if problems:
            raise TargetFailure("; ".join(problems))
        return answer.body["strategy_id"]

    def refused_as_duplicate(self, roles: list[str]) -> None:
        """The scenario's DAG once more, to other worlds: 409 naming the first strategy."""
        dag = self.state.strategy()
        first = next((a.strategy_id for a in self.state.accepted if a.dag is dag), None)
        answer = self.post(plain(dag, [self.worlds[r] for r in roles]), f"again to {roles}")
        detail = checks.detail_of(answer.body)
        if answer.status != 409 or detail.get("code") != "E_DUPLICATE" or detail.get("strategy_id") != first:
            raise TargetFailure("the same DAG again", expected=f"HTTP 409 E_DUPLICATE naming {first}",
                                observed=answer.describe())

    # -- the submission matrix
    def submit_case(self, case: str) -> None:
        dag = self.state.strategy()
        crafted = CASES[case](dag, lambda role: self.worlds[role])
        for n, (earlier, status) in enumerate(crafted.earlier, 1):
            answer = self.post(earlier, f"{case}, earlier {n}")
            if answer.status != status:
                raise TargetFailure(f"{case}: earlier submission {n}", expected=f"HTTP {status}", observed=answer.describe())
            self._note_accepted(answer, [self.worlds.role_of(w) or w for w in earlier.get("world_ids") or []], earlier["meta"], dag)
        self.state.crafted = crafted
        self.state.answer = self.post(crafted.body, case)

    def answered(self, status: int, code: str) -> None:
        answer = self._under_test()
        seen = checks.error_code(answer.status, answer.body)
        if answer.status != status:
            raise TargetFailure(f"expected HTTP {status}, got {answer.describe()}")
        if code != "none" and seen != code:
            raise TargetFailure(f"expected error code {code}, got {seen!r}: {answer.describe()}")
        if code == "none" and checks.detail_of(answer.body):
            raise TargetFailure("the submission", expected="no error detail", observed=answer.describe())

    def shows(self, evidence: str) -> None:
        answer = self._under_test()
        problems = checks.EVIDENCE[evidence](answer.body, self._crafted(), self.state.ids)
        if problems:
            raise TargetFailure(f"{'; '.join(problems)} ({answer.describe()})")

    def worlds_list_scenario_strategies(self, world_set: str, within: float) -> None:
        """Each world of the set lists exactly the strategies this scenario got accepted; the others list none."""
        answer = self._under_test()
        if answer.status == 202 and answer.body.get("strategy_id") not in self.state.ids:
            self._note_accepted(answer, [], {}, self.state.strategy())
        accepted = set(self.state.ids)
        listing = checks.WORLD_SETS[world_set]

        def bindings() -> dict:
            seen = {role: self.worlds.bindings(role) for role in ("alpha", "beta")}
            for role, listed in seen.items():
                expected = accepted if role in listing else set()
                if listed != expected:
                    raise TargetFailure(f"world {role} lists {sorted(listed)}, expected {sorted(expected)} (all: {seen})")
            return seen

        eventually(bindings, within=self.scenario.seconds(within), what=f"the worlds list the strategies in {world_set}")

    def worlds_list_as_submitted(self, within: float) -> None:
        """Each world lists exactly the accepted strategies submitted to it."""
        def bindings() -> dict:
            seen = {role: self.worlds.bindings(role) for role in ("alpha", "beta")}
            for role, listed in seen.items():
                expected = {a.strategy_id for a in self.state.accepted if role in a.roles}
                if listed != expected:
                    raise TargetFailure(f"world {role} lists {sorted(listed)}, expected {sorted(expected)} (all: {seen})")
            return seen

        eventually(bindings, within=self.scenario.seconds(within), what="each world lists the strategies submitted to it")

    def worlds_list_every_accepted(self, within: float) -> None:
        """Every strategy the Gateway accepted is listed by each world it was sent to (other listings aside)."""
        def listed() -> None:
            for accepted in self.state.accepted:
                for role in accepted.roles:
                    seen = self.worlds.bindings(role)
                    if accepted.strategy_id not in seen:
                        raise TargetFailure(f"world {role} lists {sorted(seen)}, without {accepted.strategy_id}")

        eventually(listed, within=self.scenario.seconds(within), what="each world lists every strategy accepted for it")

    def worlds_list_latest(self, roles: list[str], within: float) -> None:
        strategy_id = self.state.latest.strategy_id
        for role in roles:
            def listed() -> None:
                seen = self.worlds.bindings(role)
                if strategy_id not in seen:
                    raise TargetFailure(f"world {role} lists {sorted(seen)}, without {strategy_id}")

            eventually(listed, within=self.scenario.seconds(within), what=f"world {role} lists {strategy_id}")

    def _under_test(self) -> Answer:
        if self.state.answer is None:
            raise AssertionError("the scenario has submitted nothing yet")
        return self.state.answer

    # -- simultaneous identical submissions
    def submit_at_once(self, roles: list[str], count: int) -> None:
        body = plain(self.state.strategy(), [self.worlds[r] for r in roles])
        start = threading.Barrier(count)

        def send(_: int) -> Answer:
            start.wait(timeout=self.scenario.seconds(10))
            return self.target.gateway.submit_body(body)

        with ThreadPoolExecutor(max_workers=count) as pool:
            self.state.answers = list(pool.map(send, range(count)))
        self.scenario.observe("simultaneous submissions", "\n".join(a.describe() for a in self.state.answers))

    def exactly_one_accepted(self, duplicates: int) -> None:
        answers = self.state.answers
        accepted = [a for a in answers if a.status == 202]
        if len(accepted) != 1:
            raise TargetFailure(f"{len(answers)} simultaneous identical submissions", expected="exactly one HTTP 202",
                                observed=f"{len(accepted)}: {[a.status for a in answers]}")
        first = accepted[0].body.get("strategy_id")
        wrong = [a.describe() for a in answers if a is not accepted[0] and (
            a.status != 409 or checks.detail_of(a.body).get("code") != "E_DUPLICATE"
            or checks.detail_of(a.body).get("strategy_id") != first)]
        if wrong or len(answers) - 1 != duplicates:
            raise TargetFailure(f"the other {duplicates} submissions", expected=f"HTTP 409 E_DUPLICATE naming {first}",
                                observed="; ".join(wrong) or f"{len(answers) - 1} others")
        self.state.answer = accepted[0]
        self.state.accepted.append(Accepted(first, [], {}, self.state.strategy()))

    def world_lists_only_accepted(self, role: str, within: float) -> None:
        wanted = set(self.state.ids)

        def listed() -> set[str]:
            seen = self.worlds.bindings(role)
            if seen != wanted:
                raise TargetFailure(f"world {role} lists {sorted(seen)}, expected only {sorted(wanted)}")
            return seen

        eventually(listed, within=self.scenario.seconds(within), what=f"world {role} lists only {sorted(wanted)}")

    # -- restarts
    def restart_gateway(self) -> None:
        self.target.restart("gateway")
