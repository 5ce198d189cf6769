"""The DAG Manager's state, all in Redis, so a restart forgets nothing.

Keys (``P`` is the key prefix, ``qmtl:dagmanager:`` by default):

- ``P queues`` set: every live queue name.
- ``P queue:<queue>`` hash: the node behind the queue (``node_id``,
  ``node_type``, ``interval``, ``period``, ``tags`` as a JSON list,
  ``world_id``, ``execution_domain``, ``global``) and its ``size``.
- ``P queue:<queue>:strategies`` set: strategies using the queue; a queue
  lives while this is non-empty.
- ``P tag:<interval>:<tag>`` set: queues of nodes carrying the tag at that
  interval (what tag queries read).
- ``P strategy:<id>`` hash: ``sentinel_id``, ``dag_json`` (the latest one
  diffed), ``version`` (bumped by every diff and redo).
- ``P strategy:<id>:contexts`` set: the diff contexts (world, domain, …) as
  JSON, so a redo can rebuild every world's queues.
- ``P strategy:<id>:queues`` set: the strategy's queues (what cleanup releases).
- ``P sentinel:<sentinel_id>`` string: the strategy id (what redo looks up).

Queue sizes count messages; the reference stack has no message broker, so a
queue's size is 0 from birth and stats show which queues exist.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import redis.asyncio as aioredis

from qmtl_reference.dagmanager.naming import DiffContext
from qmtl_reference.dagmanager.plan import QueuePlan

DEFAULT_PREFIX = "qmtl:dagmanager:"

# Releasing must check "no strategy left" and drop the queue in one step, or a
# concurrent diff could re-adopt a queue that is being deleted.
_RELEASE = """
local prefix, sid = ARGV[1], ARGV[2]
local dropped = 0
for i = 3, #ARGV do
  local q = ARGV[i]
  redis.call('SREM', KEYS[1], q)
  local users = prefix .. 'queue:' .. q .. ':strategies'
  redis.call('SREM', users, sid)
  if redis.call('SCARD', users) == 0 then
    local qkey = prefix .. 'queue:' .. q
    local interval = redis.call('HGET', qkey, 'interval')
    local tags = redis.call('HGET', qkey, 'tags')
    if interval and tags then
      for _, tag in ipairs(cjson.decode(tags)) do
        redis.call('SREM', prefix .. 'tag:' .. interval .. ':' .. tag, q)
      end
    end
    redis.call('DEL', qkey)
    redis.call('SREM', prefix .. 'queues', q)
    dropped = dropped + 1
  end
end
return dropped
"""


@dataclass(frozen=True)
class Recorded:
    # The strategy's version label (contract §7: a string), from a counter every diff and redo bumps.
    version: str
    new_queues: frozenset[str]


@dataclass(frozen=True)
class StrategyState:
    strategy_id: str
    dag_json: str
    contexts: tuple[DiffContext, ...]
    queues: frozenset[str]


class DagStore:
    def __init__(self, client: aioredis.Redis, prefix: str = DEFAULT_PREFIX) -> None:
        self._r = client
        self._p = prefix
        self._release = client.register_script(_RELEASE)

    # key builders
    def _k(self, *parts: str) -> str:
        return self._p + ":".join(parts)

    async def ping(self) -> bool:
        return bool(await self._r.ping())

    async def record(
        self, strategy_id: str, sentinel: str, dag_json: str, ctx: DiffContext | None, plans: list[QueuePlan]
    ) -> Recorded:
        """Record a diff in one transaction; report the version and which queues are new."""
        pipe = self._r.pipeline(transaction=True)
        skey = self._k("strategy", strategy_id)
        pipe.hincrby(skey, "version", 1)
        pipe.hset(skey, mapping={"sentinel_id": sentinel, "dag_json": dag_json})
        pipe.set(self._k("sentinel", sentinel), strategy_id)
        if ctx is not None:
            pipe.sadd(self._k("strategy", strategy_id, "contexts"), ctx.to_json())
        for plan in plans:
            pipe.sadd(self._k("queues"), plan.queue)
        for plan in plans:
            qkey = self._k("queue", plan.queue)
            node = plan.node
            pipe.hset(
                qkey,
                mapping={
                    "node_id": node.node_id,
                    "node_type": node.node_type,
                    "interval": str(node.interval),
                    "period": str(node.period),
                    "tags": json.dumps(list(node.tags)),
                    "world_id": plan.ctx.world_id,
                    "execution_domain": plan.ctx.domain if plan.ctx.world_id else "",
                    "global": "1" if plan.is_global else "0",
                },
            )
            pipe.hsetnx(qkey, "size", 0)
            pipe.sadd(self._k("queue", plan.queue, "strategies"), strategy_id)
            pipe.sadd(self._k("strategy", strategy_id, "queues"), plan.queue)
            for tag in node.tags:
                pipe.sadd(self._k("tag", str(node.interval), tag), plan.queue)
        results = await pipe.execute()
        offset = 4 if ctx is not None else 3
        added = results[offset : offset + len(plans)]
        new = frozenset(p.queue for p, flag in zip(plans, added, strict=False) if flag)
        return Recorded(version=f"v{int(results[0])}", new_queues=new)

    async def strategy_for_sentinel(self, sentinel: str) -> str | None:
        return await self._r.get(self._k("sentinel", sentinel))

    async def strategy_state(self, strategy_id: str) -> StrategyState:
        pipe = self._r.pipeline(transaction=True)
        pipe.hget(self._k("strategy", strategy_id), "dag_json")
        pipe.smembers(self._k("strategy", strategy_id, "contexts"))
        pipe.smembers(self._k("strategy", strategy_id, "queues"))
        dag_json, contexts, queues = await pipe.execute()
        return StrategyState(
            strategy_id=strategy_id,
            dag_json=dag_json or "",
            contexts=tuple(sorted((DiffContext.from_json(c) for c in contexts), key=lambda c: c.to_json())),
            queues=frozenset(queues),
        )

    async def release(self, strategy_id: str, queues: frozenset[str] | set[str]) -> int:
        if not queues:
            return 0
        return int(
            await self._release(
                keys=[self._k("strategy", strategy_id, "queues")],
                args=[self._p, strategy_id, *sorted(queues)],
            )
        )

    async def forget_strategy(self, strategy_id: str) -> None:
        sentinel = await self._r.hget(self._k("strategy", strategy_id), "sentinel_id")
        keys = [
            self._k("strategy", strategy_id),
            self._k("strategy", strategy_id, "contexts"),
            self._k("strategy", strategy_id, "queues"),
        ]
        if sentinel:
            keys.append(self._k("sentinel", sentinel))
        await self._r.delete(*keys)

    async def queues_for_tags(self, tags: list[str], interval: int, match_all: bool) -> list[tuple[str, bool]]:
        keys = [self._k("tag", str(interval), t) for t in tags]
        if not keys:
            return []
        names = await (self._r.sinter(keys) if match_all else self._r.sunion(keys))
        ordered = sorted(names)
        if not ordered:
            return []
        pipe = self._r.pipeline(transaction=False)
        for q in ordered:
            pipe.hget(self._k("queue", q), "global")
        flags = await pipe.execute()
        return [(q, flag == "1") for q, flag in zip(ordered, flags, strict=False) if flag is not None]

    async def queue_sizes(self, contains: str = "") -> dict[str, int]:
        names = sorted(q for q in await self._r.smembers(self._k("queues")) if contains in q)
        if not names:
            return {}
        pipe = self._r.pipeline(transaction=False)
        for q in names:
            pipe.hget(self._k("queue", q), "size")
        sizes = await pipe.execute()
        return {q: int(s) for q, s in zip(names, sizes, strict=False) if s is not None}
