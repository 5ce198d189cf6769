"""Queues a strategy gets (contract §5): dry runs, and queues by tag through the Gateway.

Every expected queue is derived from what the suite built (its world ids, the
domain it asked for, the tagged node's id), never from another answer of the
target, so an empty answer can never equal an empty expectation.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..clients.gateway import Answer
from ..errors import TargetFailure
from ..eventually import eventually
from . import strategies_checks as checks
from .strategies_cases import CASES, plain

if TYPE_CHECKING:
    from .strategies import StrategiesScene

# Seconds (scaled) a dry run's answer is awaited before it counts as none: real QMTL takes about 35 s for two worlds.
DRY_RUN_PATIENCE = 45
# scope phrase → the world role the query names (None: no world filter)
TAG_SCOPES: dict[str, str | None] = {"in world alpha": "alpha", "in world beta": "beta", "in no particular world": None}
# listing phrase → the world roles whose queue of the tagged stream must be listed (and nothing else)
TAG_LISTINGS: dict[str, tuple[str, ...]] = {
    "only world alpha's queue of the tagged stream": ("alpha",),
    "only world beta's queue of the tagged stream": ("beta",),
    "the tagged stream's queue in each of worlds alpha and beta": ("alpha", "beta"),
    "no queue": (),
}
# phrase → (interval, match_mode) of a tag query the Gateway must refuse: no usable interval, or a mode outside any|all.
BAD_TAG_QUERIES: dict[str, tuple[Any, str | None]] = {
    "without an interval": (None, None),
    "with an interval that is not a number": ("sixty", None),
    'in the match mode "none"': (60, "none"),
    'in the match mode "al"': (60, "al"),
    'in the match mode "alll"': (60, "alll"),
    'in the match mode "any,all"': (60, "any,all"),
    'in the match mode "exact"': (60, "exact"),
    "in a match mode of 17 letters": (60, "anyanyanyanyanyan"),
}

CHOICES = {
    "TagScope": tuple(TAG_SCOPES),
    "TagListing": tuple(TAG_LISTINGS),
    "BadTagQuery": tuple(BAD_TAG_QUERIES),
}


class QueuesPart:
    def __init__(self, scene: StrategiesScene) -> None:
        self.scene = scene
        self.dry_run: Answer | None = None
        self.dry_run_roles: list[str] = []
        self.dry_run_domain = ""

    # -- dry runs
    def dry_run_for(self, roles: list[str], domain: str) -> None:
        self.dry_run_roles, self.dry_run_domain = roles, domain
        body = plain(self.scene.state.strategy(), [self.scene.worlds[r] for r in roles], meta={"execution_domain": domain})
        gateway = self.scene.target.gateway
        # A slow answer is awaited well past the deadline and then judged by it, so whatever the target does to
        # answer (its DAG Manager's diffs included) happens, and is logged, within this scenario.
        self.dry_run = gateway.dry_run_body(body, timeout=max(gateway.timeout, self.scene.scenario.seconds(DRY_RUN_PATIENCE)))
        self.scene.scenario.observe("dry run", self.dry_run.describe())
        if self.dry_run.elapsed > gateway.timeout:
            raise TargetFailure(f"the Gateway answered the dry run after {self.dry_run.elapsed:.1f} s, "
                                f"not within {gateway.timeout:.1f} s: {self.dry_run.describe()}")

    def dry_run_case(self, case: str) -> None:
        crafted = CASES[case](self.scene.state.strategy(), lambda role: self.scene.worlds[role])
        self.dry_run = self.scene.target.gateway.dry_run_body(crafted.body)
        self.scene.scenario.observe(f"dry run of {case}", self.dry_run.describe())

    def _dry_run(self) -> Answer:
        if self.dry_run is None:
            raise AssertionError("the scenario has made no dry run yet")
        return self.dry_run

    def dry_run_answered(self, status: int, code: str = "none") -> None:
        answer = self._dry_run()
        seen = checks.error_code(answer.status, answer.body)
        if answer.status != status:
            raise TargetFailure(f"expected HTTP {status} for the dry run, got {answer.describe()}")
        if code != "none" and seen != code:
            raise TargetFailure(f"expected the dry run's error code {code}, got {seen!r}: {answer.describe()}")

    def dry_run_names_queues(self) -> None:
        body = self._dry_run().body
        queue_map = body.get("queue_map") if isinstance(body, dict) else None
        if not isinstance(queue_map, dict):
            raise TargetFailure("the dry run", expected="a queue_map object", observed=self._dry_run().describe())
        prefixes = [f"{self.scene.worlds[r]}.{self.dry_run_domain}." for r in self.dry_run_roles]
        problems = []
        for node in self.scene.state.strategy().nodes:
            problems += checks.queue_name_problems(node, queue_map.get(node["node_id"]), prefixes)
        extra = sorted(set(queue_map) - set(self.scene.state.strategy().node_ids))
        if extra:
            problems.append(f"the queue map names nodes the DAG does not have: {extra}")
        if problems:
            raise TargetFailure("; ".join(problems))

    def dry_run_recorded_nothing(self) -> None:
        """No world lists anything, and the same DAG is then accepted as new."""
        listed = {role: self.scene.worlds.bindings(role) for role in self.dry_run_roles}
        if any(listed.values()):
            raise TargetFailure("after a dry run", expected="no strategy bound in its worlds", observed=str(listed))
        answer = self.scene.submit(self.dry_run_roles)
        if answer.status != 202:
            raise TargetFailure("submitting the dry-run strategy", expected="HTTP 202 (a dry run records nothing)",
                                observed=answer.describe())

    # -- queues by tag
    def _tag_ids(self, tags: list[str]) -> list[str]:
        return [self.scene.state.tags.get(t) or self.scene.scenario.ids(f"tag {t}") for t in tags]

    def _by_tag(self, tags: list[str], interval: Any, mode: str | None, role: str | None) -> Answer:
        world_id = self.scene.worlds[role] if role else None
        answer = self.scene.target.gateway.queues_by_tag(self._tag_ids(tags), interval, match_mode=mode, world_id=world_id)
        self.scene.scenario.observe(f"queues by tag {tags} {interval} {mode} {role}", answer.describe())
        return answer

    def _queues(self, answer: Answer) -> list[dict]:
        queues = answer.body.get("queues") if isinstance(answer.body, dict) else None
        if answer.status != 200 or not isinstance(queues, list):
            raise TargetFailure("GET /queues/by_tag", expected='HTTP 200 with {"queues": [...]}', observed=answer.describe())
        return queues

    def _expected(self, roles: tuple[str, ...]) -> tuple[list[str], dict]:
        """The tagged stream's queue in each world, under the domain it was submitted for: ``<world>.<domain>.`` then
        ``<asset>_<NodeType>_<the start of its node id's digest>_v1``."""
        tagged = next(n for n in self.scene.state.strategy().nodes if n["tags"])
        domain = self.scene.state.latest.meta["execution_domain"]
        return [f"{self.scene.worlds[r]}.{domain}." for r in roles], tagged

    def _listing_problems(self, queues: list[dict], roles: tuple[str, ...]) -> list[str]:
        prefixes, tagged = self._expected(roles)
        problems = [f"a world's queue is not marked global: false: {q}" for q in queues if q.get("global") is not False]
        names = sorted(str(q.get("queue")) for q in queues)
        matched = [p for p in prefixes if sum(n.startswith(p) and checks.is_queue_of(n[len(p):], tagged) for n in names) == 1]
        if len(names) != len(prefixes) or len(matched) != len(prefixes):
            problems.append(f"listed {names}, expected exactly one queue under each of {prefixes}, "
                            f"named <asset>_<NodeType>_<the start of the tagged node's digest>_v1")
        return problems

    def lists(self, listing: str, tags: list[str], interval: int, mode: str, scope: str, within: float) -> None:
        roles, role = TAG_LISTINGS[listing], TAG_SCOPES[scope]
        everywhere = TAG_LISTINGS["the tagged stream's queue in each of worlds alpha and beta"]

        def listed(tags: list[str], interval: Any, mode: str, role: str | None, roles: tuple[str, ...]) -> list[dict]:
            queues = self._queues(self._by_tag(tags, interval, mode, role))
            problems = self._listing_problems(queues, roles) if roles else (
                [f"listed {sorted(str(q.get('queue')) for q in queues)}, expected no queue"] if queues else [])
            if problems:
                raise TargetFailure(f"queues tagged {tags} at {interval} s in {mode} mode {scope}: " + "; ".join(problems))
            return queues

        # Until the stream's queue is listed in every world it was submitted to, a narrower answer
        # (one world's, or none) could be a diff still under way rather than a filter at work.
        eventually(lambda: listed(list(self.scene.state.tags), 60, "any", None, everywhere),
                   within=self.scene.scenario.seconds(within),
                   what="the Gateway lists the tagged stream's queue in each of worlds alpha and beta")
        listed(tags, interval, mode, role, roles)

    def refused_bad_query(self, tag: str, bad: str, status: int) -> None:
        interval, mode = BAD_TAG_QUERIES[bad]
        answer = self._by_tag([tag], interval, mode, None)
        if answer.status != status:
            raise TargetFailure(f"queues tagged {tag!r} {bad}", expected=f"HTTP {status}", observed=answer.describe())
