"""Turning store outages into a gRPC status the caller can read, not a stack trace."""
from __future__ import annotations

import functools
from typing import Any, Awaitable, Callable

import grpc
from redis.exceptions import RedisError


def store_guard(handler: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(handler)
    async def wrapper(self: Any, request: Any, context: grpc.aio.ServicerContext) -> Any:
        try:
            return await handler(self, request, context)
        except RedisError as exc:
            await context.abort(grpc.StatusCode.UNAVAILABLE, f"DAG Manager store (Redis) unavailable: {type(exc).__name__}")

    return wrapper
