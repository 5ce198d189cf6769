"""The Gateway's durable state: Redis (strategy hashes, DAG-hash dedupe, queue) and Postgres (rows)."""
from __future__ import annotations

import json
from typing import Any

import redis.asyncio as aioredis
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from ..common.redis_retry import reconnect_once

SCHEMA = """
CREATE TABLE IF NOT EXISTS strategies (
    id TEXT PRIMARY KEY,
    meta JSONB NOT NULL DEFAULT '{}'::jsonb,
    status TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS strategy_events (
    id BIGSERIAL PRIMARY KEY,
    strategy_id TEXT NOT NULL,
    event TEXT NOT NULL,
    ts TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS strategy_events_by_strategy ON strategy_events (strategy_id, id);
CREATE TABLE IF NOT EXISTS world_strategy_bindings (
    world_id TEXT NOT NULL,
    strategy_id TEXT NOT NULL,
    PRIMARY KEY (world_id, strategy_id)
);
"""

STRATEGY_QUEUE = "strategy_queue"
# A claim not committed within this time lapses, so a submission whose
# Gateway died half-way does not block its DAG for ever.
CLAIM_LEASE_MS = 30_000
# Pool waits and socket reads give up this soon, so a store that is down gives a 503, not a hang.
STORE_TIMEOUT_SECONDS = 5.0

_CLAIM = """
local owner = redis.call('GET', KEYS[1])
if owner then return owner end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
"""

_COMMIT = """
if ARGV[2] == '1' then
  if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
  redis.call('PERSIST', KEYS[1])
end
redis.call('HSET', KEYS[2], unpack(ARGV, 3))
redis.call('RPUSH', KEYS[3], ARGV[1])
return 1
"""


class ClaimLost(RuntimeError):
    pass


def strategy_key(strategy_id: str) -> str:
    return f"strategy:{strategy_id}"


def dag_hash_key(dag_hash: str) -> str:
    return f"dag_hash:{dag_hash}"


class GatewayStores:
    def __init__(self, redis_url: str, postgres_dsn: str) -> None:
        self.redis = aioredis.Redis.from_url(
            redis_url, decode_responses=True, socket_timeout=STORE_TIMEOUT_SECONDS, socket_connect_timeout=STORE_TIMEOUT_SECONDS,
            **reconnect_once(),
        )
        self.pool = AsyncConnectionPool(
            postgres_dsn, min_size=1, max_size=8, open=False, timeout=STORE_TIMEOUT_SECONDS,
            # A connection left broken by a Postgres restart is replaced before use, not handed out.
            check=AsyncConnectionPool.check_connection,
            kwargs={"autocommit": True, "connect_timeout": int(STORE_TIMEOUT_SECONDS)},
        )
        self._claim = self.redis.register_script(_CLAIM)
        self._release = self.redis.register_script(_RELEASE)
        self._commit = self.redis.register_script(_COMMIT)

    async def open(self) -> None:
        await self.pool.open(wait=True, timeout=30)
        async with self.pool.connection() as conn:
            await conn.execute(SCHEMA)

    async def close(self) -> None:
        await self.pool.close()
        await self.redis.aclose()

    # -- health -------------------------------------------------------------
    async def redis_ok(self) -> bool:
        return bool(await self.redis.ping())

    async def postgres_ok(self) -> bool:
        async with self.pool.connection(timeout=2) as conn:
            await conn.execute("SELECT 1")
        return True

    # -- strategies ----------------------------------------------------------
    async def claim_dag_hash(self, dag_hash: str, strategy_id: str) -> str | None:
        """Claim the DAG's hash for this strategy; return the owner's id if someone holds it already."""
        return await self._claim(keys=[dag_hash_key(dag_hash)], args=[strategy_id, CLAIM_LEASE_MS])

    async def release_dag_hash(self, dag_hash: str, strategy_id: str) -> None:
        await self._release(keys=[dag_hash_key(dag_hash)], args=[strategy_id])

    async def record_rows(self, strategy_id: str, meta: dict, bound_worlds: list[str]) -> None:
        """The strategy's row, its first event and its world bindings: one Postgres transaction."""
        async with self.pool.connection() as conn:
            async with conn.transaction():
                await conn.execute(
                    "INSERT INTO strategies (id, meta, status) VALUES (%s, %s, %s)", (strategy_id, Jsonb(meta), "queued")
                )
                await conn.execute("INSERT INTO strategy_events (strategy_id, event) VALUES (%s, %s)", (strategy_id, "INIT:queued"))
                async with conn.cursor() as cur:
                    await cur.executemany(
                        "INSERT INTO world_strategy_bindings (world_id, strategy_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                        [(world_id, strategy_id) for world_id in bound_worlds],
                    )

    async def delete_rows(self, strategy_id: str) -> None:
        async with self.pool.connection() as conn:
            async with conn.transaction():
                for table, column in (("world_strategy_bindings", "strategy_id"), ("strategy_events", "strategy_id"), ("strategies", "id")):
                    await conn.execute(f"DELETE FROM {table} WHERE {column} = %s", (strategy_id,))

    async def commit_strategy(
        self, claim_key: str | None, strategy_id: str, dag: dict, dag_hash: str, meta: dict, world_ids: list[str]
    ) -> None:
        """Make the claim permanent, write the strategy's hash and queue it: all or nothing.

        ``claim_key`` None: the dedupe claim is not in Redis (a deliberate fault keeps it in memory).
        """
        fields = {
            "dag": json.dumps(dag, sort_keys=True),
            "hash": dag_hash,
            "state": "queued",
            "meta": json.dumps(meta, sort_keys=True),
            "world_ids": json.dumps(world_ids),
        }
        flat = [item for pair in fields.items() for item in pair]
        keys = [dag_hash_key(claim_key or ""), strategy_key(strategy_id), STRATEGY_QUEUE]
        committed = await self._commit(keys=keys, args=[strategy_id, "1" if claim_key else "0", *flat])
        if not committed:
            raise ClaimLost(f"the dedupe claim of strategy {strategy_id} lapsed before it was recorded")

    async def set_status(self, strategy_id: str, status: str, event: str) -> None:
        # Postgres first: if it is down, neither store moves and the worker's retry starts clean.
        async with self.pool.connection() as conn:
            async with conn.transaction():
                await conn.execute("UPDATE strategies SET status = %s WHERE id = %s", (status, strategy_id))
                await conn.execute("INSERT INTO strategy_events (strategy_id, event) VALUES (%s, %s)", (strategy_id, event))
        await self.redis.hset(strategy_key(strategy_id), "state", status)

    async def strategy(self, strategy_id: str) -> dict[str, Any] | None:
        record = await self.redis.hgetall(strategy_key(strategy_id))
        return record or None
