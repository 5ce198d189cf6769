"""Fixtures of the reference room: real servers started for the tests of one module."""
from __future__ import annotations

import pytest

from tests.support.servers import start_redis


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A real redis-server for the tests of one module."""
    proc, url = start_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield url
    finally:
        proc.stop()
