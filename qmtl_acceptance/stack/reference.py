"""The embedded default target: the reference stack as local processes.

Redis and Postgres are real servers; the DAG Manager, WorldService and Gateway
are the reference services, started as `python -m qmtl_reference.<service>`
on free loopback ports. Nothing of the reference stack is imported here.
"""
from __future__ import annotations

import atexit
import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..config import SuiteConfig
from ..errors import StackError
from .base import StackEndpoints, StackProvider
from .probes import dagmanager_health, gateway_answers, http_ok
from .processes import ManagedProcess, free_port
from .stores import PostgresCluster, redis_process, redis_ready
from .workdirs import make_run_dir, sweep_orphans

FAULTS_ENV = "QMTL_REFERENCE_FAULTS"
STORE_READY_SECONDS = 30.0
SERVICE_READY_SECONDS = 30.0


class ReferenceStack(StackProvider):
    name = "reference"

    def __init__(self, config: SuiteConfig) -> None:
        self.config = config
        self.run_dir: Path | None = None
        self.ports: dict[str, int] = {}
        self.services: dict[str, ManagedProcess] = {}
        self.postgres: PostgresCluster | None = None
        self.endpoints: StackEndpoints | None = None
        self.timings: dict[str, float] = {}
        self._stopped = False

    # -- helpers -----------------------------------------------------------
    def _log(self, service: str) -> Path:
        return self.config.logs_dir / f"{service}.log"

    def _service_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env[FAULTS_ENV] = ",".join(self.config.reference_faults)
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def _python_service(self, service: str, module: str, args: list[str]) -> ManagedProcess:
        return ManagedProcess(service, [sys.executable, "-m", module, *args], self._log(service), env=self._service_env())

    def _gateway_process(self) -> ManagedProcess:
        assert self.endpoints is not None and self.run_dir is not None
        return self._python_service(
            "gateway",
            "qmtl_reference.gateway",
            [
                "--host", "127.0.0.1",
                "--port", str(self.ports["gateway"]),
                "--redis-url", self.endpoints.redis_url,
                "--postgres-dsn", self.endpoints.postgres_dsn,
                "--dagmanager-address", self.endpoints.dagmanager_address,
                "--worldservice-url", self.endpoints.worldservice_url,
                "--key-dir", str(self.run_dir / "gateway-keys"),
                "--token-ttl", str(self.config.token_ttl_seconds),
            ],
        )

    def _start_redis(self) -> None:
        assert self.run_dir is not None
        proc = redis_process(self.ports["redis"], self.run_dir, self._log("redis"))
        self.services["redis"] = proc
        proc.launch()
        url = f"redis://127.0.0.1:{self.ports['redis']}/0"
        self.timings["redis"] = proc.wait_ready(lambda: redis_ready(url), STORE_READY_SECONDS * self.config.timeout_scale)

    def _initdb(self) -> None:
        assert self.run_dir is not None
        started = time.monotonic()
        self.postgres = PostgresCluster(self.ports["postgres"], self.run_dir / "postgres", self._log("postgres"))
        self.postgres.initdb()
        self.timings["initdb"] = time.monotonic() - started

    def _start_postgres(self) -> None:
        # Launched from the main thread: children die with the thread that
        # started them (PDEATHSIG), so no server may be started from a pool thread.
        assert self.postgres is not None
        started = time.monotonic()
        proc = self.postgres.launch()
        self.services["postgres"] = proc
        proc.wait_ready(self.postgres.ready, STORE_READY_SECONDS * self.config.timeout_scale)
        self.postgres.create_database("qmtl")
        self.timings["postgres"] = time.monotonic() - started

    # -- provider API ------------------------------------------------------
    def start(self) -> StackEndpoints:
        started = time.monotonic()
        sweep_orphans()
        self.run_dir = make_run_dir()
        atexit.register(self.stop)
        for service in ("redis", "postgres", "dagmanager", "worldservice", "gateway"):
            self.ports[service] = free_port()
        self.config.logs_dir.mkdir(parents=True, exist_ok=True)
        for service in self.ports:
            self._log(service).unlink(missing_ok=True)
        redis_url = f"redis://127.0.0.1:{self.ports['redis']}/0"
        self.endpoints = StackEndpoints(
            gateway_url=f"http://127.0.0.1:{self.ports['gateway']}",
            worldservice_url=f"http://127.0.0.1:{self.ports['worldservice']}",
            dagmanager_address=f"127.0.0.1:{self.ports['dagmanager']}",
            redis_url=redis_url,
            postgres_dsn=f"postgresql://postgres@127.0.0.1:{self.ports['postgres']}/qmtl",
        )
        try:
            with ThreadPoolExecutor(max_workers=1) as pool:
                initdb_done = pool.submit(self._initdb)
                self._start_redis()
                # The DAG Manager and WorldService need only Redis: they boot while initdb runs.
                for service in ("dagmanager", "worldservice"):
                    self._launch(service)
                initdb_done.result()
            self._start_postgres()
            self._launch("gateway")
            self._wait_services()
        except BaseException:
            self.stop()
            raise
        self.timings["stack"] = time.monotonic() - started
        return self.endpoints

    def _wait_services(self) -> None:
        for service in ("dagmanager", "worldservice", "gateway"):
            self._wait_ready(service)

    def _process_for(self, service: str) -> ManagedProcess:
        assert self.endpoints is not None
        if service == "gateway":
            return self._gateway_process()
        if service == "dagmanager":
            args = ["--grpc-port", str(self.ports["dagmanager"])]
        elif service == "worldservice":
            args = ["--port", str(self.ports["worldservice"])]
        else:
            raise StackError(f"the reference target cannot start {service!r} on its own")
        return self._python_service(
            service, f"qmtl_reference.{service}", ["--host", "127.0.0.1", *args, "--redis-url", self.endpoints.redis_url]
        )

    def _launch(self, service: str) -> None:
        self.services[service] = self._process_for(service)
        self.services[service].launch()

    def _wait_ready(self, service: str) -> None:
        assert self.endpoints is not None
        endpoints = self.endpoints
        probes = {
            "dagmanager": lambda: dagmanager_health(endpoints.dagmanager_address),
            "worldservice": lambda: http_ok(endpoints.worldservice_url + "/worlds"),
            "gateway": lambda: gateway_answers(endpoints.gateway_url),
        }
        within = SERVICE_READY_SECONDS * self.config.timeout_scale
        self.timings[service] = self.services[service].wait_ready(probes[service], within)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        for service in ("gateway", "worldservice", "dagmanager", "postgres", "redis"):
            proc = self.services.get(service)
            if proc is not None:
                proc.stop()
        if self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)

    def restart(self, service: str) -> StackEndpoints:
        """Stop one service and start it again on the same port, waiting until it answers."""
        assert self.endpoints is not None
        current = self.services.get(service)
        if current is not None:
            current.stop()
        self._launch(service)
        self._wait_ready(service)
        return self.endpoints

    def kill(self, service: str) -> None:
        proc = self.services.get(service)
        if proc is None:
            raise StackError(f"the reference target has no service {service!r}")
        proc.kill()

    def running_processes(self) -> dict[str, int]:
        return {name: proc.pid for name, proc in self.services.items() if proc.alive() and proc.pid}

    def log_files(self) -> dict[str, str]:
        return {name: str(proc.log_path) for name, proc in self.services.items()}

    def startup_timings(self) -> dict[str, float]:
        return dict(self.timings)

    def token_signing_keys(self) -> dict[str, bytes]:
        if self.run_dir is None:
            return {}
        return {path.stem: path.read_bytes() for path in sorted((self.run_dir / "gateway-keys").glob("*.pem"))}
