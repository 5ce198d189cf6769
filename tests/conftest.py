import sys
from pathlib import Path

# behave_runs is a helper module beside the tests, not an installed package.
sys.path.insert(0, str(Path(__file__).parent))


import pytest  # noqa: E402

from servers import start_redis  # noqa: E402


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A real redis-server for the tests of one module."""
    proc, url = start_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield url
    finally:
        proc.stop()
