"""The Gateway's durable state: Redis (strategy hashes, DAG-hash dedupe, queue) and Postgres (rows)."""
from __future__ import annotations

import json
from typing import Any

import redis.asyncio as aioredis
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

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


def strategy_key(strategy_id: str) -> str:
    return f"strategy:{strategy_id}"


def dag_hash_key(dag_hash: str) -> str:
    return f"dag_hash:{dag_hash}"


class GatewayStores:
    def __init__(self, redis_url: str, postgres_dsn: str) -> None:
        self.redis = aioredis.Redis.from_url(redis_url, decode_responses=True, socket_timeout=5)
        self.pool = AsyncConnectionPool(postgres_dsn, min_size=1, max_size=8, open=False, kwargs={"autocommit": True})

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
        """Record the DAG's hash for this strategy; return the first owner's id if it was already known."""
        if await self.redis.set(dag_hash_key(dag_hash), strategy_id, nx=True):
            return None
        return await self.redis.get(dag_hash_key(dag_hash))

    async def record_strategy(self, strategy_id: str, dag: dict, dag_hash: str, meta: dict, world_ids: list[str]) -> None:
        await self.redis.hset(
            strategy_key(strategy_id),
            mapping={
                "dag": json.dumps(dag, sort_keys=True),
                "hash": dag_hash,
                "state": "queued",
                "meta": json.dumps(meta, sort_keys=True),
                "world_ids": json.dumps(world_ids),
            },
        )
        async with self.pool.connection() as conn:
            async with conn.transaction():
                await conn.execute(
                    "INSERT INTO strategies (id, meta, status) VALUES (%s, %s, %s)",
                    (strategy_id, Jsonb(meta), "queued"),
                )
                await conn.execute(
                    "INSERT INTO strategy_events (strategy_id, event) VALUES (%s, %s)", (strategy_id, "INIT:queued")
                )
        await self.redis.rpush(STRATEGY_QUEUE, strategy_id)

    async def bind_worlds(self, strategy_id: str, world_ids: list[str]) -> None:
        async with self.pool.connection() as conn:
            for world_id in world_ids:
                await conn.execute(
                    "INSERT INTO world_strategy_bindings (world_id, strategy_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                    (world_id, strategy_id),
                )

    async def set_status(self, strategy_id: str, status: str, event: str) -> None:
        await self.redis.hset(strategy_key(strategy_id), "state", status)
        async with self.pool.connection() as conn:
            async with conn.transaction():
                await conn.execute("UPDATE strategies SET status = %s WHERE id = %s", (status, strategy_id))
                await conn.execute("INSERT INTO strategy_events (strategy_id, event) VALUES (%s, %s)", (strategy_id, event))

    async def strategy(self, strategy_id: str) -> dict[str, Any] | None:
        record = await self.redis.hgetall(strategy_key(strategy_id))
        return record or None
