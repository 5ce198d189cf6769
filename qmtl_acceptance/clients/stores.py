"""Read-only views of what the Gateway persisted, checked in the stores themselves.

Key and table names are the contract's (section 5): Redis ``strategy:<id>``
hash, ``dag_hash:<sha256>``, list ``strategy_queue``; Postgres ``strategies``,
``strategy_events`` and ``world_strategy_bindings``.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ..errors import StackError
from ..redaction import redact
from . import wire_log


def dag_hash_candidates(dag: Any) -> set[str]:
    """The SHA-256 of the DAG's sorted-key JSON, compact or with default separators (the contract names only the sorting)."""
    return {
        hashlib.sha256(json.dumps(dag, sort_keys=True, separators=seps).encode("utf-8")).hexdigest()
        for seps in ((",", ":"), (", ", ": "))
    }


@dataclass(frozen=True)
class StrategyRow:
    id: str
    meta: dict
    status: str


class GatewayRedis:
    # Called with each command and what it read, as evidence; the running scenario sets it.
    on_record: "wire_log.Recorder | None" = None

    def __init__(self, url: str, timeout: float = 5.0) -> None:
        import redis  # a run that reads no store does not pay for importing its client

        self.url = url
        self._r = redis.Redis.from_url(url, decode_responses=True, socket_timeout=timeout, socket_connect_timeout=timeout)

    def close(self) -> None:
        self._r.close()

    def _do(self, what: str, fn, *args):
        import redis

        command = f"{fn.__name__.upper()} {' '.join(str(a) for a in args)}"
        wire_log.emit(GatewayRedis.on_record, "redis", "sent", command, what)
        try:
            value = fn(*args)
        except redis.RedisError as exc:
            wire_log.emit(GatewayRedis.on_record, "redis", "received", command, f"error: {exc}")
            raise StackError(f"reading {what} from Redis at {redact(self.url)} failed: {exc}") from None
        wire_log.emit(GatewayRedis.on_record, "redis", "received", command, value)
        return value

    def strategy_hash(self, strategy_id: str) -> dict[str, str]:
        return self._do("the strategy hash", self._r.hgetall, f"strategy:{strategy_id}")

    def dag_hash_owner(self, dag_hash: str) -> str | None:
        return self._do("a DAG-hash key", self._r.get, f"dag_hash:{dag_hash}")

    def expiry_ms(self, key: str) -> int:
        """PTTL of a key: -1 when it never expires, -2 when there is no such key."""
        return int(self._do("a key's expiry", self._r.pttl, key))

    def strategy_queue(self) -> list[str]:
        return self._do("the strategy queue", self._r.lrange, "strategy_queue", 0, -1)


class GatewayPostgres:
    # Called with each query and the rows it read, as evidence; the running scenario sets it.
    on_record: "wire_log.Recorder | None" = None

    def __init__(self, dsn: str, timeout: float = 5.0) -> None:
        self.dsn = dsn
        self.timeout = timeout

    def _query(self, what: str, sql: str, params: tuple) -> list[dict]:
        import psycopg
        from psycopg.rows import dict_row

        query = f"{sql}  {list(params)}"
        wire_log.emit(GatewayPostgres.on_record, "postgres", "sent", what, query)
        try:
            with psycopg.connect(self.dsn, connect_timeout=max(1, int(self.timeout)), row_factory=dict_row) as conn:
                rows = conn.execute(sql, params).fetchall()
        except psycopg.Error as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            wire_log.emit(GatewayPostgres.on_record, "postgres", "received", what, f"error: {first_line}")
            raise StackError(f"reading {what} from Postgres at {redact(self.dsn)} failed: {first_line}") from None
        wire_log.emit(GatewayPostgres.on_record, "postgres", "received", what, rows)
        return rows

    def strategy(self, strategy_id: str) -> StrategyRow | None:
        rows = self._query("the strategy row", "SELECT id, meta, status FROM strategies WHERE id = %s", (strategy_id,))
        if not rows:
            return None
        row = rows[0]
        meta = row["meta"] if isinstance(row["meta"], dict) else json.loads(row["meta"] or "{}")
        return StrategyRow(id=row["id"], meta=meta, status=row["status"])

    def strategies_with_meta(self, meta: dict) -> list[str]:
        rows = self._query("strategies by meta", "SELECT id FROM strategies WHERE meta::jsonb = %s::jsonb", (json.dumps(meta),))
        return [r["id"] for r in rows]

    def events(self, strategy_id: str) -> list[str]:
        """The strategy's events, oldest first (by time, then by insertion)."""
        rows = self._query(
            "strategy events", "SELECT event FROM strategy_events WHERE strategy_id = %s ORDER BY ts, ctid", (strategy_id,)
        )
        return [r["event"] for r in rows]

    def bound_worlds(self, strategy_id: str) -> set[str]:
        rows = self._query(
            "world bindings", "SELECT world_id FROM world_strategy_bindings WHERE strategy_id = %s", (strategy_id,)
        )
        return {r["world_id"] for r in rows}
