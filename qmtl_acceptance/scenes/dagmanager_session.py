"""What the DAG Manager scenes of one scenario share: the gRPC client, the strategies built and their diffs."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

from ..clients.dagmanager import AckPlan, DagManagerClient, DiffOutcome
from ..dag import Dag
from .dagmanager_dags import SHAPES
from .scenario import Scenario
from .target import Target
from .worlds import Worlds

DIFF_SECONDS = 10
MAIN = "the strategy"
OTHER = "the other strategy"


@dataclass(frozen=True)
class Diffed:
    world_role: str
    world_id: str
    domain: str
    outcome: DiffOutcome

    @property
    def prefix(self) -> str:
        return f"{self.world_id}.{self.domain}."


@dataclass
class DmStrategy:
    strategy_id: str
    dag: Dag
    shape: str = ""
    diffs: list[Diffed] = field(default_factory=list)
    # stream name → node id, for strategies built from named streams.
    streams: dict[str, str] = field(default_factory=dict)

    @property
    def sentinel(self) -> str:
        return f"{self.strategy_id}-sentinel"

    @property
    def queues(self) -> set[str]:
        return {q for d in self.diffs for q in d.outcome.queue_map.values()}


class DagManagerSession:
    def __init__(self, target: Target, scenario: Scenario, worlds: Worlds) -> None:
        self.target = target
        self.scenario = scenario
        self.worlds = worlds
        self.strategies: dict[str, DmStrategy] = {}
        # The diffs of the latest diff step, in the order run.
        self.latest: list[Diffed] = []

    @cached_property
    def client(self) -> DagManagerClient:
        client = DagManagerClient(self.target.endpoints.dagmanager_address, timeout=self.scenario.seconds(5))
        self.scenario.add_cleanup(client.close)
        return client

    def strategy(self, role: str = MAIN) -> DmStrategy:
        if role not in self.strategies:
            raise AssertionError(f"the scenario has not built {role} yet")
        return self.strategies[role]

    def build(self, shape: str, role: str = MAIN) -> DmStrategy:
        return self.adopt(SHAPES[shape](self.scenario.ids(f"dag {role}")), role, shape)

    def adopt(self, dag: Dag, role: str = MAIN, shape: str = "") -> DmStrategy:
        strategy = DmStrategy(self.scenario.ids(f"dm {role}"), dag, shape)
        self.strategies[role] = strategy
        return strategy

    def diff(self, world_roles: list[str], domain: str, role: str = MAIN, *, ack_plan: AckPlan | None = None,
             ack_on_copy: int = 1, run: dict[str, str] | None = None) -> list[Diffed]:
        strategy = self.strategy(role)
        self.latest = []
        for world_role in world_roles:
            world_id = self.worlds[world_role]
            # The DAG names its world and domain in its own meta as well as in the request:
            # QMTL's DAG Manager namespaces queues from the meta.
            dag = strategy.dag.as_json(meta={"world_id": world_id, "execution_domain": domain})
            outcome = self.client.diff(strategy.strategy_id, dag, world_id=world_id, execution_domain=domain,
                                       ack_plan=ack_plan, ack_on_copy=ack_on_copy,
                                       timeout=self.scenario.seconds(DIFF_SECONDS), **(run or {}))
            self.scenario.observe(f"diff of {role} for world {world_role}", outcome.describe())
            diffed = Diffed(world_role, world_id, domain, outcome)
            strategy.diffs.append(diffed)
            self.latest.append(diffed)
        return self.latest

    def diff_at_once(self, world_roles: list[str], domain: str, role: str = MAIN) -> list[Diffed]:
        """One strategy diffed for several worlds by simultaneous calls, as a Gateway serving two submissions does."""
        strategy = self.strategy(role)
        world_ids = [self.worlds[r] for r in world_roles]

        def run(world_id: str):
            dag = strategy.dag.as_json(meta={"world_id": world_id, "execution_domain": domain})
            return self.client.diff(strategy.strategy_id, dag, world_id=world_id, execution_domain=domain,
                                    timeout=self.scenario.seconds(DIFF_SECONDS))

        with ThreadPoolExecutor(max_workers=len(world_ids)) as pool:
            outcomes = list(pool.map(run, world_ids))
        self.latest = [Diffed(r, w, domain, o) for r, w, o in zip(world_roles, world_ids, outcomes, strict=False)]
        strategy.diffs += self.latest
        for diffed in self.latest:
            self.scenario.observe(f"simultaneous diff for world {diffed.world_role}", diffed.outcome.describe())
        return self.latest

    def last(self) -> Diffed:
        if not self.latest:
            raise AssertionError("the scenario has not diffed a strategy yet")
        return self.latest[-1]
