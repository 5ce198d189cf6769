"""How every reference service's Redis client treats a broken connection.

A Redis that restarts closes every pooled connection; the first command on
each of them then fails although Redis answers again. One immediate retry on a
fresh connection turns that into a success, while a Redis that is really down
still fails at once (connection refused), so callers answer 503 promptly.
"""
from __future__ import annotations

from typing import Any

from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError


def reconnect_once() -> dict[str, Any]:
    """Keyword arguments for ``redis.asyncio.Redis.from_url``."""
    return {"retry": Retry(NoBackoff(), 1), "retry_on_error": [RedisConnectionError]}
