"""A store or a service of the stack taken down and brought back: what the Gateway says meanwhile, and what is left after.

The component is stopped as its operator stops it (the provider's
``stop_service``), so Redis writes its append-only file and Postgres shuts
down fast; it is started again on the same port and data. While it is down,
``/status`` and ``/health`` must name it (contract §2) and requests that need it
are answered 503 with a detail, promptly, never 500 and never a hang.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..clients.gateway import Answer
from ..dag import Dag, two_node_strategy
from ..errors import TargetFailure
from ..eventually import eventually, never
from .health import ROUTES
from .scenario import Scenario
from .strategies_status import LIVE_STATUSES
from .target import Target
from .worlds import Worlds

if TYPE_CHECKING:
    from .strategies import StrategiesScene

# The Gherkin's name of a component → the provider's service and the health field that reports it.
COMPONENTS = {"Redis": "redis", "Postgres": "postgres", "the DAG Manager": "dagmanager", "WorldService": "worldservice"}
# How a /worlds read is answered during an outage: as ever, or the contract's 503 when WorldService is the one down.
WORLD_READS = ("as ever", '503 "WorldService unavailable"')
# How GET /queues/by_tag is answered: as ever, or 503 with a detail while the DAG Manager it asks is down.
TAG_QUERIES = ("as ever", "503 with a detail")
CHOICES = {"Component": tuple(COMPONENTS), "OutageWorldRead": WORLD_READS, "OutageTagQuery": TAG_QUERIES}
INTERNAL_MARKS = ("Traceback", "127.0.0.1", "localhost:", ".py\"")


def _states(answer: Answer) -> dict[str, Any]:
    return answer.body if answer.status == 200 and isinstance(answer.body, dict) else {}


def refused_with_detail(what: str, answer: Answer) -> None:
    """The contract's answer to a request a down component prevents: 503 with a one-line detail showing no internals."""
    detail = answer.body.get("detail") if isinstance(answer.body, dict) else None
    if answer.status != 503 or not isinstance(detail, str) or not detail.strip():
        raise TargetFailure(what, expected="HTTP 503 with a non-empty detail", observed=answer.describe())
    leaked = [mark for mark in INTERNAL_MARKS if mark in detail]
    if leaked:
        raise TargetFailure(f"the 503's detail shows internals ({leaked}): {detail!r}")


class OutagesScene:
    def __init__(self, target: Target, scenario: Scenario, worlds: Worlds, strategies: "StrategiesScene") -> None:
        self.target = target
        self.scenario = scenario
        self.worlds = worlds
        self.strategies = strategies
        self.down: set[str] = set()
        self.fresh: Dag | None = None
        self._cleanup_registered = False

    # -- taking down and bringing back
    def take_down(self, component: str) -> None:
        service = COMPONENTS[component]
        if not self._cleanup_registered:
            self.scenario.add_cleanup(self._everything_back)
            self._cleanup_registered = True
        self.down.add(service)
        self.target.stop_service(service)

    def bring_back(self, component: str) -> None:
        service = COMPONENTS[component]
        self.target.start_service(service)
        self.down.discard(service)

    def hang(self, component: str) -> None:
        """Freeze a service: its port still takes calls and nothing answers them, slower than any timeout."""
        service = COMPONENTS[component]
        self.scenario.add_cleanup(lambda: self.target.provider.resume(service))
        self.target.provider.pause(service)

    def answer_again(self, component: str) -> None:
        self.target.provider.resume(COMPONENTS[component])

    def _everything_back(self) -> None:
        # Whatever step failed, the next scenario gets the whole stack back.
        for service in sorted(self.down):
            self.target.start_service(service)
        self.down.clear()

    # -- /status and /health
    def _both_routes(self) -> dict[str, Answer]:
        answers = {"status": self.target.gateway.status(), "health": self.target.gateway.health()}
        for route, answer in answers.items():
            self.scenario.observe(f"gateway {ROUTES[route]} during the outage", answer.describe())
        return answers

    @staticmethod
    def _problems(answers: dict[str, Answer], down: list[str], up: list[str], overall: str) -> list[str]:
        problems = []
        for route, answer in answers.items():
            states = _states(answer)
            if not states:
                problems.append(f"{ROUTES[route]} answered {answer.describe()}, not 200 with a JSON object")
                continue
            problems += [f"{ROUTES[route]} says {name} is {states.get(name, '<absent>')!r}, not down"
                         for name in down if states.get(name) in ("ok", None)]
            problems += [f"{ROUTES[route]} says {name} is {states.get(name, '<absent>')!r}, not 'ok'"
                         for name in up if states.get(name) != "ok"]
            if states.get("status") != overall:
                problems.append(f"{ROUTES[route]} says the overall status is {states.get('status')!r}, not {overall!r}")
        return problems

    def reported(self, down: list[str], up: list[str], within: float) -> None:
        """Both routes name each of ``down`` as not ok, each of ``up`` ok, and the overall status degraded."""
        overall = "degraded" if down else "ok"

        def named() -> None:
            problems = self._problems(self._both_routes(), down, up, overall)
            if problems:
                raise TargetFailure("; ".join(problems))

        eventually(named, within=self.scenario.seconds(within),
                   what=f"/status and /health report {down or 'nothing'} down and {up} ok")

    def all_ok(self, within: float) -> None:
        from .health import COMPONENTS as FIELDS

        self.reported([], list(FIELDS), within)

    def stays_down(self, component: str, seconds: float) -> None:
        """Held down for ``seconds`` (a length of outage, so not scaled like a deadline), both routes reporting it so throughout."""
        field = COMPONENTS[component]

        def came_up() -> str | None:
            wrong = [f"{ROUTES[r]} says {field} is {_states(a).get(field)!r}" for r, a in self._both_routes().items()
                     if _states(a).get(field) in ("ok", None)]
            return "; ".join(wrong) or None

        never(came_up, for_seconds=seconds, what=f"{component} is down", every=0.5)

    # -- requests during the outage
    def _fresh_dag(self) -> Dag:
        if self.fresh is None:
            self.fresh = two_node_strategy(self.scenario.ids("dag sent during the outage"))
        return self.fresh

    def _in_time(self, what: str, answer: Answer, within: float) -> None:
        limit = self.scenario.seconds(within)
        if answer.elapsed > limit:
            raise TargetFailure(what, expected=f"an answer within {limit:.2f} s", observed=f"it took {answer.elapsed:.2f} s")

    def submission_refused(self, role: str, within: float) -> None:
        """A new strategy while a store it needs is down: 503 with a one-line detail, in time."""
        answer = self.strategies.submit([role], dag=self._fresh_dag())
        self._in_time("a submission during the outage", answer, within)
        refused_with_detail("a submission during the outage", answer)

    def submission_accepted(self, role: str, within: float) -> None:
        """A new strategy while a service the worker needs later is down: accepted now, in time."""
        answer = self.strategies.submit([role], dag=self._fresh_dag())
        self._in_time("a submission during the outage", answer, within)
        self.strategies.accepted_with_id()

    def send_fresh(self, role: str) -> None:
        self.strategies.submit([role], dag=self._fresh_dag())

    def fresh_accepted_or_refused(self) -> None:
        """Either outcome is the Gateway's to choose; anything else (a 500, a 504, a 202 without an id) is not."""
        answer = self.strategies.state.answer
        if answer is None:
            raise AssertionError("no strategy was sent meanwhile")
        if answer.status == 503:
            refused_with_detail("a submission while WorldService hangs", answer)
        else:
            self.strategies.accepted_with_id()

    def resent_accepted(self, role: str) -> None:
        """The strategy refused during the outage recorded nothing: sent again it is a new strategy, 202."""
        if self.fresh is None:
            raise AssertionError("no strategy was sent during the outage")
        self.strategies.submit([role], dag=self.fresh)
        self.strategies.accepted_with_id()

    def subscription_issued(self, role: str, within: float) -> None:
        """Issuing an event token needs no store and no other service: it goes on during the outage."""
        answer = self.target.gateway.subscribe(self.worlds[role], self.scenario.ids("outage subscriber"), ["activation"])
        self.scenario.observe("subscription during the outage", answer.describe())
        self._in_time("a subscription during the outage", answer, within)
        token = answer.body.get("token") if isinstance(answer.body, dict) else None
        if answer.status != 200 or not isinstance(token, str) or token.count(".") != 2:
            raise TargetFailure("a subscription during the outage", expected="HTTP 200 with a compact JWT",
                                observed=answer.describe())

    def world_read_unavailable(self, role: str, within: float) -> None:
        """A /worlds read with WorldService down: exactly the contract's 503 body, in time."""
        answer = self.target.gateway.world(self.worlds[role])
        self.scenario.observe("world read during the outage", answer.describe())
        self._in_time("a world read during the outage", answer, within)
        if answer.status != 503 or answer.body != {"detail": "WorldService unavailable"}:
            raise TargetFailure("a world read with WorldService down",
                                expected='HTTP 503 {"detail":"WorldService unavailable"}', observed=answer.describe())

    def world_read_served(self, role: str, within: float) -> None:
        """A /worlds read while a component it does not need is down: answered as ever."""
        world_id = self.worlds[role]
        answer = self.target.gateway.world(world_id)
        self.scenario.observe("world read during the outage", answer.describe())
        self._in_time("a world read during the outage", answer, within)
        if answer.status != 200 or not isinstance(answer.body, dict) or answer.body.get("id") != world_id:
            raise TargetFailure("a world read during an outage of something it does not need",
                                expected=f"HTTP 200 with world {world_id}", observed=answer.describe())

    def world_read(self, role: str, how: str, within: float) -> None:
        if how == WORLD_READS[0]:
            self.world_read_served(role, within)
        else:
            self.world_read_unavailable(role, within)

    def tag_query(self, how: str, within: float) -> None:
        """GET /queues/by_tag needs the DAG Manager: 503 with a detail while it is down (the query itself is
        well formed, so no 4xx, and no empty list as if no queue carried the tag); 200 with a list otherwise."""
        answer = self.target.gateway.queues_by_tag([self.scenario.ids("outage tag")], 60)
        self.scenario.observe("tag query", answer.describe())
        self._in_time("a tag query", answer, within)
        body = answer.body if isinstance(answer.body, dict) else {}
        if how == TAG_QUERIES[0]:
            if answer.status != 200 or not isinstance(body.get("queues"), list):
                raise TargetFailure("a tag query", expected='HTTP 200 {"queues":[...]}', observed=answer.describe())
            return
        refused_with_detail("a tag query with the DAG Manager down", answer)

    # -- what outlived the outage
    def first_still_known(self) -> None:
        """The strategy accepted before the outage still has a status the Gateway can read."""
        if not self.strategies.state.accepted:
            raise AssertionError("no strategy was accepted before the outage")
        strategy_id = self.strategies.state.accepted[0].strategy_id
        answer = self.target.gateway.strategy_status(strategy_id)
        self.scenario.observe("status of the strategy accepted before the outage", answer.describe())
        status = answer.body.get("status") if answer.status == 200 and isinstance(answer.body, dict) else None
        if status not in LIVE_STATUSES:
            raise TargetFailure(f"the status of {strategy_id}, accepted before the outage",
                                expected=f"HTTP 200 with one of {list(LIVE_STATUSES)}", observed=answer.describe())
