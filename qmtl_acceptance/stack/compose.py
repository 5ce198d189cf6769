"""The compose target: the stack of a compose file, run through the Docker SDK.

By default that is `docker-compose.e2e.yml`: the reference stack built from
the project's Dockerfile, with Redis and Postgres, every service on the
host's network. Each run gets its own containers (and a network of its own
when a service is not on the host's network), labelled with the run's id, and
removes exactly those at the end. A service counts as ready once the engine
reports its healthcheck `healthy` (what `depends_on: condition:
service_healthy` waits for) and it answers over its port. Ports come from the
QMTL_E2E_*_PORT variables of the file; unless they are set, each run picks
free ones.
"""
from __future__ import annotations

import atexit
import io
import os
import secrets
import tarfile
import time
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlparse

from ..config import SuiteConfig
from ..errors import StackError
from ..eventually import eventually
from .base import StackEndpoints, StackProvider
from .compose_file import PORT_VARIABLES, ROLE_PORTS, ComposeFile, Healthcheck, load_compose_file, port_variables
from .probes import dagmanager_health, gateway_answers, http_ok
from .processes import free_port
from .stores import redis_ready

RUN_LABEL = "qmtl-e2e.run"
SERVICE_LABEL = "qmtl-e2e.service"
SERVICE_READY_SECONDS = 60.0
STOP_GRACE_SECONDS = 10
DEFAULT_ENGINE = "unix:///var/run/docker.sock"
SDK_HINT = "the compose target needs the Docker SDK for Python: pip install -e '.[compose]'"


def engine_address() -> str:
    return os.environ.get("DOCKER_HOST") or DEFAULT_ENGINE


def connect() -> Any:
    """A Docker client (configured from DOCKER_HOST and friends) that has answered a ping, or StackError with one line."""
    try:
        import docker
        from docker.errors import DockerException
    except ImportError:
        raise StackError(SDK_HINT) from None
    unreachable = f"the Docker engine is not reachable at {engine_address()}: start Docker or choose another target"
    try:
        client = docker.from_env(timeout=10)
        client.ping()
    except DockerException:
        raise StackError(unreachable) from None
    except Exception as exc:  # the SDK lets raw requests/urllib3 errors through on some failures
        if type(exc).__module__.split(".")[0] in ("requests", "urllib3"):
            raise StackError(unreachable) from None
        raise
    return client


def compose_variables(config: SuiteConfig, environ: dict[str, str], file_ports: list[str] | tuple[str, ...] = ()) -> dict[str, str]:
    """What the compose file's ${...} see: the environment, plus this run's ports and token lifetime.

    Every QMTL_E2E_*_PORT the file names gets a free port unless it is set: on
    the host's network even a service's internal ports are host ports.
    """
    variables = dict(environ)
    for name in dict.fromkeys((*PORT_VARIABLES.values(), *file_ports)):
        variables.setdefault(name, str(free_port()))
    variables["QMTL_E2E_TOKEN_TTL_SECONDS"] = str(config.token_ttl_seconds)
    return variables


def published_host(address: str) -> str:
    """Where published ports are reached: the engine's host for a remote engine, else loopback."""
    parsed = urlparse(address)
    if parsed.scheme in ("tcp", "http", "https", "ssh") and parsed.hostname:
        return parsed.hostname
    return "127.0.0.1"


class ComposeStack(StackProvider):
    restartable = True
    name = "compose"

    def __init__(self, config: SuiteConfig) -> None:
        self.config = config
        self.client: Any = None
        self.compose: ComposeFile | None = None
        self.run_id = ""
        self.network: Any = None
        self.containers: dict[str, Any] = {}
        self.endpoints: StackEndpoints | None = None
        self.timings: dict[str, float] = {}
        self._stopped = False

    # -- start -------------------------------------------------------------
    def start(self) -> StackEndpoints:
        started = time.monotonic()
        self.client = connect()
        try:
            file_ports = port_variables(self.config.compose_file.read_text())
        except OSError:
            file_ports = []  # load_compose_file names the unreadable file
        variables = compose_variables(self.config, dict(os.environ), file_ports)
        self.compose = load_compose_file(self.config.compose_file, variables)
        if "gateway" not in self.compose.services:
            raise StackError(f"{self.config.compose_file} has no service named gateway, which the suite talks to")
        self.run_id = f"qmtl-e2e-{os.getpid()}-{secrets.token_hex(3)}"
        atexit.register(self.stop)
        try:
            self._build_images()
            if self.compose.needs_network():
                self.network = self.client.networks.create(self.run_id, driver="bridge", labels={RUN_LABEL: self.run_id})
            for name in self.compose.start_order():
                self._run(name)
                self._wait_ready(name)
            self.endpoints = self._make_endpoints()
        except BaseException:
            self.stop()
            raise
        self.timings["stack"] = time.monotonic() - started
        return self.endpoints

    def _build_images(self) -> None:
        assert self.compose is not None
        from docker.errors import BuildError

        built: set[tuple[str, Path, str]] = set()
        for service in self.compose.services.values():
            if service.build is None:
                continue
            key = (service.image, service.build.context, service.build.dockerfile)
            if key in built:
                continue
            started = time.monotonic()
            options: dict[str, Any] = {"buildargs": dict(service.build.args)} if service.build.args else {}
            if service.build.network:
                options["network_mode"] = service.build.network
            try:
                self.client.images.build(
                    path=str(service.build.context), dockerfile=service.build.dockerfile, tag=service.image, rm=True, forcerm=True, **options
                )
            except BuildError as exc:
                raise StackError(f"building {service.image} for {service.name} failed: {' '.join(str(exc).split())}") from None
            self.timings[f"build {service.image}"] = time.monotonic() - started
            built.add(key)

    def _run(self, name: str) -> None:
        assert self.compose is not None
        service = self.compose.services[name]
        options: dict[str, Any] = {
            "name": f"{self.run_id}-{name}",
            "detach": True,
            "labels": {RUN_LABEL: self.run_id, SERVICE_LABEL: name},
            "environment": dict(service.environment),
        }
        if service.command is not None:
            options["command"] = list(service.command)
        if service.entrypoint is not None:
            options["entrypoint"] = list(service.entrypoint)
        if service.working_dir:
            options["working_dir"] = service.working_dir
        if service.user:
            options["user"] = service.user
        if service.volumes:
            options["volumes"] = {str(m.source): {"bind": m.target, "mode": m.mode} for m in service.volumes}
        if service.healthcheck is not None:
            options["healthcheck"] = _engine_healthcheck(service.healthcheck)
        if service.host_network:
            options["network_mode"] = "host"
        elif service.network_of:
            # Sharing a namespace is how QMTL's Gateway reaches a DAG Manager it
            # always dials on 127.0.0.1:50051.
            options["network_mode"] = f"container:{self.containers[service.network_of].id}"
        else:
            options["network"] = self.run_id
            options["networking_config"] = {self.run_id: self.client.api.create_endpoint_config(aliases=[name])}
            options["ports"] = {
                f"{p.container_port}/tcp": (p.host_ip, p.host_port) if p.host_ip else p.host_port for p in service.ports
            }
        self.containers[name] = self.client.containers.run(service.image, **options)

    # -- readiness ---------------------------------------------------------
    def _host_port(self, name: str, container_port: int) -> int:
        assert self.compose is not None
        if self.compose.services[self.compose.network_owner(name)].host_network:
            return container_port
        owner = self.containers[self.compose.network_owner(name)]
        owner.reload()
        bindings = (owner.ports or {}).get(f"{container_port}/tcp") or []
        if not bindings:
            raise StackError(f"the compose file publishes no host port for {name}'s port {container_port}")
        return int(bindings[0]["HostPort"])

    def _address(self, role: str) -> str:
        assert self.compose is not None
        mapping = self.compose.role_port(role)
        if mapping is None:
            raise StackError(f"{self.config.compose_file}: service {role} publishes no port (expected its port {ROLE_PORTS[role]})")
        return f"{published_host(engine_address())}:{self._host_port(role, mapping.container_port)}"

    def _probe_for(self, name: str) -> Callable[[], bool] | None:
        if name not in ROLE_PORTS:
            return None
        address = self._address(name)
        return {
            "redis": lambda: redis_ready(f"redis://{address}/0"),
            "postgres": lambda: _postgres_ready(f"postgresql://{self._postgres_user()}@{address}/{self._postgres_database()}"),
            "dagmanager": lambda: dagmanager_health(address),
            "worldservice": lambda: http_ok(f"http://{address}/worlds"),
            "gateway": lambda: gateway_answers(f"http://{address}"),
        }[name]

    def _wait_ready(self, name: str) -> None:
        started = time.monotonic()
        container = self.containers[name]
        probe = self._probe_for(name)

        checked = self.compose is not None and self.compose.services[name].healthcheck is not None

        def ready() -> bool:
            container.reload()
            if container.status in ("exited", "dead"):
                raise StackError(f"{name} exited before it was ready; last log lines:\n{self._log_tail(name)}")
            if checked:
                # The file's own healthcheck, run by the engine: what
                # `depends_on: condition: service_healthy` waits for.
                health = (container.attrs.get("State") or {}).get("Health") or {}
                if health.get("Status") != "healthy":
                    raise AssertionError(f"healthcheck {health.get('Status', 'not reported')}{_last_probe(health)}")
            if probe is None:
                return True
            try:
                if probe():
                    return True
            except StackError:
                raise
            except Exception as exc:  # a booting server fails its probe in many ways
                raise AssertionError(f"{type(exc).__name__}: {exc}") from None
            raise AssertionError("not ready")

        within = self.config.seconds(SERVICE_READY_SECONDS)
        try:
            eventually(ready, within=within, what=f"{name} answers", every=0.2)
        except AssertionError as exc:
            raise StackError(f"{name} was not ready within {within:.0f} s ({exc}); last log lines:\n{self._log_tail(name)}") from None
        self.timings[name] = time.monotonic() - started

    def _postgres_user(self) -> str:
        assert self.compose is not None
        env = self.compose.services["postgres"].environment
        return env.get("POSTGRES_USER") or "postgres"

    def _postgres_database(self) -> str:
        assert self.compose is not None
        env = self.compose.services["postgres"].environment
        return env.get("POSTGRES_DB") or self._postgres_user()

    def _make_endpoints(self) -> StackEndpoints:
        assert self.compose is not None
        roles = self.compose.services
        return StackEndpoints(
            gateway_url=f"http://{self._address('gateway')}",
            worldservice_url=f"http://{self._address('worldservice')}" if "worldservice" in roles else "",
            dagmanager_address=self._address("dagmanager") if "dagmanager" in roles else "",
            redis_url=f"redis://{self._address('redis')}/0" if "redis" in roles else "",
            postgres_dsn=(
                f"postgresql://{self._postgres_user()}@{self._address('postgres')}/{self._postgres_database()}"
                if "postgres" in roles
                else ""
            ),
        )

    # -- logs and keys -----------------------------------------------------
    def _log_tail(self, name: str, lines: int = 15) -> str:
        try:
            return self.containers[name].logs(tail=lines).decode(errors="replace").rstrip() or "(no log)"
        except Exception:
            return "(no log)"

    def log_files(self) -> dict[str, str]:
        """Each container's log so far, written to the run's logs folder."""
        files = {}
        self.config.logs_dir.mkdir(parents=True, exist_ok=True)
        for name, container in self.containers.items():
            path = self.config.logs_dir / f"{name}.log"
            try:
                path.write_bytes(container.logs())
            except Exception:
                continue
            files[name] = str(path)
        return files

    def token_signing_keys(self) -> dict[str, bytes]:
        """The reference Gateway's signing keys, copied out of its container (none for other images)."""
        assert self.compose is not None
        gateway = self.compose.services.get("gateway")
        command = list(gateway.command or ()) if gateway else []
        if "--key-dir" not in command or command.index("--key-dir") + 1 >= len(command):
            return {}
        key_dir = command[command.index("--key-dir") + 1]
        try:
            chunks, _ = self.containers["gateway"].get_archive(key_dir)
            archive = tarfile.open(fileobj=io.BytesIO(b"".join(chunks)))
        except Exception:
            return {}
        keys = {}
        for member in archive.getmembers():
            if member.isfile() and member.name.endswith(".pem"):
                handle = archive.extractfile(member)
                if handle is not None:
                    keys[Path(member.name).stem] = handle.read()
        return keys

    # -- one service at a time ---------------------------------------------
    def _container(self, service: str) -> Any:
        container = self.containers.get(service)
        if container is None:
            raise StackError(f"the compose target has no service {service!r}")
        return container

    def restart(self, service: str) -> StackEndpoints:
        assert self.endpoints is not None
        self._container(service).restart(timeout=STOP_GRACE_SECONDS)
        self._wait_ready(service)
        return self.endpoints

    def kill(self, service: str) -> None:
        self._container(service).kill()

    def stop_service(self, service: str) -> None:
        self._container(service).stop(timeout=STOP_GRACE_SECONDS)

    def start_service(self, service: str) -> StackEndpoints:
        assert self.endpoints is not None
        self._container(service).start()
        # Polled until it both runs and accepts requests, as at the stack's start.
        self._wait_ready(service)
        return self.endpoints

    def pause(self, service: str) -> None:
        self._container(service).pause()

    def resume(self, service: str) -> None:
        container = self._container(service)
        container.reload()
        if container.status == "paused":
            container.unpause()

    def startup_timings(self) -> dict[str, float]:
        return dict(self.timings)

    # -- stop --------------------------------------------------------------
    def stop(self) -> None:
        if self._stopped or self.client is None:
            return
        self._stopped = True
        if self.config.keep_logs and self.containers:
            self.log_files()
        order = self.compose.start_order() if self.compose else list(self.containers)
        for name in reversed(order):
            container = self.containers.get(name)
            if container is None:
                continue
            try:
                container.stop(timeout=STOP_GRACE_SECONDS)
            except Exception:
                pass  # already gone, or the engine went away: remove() below is the real cleanup
            try:
                container.remove(force=True)
            except Exception:
                pass
        if self.network is not None:
            try:
                self.network.remove()
            except Exception:
                pass
        self.client.close()


def _engine_healthcheck(check: Healthcheck) -> dict[str, Any]:
    nanoseconds = 1_000_000_000
    return {
        "test": list(check.test),
        "interval": int(check.interval * nanoseconds),
        "timeout": int(check.timeout * nanoseconds),
        "retries": check.retries,
        "start_period": int(check.start_period * nanoseconds),
    }


def _last_probe(health: dict[str, Any]) -> str:
    log = health.get("Log") or []
    if not log:
        return ""
    last = log[-1]
    output = " ".join(str(last.get("Output") or "").split())[:200]
    return f" (last check exited {last.get('ExitCode')}: {output})" if output else f" (last check exited {last.get('ExitCode')})"


def _postgres_ready(dsn: str) -> bool:
    import psycopg

    with psycopg.connect(dsn, connect_timeout=1) as conn:
        conn.execute("SELECT 1")
    return True
