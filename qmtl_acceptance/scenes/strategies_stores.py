"""What an accepted strategy leaves in the stores (contract §5), read back and compared with what was sent."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..clients.stores import GatewayPostgres, GatewayRedis, StrategyRow, dag_hash_candidates
from ..errors import SuiteError, TargetFailure
from ..eventually import eventually
from . import strategies_checks as checks
from .strategies_cases import plain

if TYPE_CHECKING:
    from .strategies import StrategiesScene

RECORDED_STATUSES = ("queued", "processing", "completed", "failed")


class StoresPart:
    def __init__(self, scene: StrategiesScene) -> None:
        self.scene = scene
        self._redis: GatewayRedis | None = None
        self.dag_hash: str | None = None

    @property
    def redis(self) -> GatewayRedis:
        if self._redis is None:
            url = self.scene.target.endpoints.redis_url
            if not url:
                raise SuiteError("the target's Redis address is unknown")
            self._redis = GatewayRedis(url, timeout=self.scene.scenario.seconds(5))
            self.scene.scenario.add_cleanup(self._redis.close)
        return self._redis

    @property
    def postgres(self) -> GatewayPostgres:
        dsn = self.scene.target.endpoints.postgres_dsn
        if not dsn:
            raise SuiteError("the target's Postgres address is unknown")
        return GatewayPostgres(dsn, timeout=self.scene.scenario.seconds(5))

    def row_holds_meta(self, within: float) -> None:
        accepted = self.scene.state.latest

        def row() -> StrategyRow:
            found = self.postgres.strategy(accepted.strategy_id)
            if found is None:
                raise TargetFailure(f"strategies has no row for {accepted.strategy_id}")
            return found

        found = eventually(row, within=self.scene.scenario.seconds(within), what="Postgres has the strategy's row")
        self.scene.scenario.observe("strategies row", repr(found))
        if found.meta != accepted.meta or found.status not in RECORDED_STATUSES:
            raise TargetFailure("the strategies row", expected=f"meta {accepted.meta} and a known status",
                                observed=f"meta {found.meta}, status {found.status!r}")

    def first_event(self, event: str) -> None:
        events = self.postgres.events(self.scene.state.latest.strategy_id)
        self.scene.scenario.observe("strategy events", ", ".join(events))
        if not events or events[0] != event:
            raise TargetFailure("the strategy's first event", expected=repr(event), observed=str(events))

    def statuses_recorded(self, statuses: list[str], within: float) -> None:
        strategy_id = self.scene.state.latest.strategy_id

        def recorded() -> None:
            events = self.postgres.events(strategy_id)
            self.scene.scenario.observe("strategy events", ", ".join(events))
            seen = [e.rsplit(":", 1)[-1] for e in events]
            if seen != statuses:
                raise TargetFailure(f"the recorded statuses are {seen} (events {events}), expected {statuses}")

        # The status is read from Redis; the event rows may land a moment later.
        eventually(recorded, within=self.scene.scenario.seconds(within), what="Postgres records every status change")

    def bound_in_postgres(self) -> None:
        """Each accepted strategy is bound to exactly the worlds it was submitted to."""
        for accepted in self.scene.state.accepted:
            wanted = {self.scene.worlds[r] for r in accepted.roles}
            bound = self.postgres.bound_worlds(accepted.strategy_id)
            if bound != wanted:
                raise TargetFailure(f"world_strategy_bindings for {accepted.strategy_id}",
                                    expected=str(sorted(wanted)), observed=str(sorted(bound)))

    def redis_holds_strategy(self) -> None:
        accepted = self.scene.state.latest
        record = self.redis.strategy_hash(accepted.strategy_id)
        self.scene.scenario.observe("redis strategy hash fields", ", ".join(sorted(record)))
        missing = [f for f in ("dag", "hash", "state") if not record.get(f)]
        if missing:
            raise TargetFailure(f"strategy:{accepted.strategy_id} lacks {missing} (fields: {sorted(record)})")
        submitted = accepted.dag.as_json()
        problems = checks.stored_dag_problems(checks.stored_dag(record["dag"]), submitted, accepted.strategy_id)
        if record["hash"] not in dag_hash_candidates(submitted):
            problems.append(f"hash {record['hash']} is not the SHA-256 of the DAG's sorted-key JSON")
        if record["state"] not in RECORDED_STATUSES:
            problems.append(f"state is {record['state']!r}")
        if problems:
            raise TargetFailure("; ".join(problems))
        self.dag_hash = record["hash"]

    def dag_hash_names_strategy(self) -> None:
        accepted = self.scene.state.accepted[0]
        hashes = [self.dag_hash] if self.dag_hash else sorted(dag_hash_candidates(accepted.dag.as_json()))
        owners = {h: self.redis.dag_hash_owner(h) for h in hashes}
        if accepted.strategy_id not in owners.values():
            raise TargetFailure("the DAG-hash key", expected=f"dag_hash:<sha256> naming {accepted.strategy_id}",
                                observed=str(owners))

    def dag_hash_never_expires(self) -> None:
        """The Gateway refuses a DAG it has seen before, however long ago: the key saying so has no expiry."""
        accepted = self.scene.state.accepted[0]
        hashes = [self.dag_hash] if self.dag_hash else sorted(dag_hash_candidates(accepted.dag.as_json()))
        owned = [h for h in hashes if self.redis.dag_hash_owner(h) == accepted.strategy_id]
        if not owned:
            raise TargetFailure("the DAG-hash key", expected=f"dag_hash:<sha256> naming {accepted.strategy_id}",
                                observed=f"none of {hashes} names it")
        expiry = self.redis.expiry_ms(f"dag_hash:{owned[0]}")
        self.scene.scenario.observe("PTTL of the DAG-hash key", str(expiry))
        if expiry != -1:
            raise TargetFailure(f"dag_hash:{owned[0]} of strategy {accepted.strategy_id}",
                                expected="no expiry (PTTL -1): the DAG stays a duplicate for good",
                                observed=f"PTTL {expiry} ms")

    def stores_agree(self, status: str) -> None:
        strategy_id = self.scene.state.latest.strategy_id
        row = self.postgres.strategy(strategy_id)
        state = self.redis.strategy_hash(strategy_id).get("state")
        if row is None or row.status != status or state != status:
            raise TargetFailure(f"the stores' status of {strategy_id}", expected=f"{status!r} in Postgres and Redis",
                                observed=f"Postgres {row.status if row else None!r}, Redis {state!r}")

    def duplicate_leaves_no_row(self, role: str) -> None:
        """The same DAG again, under a meta no other submission carries: refused, and no row records it."""
        meta = {"execution_domain": self.scene.scenario.ids("duplicate domain")}
        answer = self.scene.post(plain(self.scene.state.strategy(), [self.scene.worlds[role]], meta=meta), f"a duplicate with meta {meta}")
        if answer.status != 409:
            raise TargetFailure("the same DAG with other meta", expected="HTTP 409", observed=answer.describe())
        rows = self.postgres.strategies_with_meta(meta)
        if rows:
            raise TargetFailure(f"a duplicate submitted with meta {meta}", expected="no strategies row",
                                observed=f"rows {rows}")

