"""Targets whose services run as local processes beside a real Redis and a real Postgres.

The reference and qmtl targets differ only in how each service is launched.
Everything else lives here once: the run directory, the stores, the start
order, the readiness probes, restarts and teardown. A subclass says how to
launch a service (`_process_for`) and may check the machine first
(`_preflight`), choose ports (`_allocate_ports`) or write files the services
read (`_prepare`).
"""
from __future__ import annotations

import abc
import atexit
import os
import shutil
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..config import SuiteConfig
from ..errors import StackError
from .base import StackEndpoints, StackProvider
from .probes import dagmanager_health, gateway_answers, http_ok
from .processes import ManagedProcess, describe_answer, exit_status, free_port, tail
from .stores import PostgresCluster, postgres_answers, redis_process, redis_ready
from .workdirs import make_run_dir, sweep_orphans

STORE_READY_SECONDS = 30.0
SERVICE_READY_SECONDS = 30.0
SERVICES = ("dagmanager", "worldservice", "gateway")
STORES = ("redis", "postgres")
DATABASE = "qmtl"


class LocalProcessStack(StackProvider):
    restartable = True
    independent_copies = True
    # Subclasses needing longer boots (heavier imports) raise this.
    service_ready_seconds = SERVICE_READY_SECONDS

    def __init__(self, config: SuiteConfig) -> None:
        self.config = config
        self.run_dir: Path | None = None
        self.ports: dict[str, int] = {}
        self.services: dict[str, ManagedProcess] = {}
        self.postgres: PostgresCluster | None = None
        self.endpoints: StackEndpoints | None = None
        self.timings: dict[str, float] = {}
        # Ports a person asked for (the stack command's --gateway-port); the rest are free ones.
        self.fixed_ports: dict[str, int] = {}
        self._stopped = False

    # -- what a subclass decides -------------------------------------------
    @abc.abstractmethod
    def _process_for(self, service: str) -> ManagedProcess:
        """The (not yet launched) process for one of SERVICES."""

    def _preflight(self) -> None:
        """Checks that must pass before anything is started or written."""

    def _allocate_ports(self) -> dict[str, int]:
        return {service: free_port() for service in (*STORES, *SERVICES)}

    def _prepare(self) -> None:
        """Runs once the run directory, ports and endpoints exist, before any service starts."""

    # -- shared machinery --------------------------------------------------
    def _log(self, service: str) -> Path:
        return self.config.logs_dir / f"{service}.log"

    def _make_endpoints(self) -> StackEndpoints:
        return StackEndpoints(
            gateway_url=f"http://127.0.0.1:{self.ports['gateway']}",
            worldservice_url=f"http://127.0.0.1:{self.ports['worldservice']}",
            dagmanager_address=f"127.0.0.1:{self.ports['dagmanager']}",
            redis_url=f"redis://127.0.0.1:{self.ports['redis']}/0",
            postgres_dsn=f"postgresql://postgres@127.0.0.1:{self.ports['postgres']}/{DATABASE}",
            dagmanager_status_url=f"http://127.0.0.1:{self.ports['dagmanager_http']}" if "dagmanager_http" in self.ports else "",
        )

    def _start_redis(self) -> None:
        assert self.run_dir is not None and self.endpoints is not None
        proc = redis_process(self.ports["redis"], self.run_dir, self._log("redis"))
        self.services["redis"] = proc
        proc.launch()
        url = self.endpoints.redis_url
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
        self.postgres.create_database(DATABASE)
        self.timings["postgres"] = time.monotonic() - started

    def start(self) -> StackEndpoints:
        started = time.monotonic()
        self._preflight()
        sweep_orphans()
        self.run_dir = make_run_dir()
        atexit.register(self.stop)
        self.ports = {**self._allocate_ports(), **self.fixed_ports}
        self.config.logs_dir.mkdir(parents=True, exist_ok=True)
        for service in (*STORES, *SERVICES):
            self._log(service).unlink(missing_ok=True)
        self.endpoints = self._make_endpoints()
        try:
            self._prepare()
            with ThreadPoolExecutor(max_workers=1) as pool:
                initdb_done = pool.submit(self._initdb)
                self._start_redis()
                # The DAG Manager and WorldService need only Redis: they boot while initdb runs.
                for service in ("dagmanager", "worldservice"):
                    self._launch(service)
                initdb_done.result()
            self._start_postgres()
            self._launch("gateway")
            self._wait_ready(*SERVICES)
        except BaseException:
            self.stop()
            raise
        self.timings["stack"] = time.monotonic() - started
        return self.endpoints

    def _launch(self, service: str) -> None:
        self.services[service] = self._process_for(service)
        self.services[service].launch()

    def _wait_ready(self, *services: str) -> None:
        """Probe every service in turn until all answer ready; else one paragraph with each one's last answer."""
        assert self.endpoints is not None
        endpoints = self.endpoints
        probes = {
            "dagmanager": lambda: dagmanager_health(endpoints.dagmanager_address),
            # WorldService has no /health; listing worlds is its cheapest answer.
            "worldservice": lambda: http_ok(endpoints.worldservice_url + "/worlds"),
            "gateway": lambda: gateway_answers(endpoints.gateway_url),
        }
        within = self.service_ready_seconds * self.config.timeout_scale
        started = time.monotonic()
        answers = {service: "no answer yet" for service in services}
        while True:
            for service in [s for s in services if s in answers]:
                proc = self.services[service]
                if not proc.alive():
                    code = proc.process.returncode if proc.process else None
                    raise StackError(self._not_ready(services, answers, within, exited=(service, exit_status(code))))
                try:
                    if probes[service]():
                        del answers[service]
                        self.timings[service] = time.monotonic() - started
                except Exception as exc:  # readiness probes fail in many ways while a server boots
                    answers[service] = describe_answer(exc)
            if not answers:
                return
            if time.monotonic() - started >= within:
                raise StackError(self._not_ready(services, answers, within))
            time.sleep(0.05)

    def _not_ready(self, services, answers: dict[str, str], within: float, exited: tuple[str, str] | None = None) -> str:
        if exited:
            name, status = exited
            head = f"the {self.name} stack did not start: {name} exited ({status}) before it was ready"
            culprits = [name]
        else:
            head = f"the {self.name} stack did not become ready within {within:.0f} s"
            culprits = [s for s in services if s in answers]
        states = "; ".join(
            f"{s}: {'ready' if s not in answers else 'last answer ' + answers[s]}" for s in services
        )
        logs = []
        for name in culprits:
            lines = tail(self.services[name].log_path, 8).splitlines() or ["(empty)"]
            logs.append(f"{name}'s log {self.services[name].log_path} ends:\n" + "\n".join(f"    {line}" for line in lines))
        return f"{head} ({states}).\n" + "\n".join(logs)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        # Services first, then whatever a subclass started beside them (a broker), the stores last.
        extras = [name for name in self.services if name not in (*SERVICES, *STORES)]
        for service in (*reversed(SERVICES), *extras, *reversed(STORES)):
            proc = self.services.get(service)
            if proc is not None:
                self.resume(service)  # a paused process would sit out its stop signal's whole grace
                proc.stop()
        if self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)

    def restart(self, service: str) -> StackEndpoints:
        """Stop one service or store and start it again on the same port, waiting until it answers."""
        if self.services.get(service) is not None:
            self.stop_service(service)
        return self.start_service(service)

    def stop_service(self, service: str) -> None:
        proc = self.services.get(service)
        if proc is None:
            raise StackError(f"the {self.name} target has no service {service!r}")
        self.resume(service)  # a paused process would sit out its stop signal's whole grace
        proc.stop()

    def start_service(self, service: str) -> StackEndpoints:
        """Start a stopped service or store on its port (a store on its data), polling until it answers."""
        assert self.endpoints is not None
        if service not in (*STORES, *SERVICES):
            raise StackError(f"the {self.name} target has no service {service!r}")
        current = self.services.get(service)
        if current is not None and current.alive():
            return self.endpoints
        if service == "redis":
            self._start_redis()  # the append-only file in the run directory brings its data back
        elif service == "postgres":
            assert self.postgres is not None
            proc = self.postgres.launch()
            self.services["postgres"] = proc
            proc.wait_ready(self.postgres.ready, STORE_READY_SECONDS * self.config.timeout_scale)
        else:
            self._launch(service)
            self._wait_ready(service)
        return self.endpoints

    def kill(self, service: str) -> None:
        proc = self.services.get(service)
        if proc is None:
            raise StackError(f"the {self.name} target has no service {service!r}")
        proc.kill()

    def pause(self, service: str) -> None:
        self._signal(service, signal.SIGSTOP)

    def resume(self, service: str) -> None:
        self._signal(service, signal.SIGCONT)

    def _signal(self, service: str, signum: int) -> None:
        proc = self.services.get(service)
        if proc is None:
            raise StackError(f"the {self.name} target has no service {service!r}")
        # The service runs under its own pid (the start helper exec's it in place).
        if proc.alive() and proc.pid:
            os.kill(proc.pid, signum)

    def liveness_checks(self) -> list:
        """What the run watches: each process still running (unless stopped on purpose), each store answering."""
        from ..run.watchdog import Check

        def process_check(service: str):
            def probe() -> str | None:
                proc = self.services.get(service)
                problem = proc.exit_problem() if proc is not None else None
                if proc is None or problem is None:
                    return None
                lines = tail(proc.log_path, 8).splitlines() or ["(empty)"]
                return f"the {service} process exited ({problem}).\nIts log {proc.log_path} ends:\n" + "\n".join(
                    f"    {line}" for line in lines
                )

            return Check(service, probe, every=0.25)

        def store_check(service: str, answers):
            def probe() -> str | None:
                proc = self.services.get(service)
                if proc is not None and proc.exit_expected and not proc.alive():
                    return None  # stopped on purpose: a scenario takes it down and brings it back
                try:
                    answers()
                except Exception as exc:
                    return f"{service} does not answer: {describe_answer(exc)}"
                return None

            return Check(service, probe, every=1.0, strikes=3)

        assert self.endpoints is not None
        endpoints = self.endpoints
        checks = [process_check(service) for service in self.services]
        checks.append(store_check("redis", lambda: redis_ready(endpoints.redis_url)))
        checks.append(store_check("postgres", lambda: postgres_answers(endpoints.postgres_dsn)))
        return checks

    def running_processes(self) -> dict[str, int]:
        return {name: proc.pid for name, proc in self.services.items() if proc.alive() and proc.pid}

    def log_files(self) -> dict[str, str]:
        return {name: str(proc.log_path) for name, proc in self.services.items()}

    def startup_timings(self) -> dict[str, float]:
        return dict(self.timings)
