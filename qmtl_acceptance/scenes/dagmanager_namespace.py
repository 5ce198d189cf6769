"""The world and execution domain a diff namespaces its queues under (contract §7, DiffRequest).

A DAG may name its world and domain in its own ``meta`` (``world`` or ``world_id``;
``execution_domain`` or ``domain``), which is where QMTL's DAG Manager takes the namespace
from; the request names them in ``DiffRequest.world_id`` and ``execution_domain``. The scenes
here send one of the two at a time, so a DAG Manager reading only one of them is seen.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from ..errors import TargetFailure
from . import dagmanager_shapes as shapes
from .dagmanager_session import DagManagerSession, Diffed
from .worlds import Worlds

Meta = Callable[[Worlds], "dict[str, Any] | None"]

# phrase → the DAG's meta, from the scenario's worlds (the request names no world or domain)
META_NAMINGS: dict[str, Meta] = {
    'its world as "world_id" and its domain as "execution_domain"':
        lambda w: {"world_id": w["alpha"], "execution_domain": "backtest"},
    'its world as "world" and its domain as "domain"':
        lambda w: {"world": w["alpha"], "domain": "dryrun"},
    'an empty "world" and its world as "world_id"':
        lambda w: {"world": "", "world_id": w["alpha"], "execution_domain": "backtest"},
    'a null "world" and its world as "world_id"':
        lambda w: {"world": None, "world_id": w["alpha"], "execution_domain": "backtest"},
    'world "alpha" as "world" and world "beta" as "world_id"':
        lambda w: {"world": w["alpha"], "world_id": w["beta"], "execution_domain": "backtest"},
    'an empty "execution_domain" and its domain as "domain"':
        lambda w: {"world_id": w["alpha"], "execution_domain": "", "domain": "dryrun"},
    'the "backtest" domain as "execution_domain" and the "dryrun" domain as "domain"':
        lambda w: {"world_id": w["alpha"], "execution_domain": "backtest", "domain": "dryrun"},
    "its domain in capital letters":
        lambda w: {"world_id": w["alpha"], "execution_domain": "BACKTEST"},
    "its world and no domain":
        lambda w: {"world_id": w["alpha"]},
    "no world and no domain":
        lambda w: {},
}

# phrase → the DAG's meta when the request names the world (none of them names a world)
META_LACKING: dict[str, Meta] = {
    "no meta at all": lambda w: None,
    "an empty meta": lambda w: {},
    "a meta whose world and world id are empty": lambda w: {"world": "", "world_id": ""},
    "a meta naming neither world nor domain": lambda w: {"note": "no world named here"},
}

# phrase → the execution_domain the request names ("" = none)
REQUEST_DOMAINS = {'the "backtest" domain': "backtest", 'the "dryrun" domain': "dryrun", "no domain": ""}

CHOICES = {
    "MetaNaming": tuple(META_NAMINGS),
    "MetaLacking": tuple(META_LACKING),
    "RequestDomain": tuple(REQUEST_DOMAINS),
}

# A world-shared queue's name: <asset>_<NodeType>_<hex>_v1, with no "<world>.<domain>." before it.
BARE_NAME = re.compile(r"^[a-z0-9]+_[A-Za-z][A-Za-z0-9]*_[0-9a-f]{6,64}_v1$")


class NamespaceScene:
    def __init__(self, session: DagManagerSession) -> None:
        self.session = session
        self.scenario = session.scenario

    def _diff(self, meta: dict[str, Any] | None, world_role: str, world_id: str, domain: str) -> None:
        strategy = self.session.strategy()
        dag = strategy.dag.as_json(meta=meta)
        self.scenario.observe("the DAG's meta", repr(meta))
        outcome = self.session.client.diff(strategy.strategy_id, dag, world_id=world_id, execution_domain=domain,
                                           timeout=self.scenario.seconds(10))
        self.scenario.observe(f"diff of the strategy (request world {world_id!r}, domain {domain!r})", outcome.describe())
        diffed = Diffed(world_role, world_id, domain, outcome)
        strategy.diffs.append(diffed)
        self.session.latest = [diffed]

    def meta_only(self, naming: str) -> None:
        self._diff(META_NAMINGS[naming](self.session.worlds), "named in the DAG's meta", "", "")

    def request_only(self, world_role: str, domain: str, lacking: str) -> None:
        world_id = self.session.worlds[world_role]
        self._diff(META_LACKING[lacking](self.session.worlds), world_role, world_id, REQUEST_DOMAINS[domain])

    def queues_under(self, world_role: str, domain: str) -> None:
        diffed = self.session.last()
        if diffed.outcome.ended_with is not None:
            raise TargetFailure(f"the diff did not complete: {diffed.outcome.describe()}")
        prefix = f"{self.session.worlds[world_role]}.{domain}."
        problems = shapes.namespace_problems(diffed.outcome.queue_map, self.session.strategy().dag.node_ids, prefix)
        if problems:
            queues = sorted(diffed.outcome.queue_map.values())[:2]
            raise TargetFailure(f"the diff's queues are named under world {world_role} in the {domain} domain "
                                f"({prefix}…): {'; '.join(problems)}; queues seen: {queues}")

    def queues_world_shared(self) -> None:
        diffed = self.session.last()
        if diffed.outcome.ended_with is not None:
            raise TargetFailure(f"the diff did not complete: {diffed.outcome.describe()}")
        node_ids = self.session.strategy().dag.node_ids
        by_node = shapes.queues_by_node(diffed.outcome.queue_map)
        missing = [n for n in node_ids if n not in by_node]
        wrong = {n: q for n, q in by_node.items() if len(q) != 1 or not BARE_NAME.match(q[0])}
        if missing or wrong or set(by_node) - set(node_ids):
            raise TargetFailure("a diff naming no world gives every node one world-shared queue, named without a namespace",
                                expected="<asset>_<NodeType>_<hex>_v1 for each node",
                                observed=f"{len(missing)} node(s) without a queue; wrongly named: {list(wrong.items())[:2]}")


__all__ = ["NamespaceScene", "CHOICES"]
