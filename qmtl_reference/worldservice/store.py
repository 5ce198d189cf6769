"""World state in Redis: worlds, activation records and strategy bindings.

Keys (one Redis database, shared with the event broker stream so that an
activation change and its event are written by one atomic script):
  ws:worlds                       hash  world id -> world JSON
  ws:activation:<world>           hash  "<side>:<strategy>" -> activation JSON
  ws:activation_seq:<world>       hash  "<side>:<strategy>" -> last etag number
  ws:bindings:<world>             zset  strategy id, scored by binding order
  ws:bindings_seq:<world>         counter for that order
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from redis.asyncio import Redis

from .. import faults
from .broker import ACTIVATION_STREAM, EVENT_FIELD, STREAM_MAXLEN

WORLDS_KEY = "ws:worlds"

# Incrementing the etag number, storing the record and appending the event in
# one script keeps etags, stored state and the event order consistent under
# concurrent PUTs. The record's JSON arrives complete except for the etag's
# number and closing characters, so Lua never re-encodes (and never alters)
# the caller's JSON.
_PUT_ACTIVATION = """
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
local record = ARGV[2] .. n .. '"}'
redis.call('HSET', KEYS[2], ARGV[1], record)
if ARGV[3] == '1' then
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', ARGV[5],
             '{"type":"activation_updated","data":' .. record .. '}')
end
return record
"""

_ADD_BINDINGS = """
for _, strategy in ipairs(ARGV) do
  if not redis.call('ZSCORE', KEYS[1], strategy) then
    redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[2]), strategy)
  end
end
return redis.call('ZRANGE', KEYS[1], 0, -1)
"""


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso_utc(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _activation_field(strategy_id: str, side: str) -> str:
    # side is "long" or "short", so the first colon always ends it.
    return f"{side}:{strategy_id}"


class WorldStore:
    def __init__(self, redis: Redis, *, publish_activation: bool = True) -> None:
        self._redis = redis
        self._publish_activation = publish_activation
        self._put_activation = redis.register_script(_PUT_ACTIVATION)
        self._add_bindings = redis.register_script(_ADD_BINDINGS)

    def _publishes_activation(self) -> bool:
        return self._publish_activation and not faults.is_active("skip_activation_publish")

    async def ping(self) -> None:
        await self._redis.ping()

    # Worlds

    async def upsert_world(self, world_id: str, name: str | None, description: str | None) -> dict[str, Any]:
        now = iso_utc(utc_now())
        existing = await self.get_world(world_id)
        world = {
            "id": world_id,
            "name": name if name is not None else (existing["name"] if existing else world_id),
            "description": description if description is not None else (existing or {}).get("description"),
            "state": "ACTIVE",
            "allow_live": False,
            "created_at": existing["created_at"] if existing else now,
            "updated_at": now,
        }
        if name is None and faults.is_active("world_repost_forgets_name"):
            world["name"] = world_id
        await self._redis.hset(WORLDS_KEY, world_id, json.dumps(world))
        return world

    async def get_world(self, world_id: str) -> dict[str, Any] | None:
        raw = await self._redis.hget(WORLDS_KEY, world_id)
        return json.loads(raw) if raw is not None else None

    async def list_worlds(self) -> list[dict[str, Any]]:
        worlds = [json.loads(raw) for raw in (await self._redis.hgetall(WORLDS_KEY)).values()]
        return sorted(worlds, key=lambda w: (w["created_at"], w["id"]))

    async def delete_world(self, world_id: str) -> bool:
        removed = await self._redis.hdel(WORLDS_KEY, world_id)
        await self._redis.delete(
            f"ws:activation:{world_id}", f"ws:activation_seq:{world_id}",
            f"ws:bindings:{world_id}", f"ws:bindings_seq:{world_id}",
        )
        return bool(removed)

    # Activation

    async def put_activation(self, world_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Store one strategy side's activation and append its event; returns the record."""
        strategy_id, side = fields["strategy_id"], fields["side"]
        record = {"world_id": world_id, **fields, "ts": iso_utc(utc_now())}
        body = json.dumps(record, separators=(",", ":"))
        etag_open = json.dumps(f"act:{world_id}:{strategy_id}:{side}:")[:-1]
        head = body[:-1] + ',"etag":' + etag_open
        field = _activation_field(strategy_id, side)
        raw = await self._put_activation(
            keys=[f"ws:activation_seq:{world_id}", f"ws:activation:{world_id}", ACTIVATION_STREAM],
            args=[field, head, "1" if self._publishes_activation() else "0", STREAM_MAXLEN, EVENT_FIELD],
        )
        return json.loads(raw)

    async def get_activation(self, world_id: str, strategy_id: str, side: str) -> dict[str, Any] | None:
        raw = await self._redis.hget(f"ws:activation:{world_id}", _activation_field(strategy_id, side))
        return json.loads(raw) if raw is not None else None

    # Bindings

    async def add_bindings(self, world_id: str, strategies: list[str]) -> list[str]:
        return list(await self._add_bindings(
            keys=[f"ws:bindings:{world_id}", f"ws:bindings_seq:{world_id}"], args=strategies,
        ))

    async def list_bindings(self, world_id: str) -> list[str]:
        return list(await self._redis.zrange(f"ws:bindings:{world_id}", 0, -1))
