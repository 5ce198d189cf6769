"""Turning failures into a gRPC status the caller can read, and a line in the service log.

- A store outage is UNAVAILABLE, naming the store.
- A refused request (INVALID_ARGUMENT) is logged with its reason.
- Anything else is logged with its traceback and answered INTERNAL, without the trace.
"""
from __future__ import annotations

import functools
import logging
from typing import Any, Awaitable, Callable

import grpc
from redis.exceptions import RedisError

from ..faults import UnknownFault

log = logging.getLogger("qmtl_reference.dagmanager")


def store_guard(handler: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    name = handler.__name__

    @functools.wraps(handler)
    async def wrapper(self: Any, request: Any, context: grpc.aio.ServicerContext) -> Any:
        try:
            return await handler(self, request, context)
        except grpc.aio.AbortError:
            if context.code() == grpc.StatusCode.INVALID_ARGUMENT:
                log.warning("%s refused: INVALID_ARGUMENT: %s", name, context.details())
            raise
        except UnknownFault as exc:
            # A faults file naming a fault nobody registered: say so, so a typo cannot pass for a fault run.
            log.error("%s: %s", name, exc)
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
        except RedisError as exc:
            log.warning("%s: the store (Redis) is unavailable: %s: %s", name, type(exc).__name__, exc)
            await context.abort(grpc.StatusCode.UNAVAILABLE, f"DAG Manager store (Redis) unavailable: {type(exc).__name__}")
        except Exception:
            log.exception("%s: unhandled error", name)
            await context.abort(grpc.StatusCode.INTERNAL, f"{name} failed on an internal error; see the DAG Manager's log")

    return wrapper
