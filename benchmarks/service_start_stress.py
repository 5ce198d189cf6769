"""Start and stop every reference service many times, concurrently, under CPU load (a stress run, not a test).

    python benchmarks/service_start_stress.py [--starts 240] [--concurrency 4] [--load 2]

One real Redis and one real Postgres serve the whole run, as in the suite's
stack. Worker threads then launch the DAG Manager, WorldService and Gateway in
turn, each on a fresh port, exactly as the suite launches them (ManagedProcess,
readiness over the wire: gRPC for the DAG Manager, HTTP for the others), and
stop it again, while busy-loop processes keep every core contended. This
process keeps gRPC channels open all the while, as the suite does.

A start fails when the service exits before it is ready (an abort at start
shows as exit code -6, SIGABRT), is not ready in time, or ends with anything
but a clean exit when stopped. A service still running after the stop grace
is killed and listed, but not counted as a failure. The run prints one line per
service (starts, failures, median and worst start time) and exits 1 after
naming each failure's service, exit code and log tail; it exits 0 only when
every start came up and stopped cleanly.
"""
from __future__ import annotations

import argparse
import itertools
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qmtl_acceptance.errors import StackError  # noqa: E402
from qmtl_acceptance.stack.probes import dagmanager_health, gateway_answers, http_ok  # noqa: E402
from qmtl_acceptance.stack.processes import ManagedProcess, free_port, tail  # noqa: E402
from qmtl_acceptance.stack.stores import PostgresCluster, redis_process, redis_ready  # noqa: E402

SERVICES = ("dagmanager", "worldservice", "gateway")
READY_SECONDS = 60.0
STORE_READY_SECONDS = 30.0
STOP_GRACE = 10.0
DATABASE = "qmtl"
BUSY_LOOP = "while True: pass"


@dataclass
class Stores:
    redis_url: str
    postgres_dsn: str
    # The Gateway needs a DAG Manager and a WorldService to point at; these stay up all run.
    dagmanager_address: str
    worldservice_url: str


@dataclass
class Failure:
    service: str
    start: int
    code: int | None
    reason: str
    log_tail: str

    def describe(self) -> str:
        return f"{self.service} start #{self.start}: {self.reason} (exit code {self.code}); log tail:\n{self.log_tail}"


@dataclass
class Outcome:
    starts: dict[str, int] = field(default_factory=lambda: {s: 0 for s in SERVICES})
    seconds: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in SERVICES})
    failures: list[Failure] = field(default_factory=list)
    slow_stops: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def total(self) -> int:
        return sum(self.starts.values())

    def lines(self) -> list[str]:
        out = []
        for service in SERVICES:
            took = sorted(self.seconds[service])
            failed = sum(1 for f in self.failures if f.service == service)
            timing = f"median {statistics.median(took):5.2f} s   max {took[-1]:5.2f} s" if took else "no clean start"
            out.append(f"{service:<13} starts {self.starts[service]:<4} failures {failed:<3} {timing}")
        out.append(f"{'total':<13} starts {self.total:<4} failures {len(self.failures)}")
        if self.slow_stops:
            out.append(f"killed after the {STOP_GRACE:.0f} s stop grace (not counted as failures): {', '.join(self.slow_stops)}")
        return out


def _service_argv(service: str, port: int, stores: Stores, key_dir: Path) -> list[str]:
    common = [sys.executable, "-m", f"qmtl_reference.{service}", "--host", "127.0.0.1"]
    if service == "dagmanager":
        return [*common, "--grpc-port", str(port), "--redis-url", stores.redis_url]
    if service == "worldservice":
        return [*common, "--port", str(port), "--redis-url", stores.redis_url]
    return [
        *common, "--port", str(port),
        "--redis-url", stores.redis_url,
        "--postgres-dsn", stores.postgres_dsn,
        "--dagmanager-address", stores.dagmanager_address,
        "--worldservice-url", stores.worldservice_url,
        "--key-dir", str(key_dir),
    ]


def _probe(service: str, port: int):
    if service == "dagmanager":
        return lambda: dagmanager_health(f"127.0.0.1:{port}")
    if service == "worldservice":
        return lambda: http_ok(f"http://127.0.0.1:{port}/worlds")
    return lambda: gateway_answers(f"http://127.0.0.1:{port}")


def _service_env() -> dict[str, str]:
    env = dict(os.environ)
    env["QMTL_REFERENCE_FAULTS"] = ""
    env["PYTHONUNBUFFERED"] = "1"
    return env


def start_service(service: str, workdir: Path, stores: Stores, label: str, port: int | None = None) -> ManagedProcess:
    port = port or free_port()
    proc = ManagedProcess(
        service, _service_argv(service, port, stores, workdir / f"keys-{label}"), workdir / f"{label}.log", env=_service_env()
    )
    proc.launch()
    try:
        proc.wait_ready(_probe(service, port), READY_SECONDS)
    except BaseException:
        proc.kill()
        raise
    return proc


def start_and_stop(service: str, number: int, workdir: Path, stores: Stores, outcome: Outcome) -> None:
    label = f"{service}-{number}"
    log = workdir / f"{label}.log"
    started = time.monotonic()
    with outcome.lock:
        outcome.starts[service] += 1
    try:
        proc = start_service(service, workdir, stores, label)
    except StackError as exc:
        code = None
        reason = str(exc).splitlines()[0]
        if "exited (code " in reason:
            code = int(reason.split("exited (code ", 1)[1].split(")", 1)[0])
        with outcome.lock:
            outcome.failures.append(Failure(service, number, code, reason, tail(log)))
        return
    took = time.monotonic() - started
    stopping = time.monotonic()
    proc.stop(STOP_GRACE)
    code = proc.process.returncode if proc.process else None
    if code == -signal.SIGKILL and time.monotonic() - stopping >= STOP_GRACE:
        # Killed by us after the grace period: slow to stop, not an abort.
        with outcome.lock:
            outcome.slow_stops.append(label)
            outcome.seconds[service].append(took)
        return
    # The services exit 0 on SIGTERM; any other end (SIGABRT above all) is a failure.
    if code not in (0, -signal.SIGTERM):
        with outcome.lock:
            outcome.failures.append(Failure(service, number, code, "did not stop cleanly", tail(log)))
        return
    with outcome.lock:
        outcome.seconds[service].append(took)
    log.unlink(missing_ok=True)


def _burners(count: int) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(count)]


class StoresUp:
    """Real Redis and Postgres, plus the DAG Manager and WorldService the Gateways point at."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.procs: list[ManagedProcess] = []

    def __enter__(self) -> Stores:
        try:
            return self._start()
        except BaseException:
            self.__exit__()
            raise

    def _start(self) -> Stores:
        redis_port = free_port()
        redis = redis_process(redis_port, self.workdir, self.workdir / "redis.log")
        self.procs.append(redis)
        redis.launch()
        redis_url = f"redis://127.0.0.1:{redis_port}/0"
        redis.wait_ready(lambda: redis_ready(redis_url), STORE_READY_SECONDS)
        pg_dir = self.workdir / "postgres"
        postgres = PostgresCluster(free_port(), pg_dir, self.workdir / "postgres.log")
        postgres.initdb()
        self.procs.append(postgres.launch())
        self.procs[-1].wait_ready(postgres.ready, STORE_READY_SECONDS)
        postgres.create_database(DATABASE)
        dagmanager_port, worldservice_port = free_port(), free_port()
        stores = Stores(
            redis_url, postgres.dsn(DATABASE), f"127.0.0.1:{dagmanager_port}", f"http://127.0.0.1:{worldservice_port}"
        )
        self.procs.append(start_service("dagmanager", self.workdir, stores, "base-dagmanager", dagmanager_port))
        self.procs.append(start_service("worldservice", self.workdir, stores, "base-worldservice", worldservice_port))
        # One Gateway creates the schema first: Gateways booting at once on an empty
        # database race in CREATE TABLE IF NOT EXISTS, which a stack (one Gateway) never does.
        start_service("gateway", self.workdir, stores, "base-gateway").stop(STOP_GRACE)
        return stores

    def __exit__(self, *exc) -> None:
        for proc in reversed(self.procs):
            proc.stop()


def run_stress(starts: int, concurrency: int, load: int) -> Outcome:
    """Start (and stop) `starts` services, `concurrency` at a time, beside `load` busy loops."""
    outcome = Outcome()
    workdir = Path(tempfile.mkdtemp(prefix="qmtl-start-stress-"))
    if os.geteuid() == 0:
        # Postgres runs as an unprivileged user and must reach its folder.
        os.chmod(workdir, 0o755)
    burners = _burners(load)
    try:
        with StoresUp(workdir) as stores:
            order = itertools.cycle(SERVICES)
            jobs = [(next(order), n) for n in range(1, starts + 1)]
            # PDEATHSIG ties each child to the thread that started it: the pool's
            # threads live until every service they started has been stopped.
            with ThreadPoolExecutor(max_workers=concurrency) as pool:
                for done in [pool.submit(start_and_stop, s, n, workdir, stores, outcome) for s, n in jobs]:
                    done.result()
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
        shutil.rmtree(workdir, ignore_errors=True)
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--starts", type=int, default=240, help="service starts in all (default 240)")
    parser.add_argument("--concurrency", type=int, default=4, help="services starting at the same time (default 4)")
    parser.add_argument("--load", type=int, default=2, help="busy-loop processes beside them (default 2)")
    args = parser.parse_args()
    if args.starts < 1 or args.concurrency < 1 or args.load < 0:
        parser.error("--starts and --concurrency must be at least 1, --load at least 0")
    began = time.monotonic()
    outcome = run_stress(args.starts, args.concurrency, args.load)
    print(f"{outcome.total} starts, {args.concurrency} at a time, {args.load} busy loops, {time.monotonic() - began:.0f} s")
    for line in outcome.lines():
        print(line)
    for failure in outcome.failures:
        print("FAILED " + failure.describe(), file=sys.stderr)
    return 1 if outcome.failures else 0


if __name__ == "__main__":
    sys.exit(main())
