"""Reading a compose file: the part of the Compose format the compose target acts on.

The compose target drives Docker through its SDK, which knows nothing of
Compose, so the file is read here: per service `image`, `build` (`context`,
`dockerfile`, `args`, `network`), `command`, `entrypoint`, `environment`,
`ports`, `expose`, `depends_on` (a list, or a mapping with `condition`),
`network_mode` (`host` or `service:<name>`), `healthcheck`, `profiles`,
bind-mount `volumes`, `working_dir` and `user`, with `${NAME}` /
`${NAME:-default}` interpolation as Compose does it. Other keys (restart,
labels, …) are accepted and ignored, so the same file also works with
`docker compose`.
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..errors import StackError

# The container port each QMTL role listens on; the provider reads the host
# port published for it.
ROLE_PORTS = {"gateway": 8000, "worldservice": 8080, "dagmanager": 50051, "redis": 6379, "postgres": 5432}
# Host ports the shipped compose file publishes on, overridable per run.
PORT_VARIABLES = {
    "gateway": "QMTL_E2E_GATEWAY_PORT",
    "worldservice": "QMTL_E2E_WORLDSERVICE_PORT",
    "dagmanager": "QMTL_E2E_DAGMANAGER_PORT",
    "redis": "QMTL_E2E_REDIS_PORT",
    "postgres": "QMTL_E2E_POSTGRES_PORT",
}

_VARIABLE = re.compile(r"\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


class ComposeFileError(StackError):
    pass


@dataclass(frozen=True)
class PortMapping:
    container_port: int
    host_port: int | None = None  # None: Docker picks one
    host_ip: str = ""


@dataclass(frozen=True)
class Build:
    context: Path
    dockerfile: str = "Dockerfile"
    args: Mapping[str, str] = field(default_factory=dict)
    network: str = ""


@dataclass(frozen=True)
class Healthcheck:
    """Compose's healthcheck, durations in seconds; the engine runs `test` inside the container."""

    test: tuple[str, ...]
    interval: float = 30.0
    timeout: float = 30.0
    retries: int = 3
    start_period: float = 0.0


@dataclass(frozen=True)
class BindMount:
    source: Path
    target: str
    mode: str = "rw"


@dataclass(frozen=True)
class ComposeService:
    name: str
    image: str
    build: Build | None = None
    command: tuple[str, ...] | None = None
    entrypoint: tuple[str, ...] | None = None
    environment: Mapping[str, str] = field(default_factory=dict)
    ports: tuple[PortMapping, ...] = ()
    depends_on: tuple[str, ...] = ()
    # Another service whose network namespace this one joins ("service:<name>").
    network_of: str = ""
    # network_mode: host: no network of the run's own; `ports` and `expose`
    # then say which host ports the service listens on itself.
    host_network: bool = False
    healthcheck: Healthcheck | None = None
    profiles: tuple[str, ...] = ()
    volumes: tuple[BindMount, ...] = ()
    working_dir: str = ""
    user: str = ""


@dataclass(frozen=True)
class ComposeFile:
    path: Path
    services: Mapping[str, ComposeService]

    def start_order(self) -> list[str]:
        """Services so that each comes after what it depends on."""
        order: list[str] = []
        visiting: set[str] = set()

        def visit(name: str, trail: tuple[str, ...]) -> None:
            if name in order:
                return
            if name in visiting:
                raise ComposeFileError(f"{self.path}: services depend on each other in a cycle: {' -> '.join((*trail, name))}")
            visiting.add(name)
            service = self.services[name]
            for needed in (*service.depends_on, *((service.network_of,) if service.network_of else ())):
                visit(needed, (*trail, name))
            visiting.discard(name)
            order.append(name)

        for name in self.services:
            visit(name, ())
        return order

    def network_owner(self, name: str) -> str:
        """The service whose network namespace `name` lives in (itself, unless it joined another)."""
        seen = set()
        while self.services[name].network_of and name not in seen:
            seen.add(name)
            name = self.services[name].network_of
        return name

    def published(self, name: str, container_port: int) -> PortMapping | None:
        """The mapping that publishes `container_port` of `name` (or of the service whose network it shares)."""
        owner = self.services[self.network_owner(name)]
        for mapping in owner.ports:
            if mapping.container_port == container_port:
                return mapping
        return None

    def role_port(self, role: str) -> PortMapping | None:
        """Where a QMTL role is published: its usual container port, or the one port its service publishes."""
        found = self.published(role, ROLE_PORTS[role])
        if found is None and not self.services[role].network_of and len(self.services[role].ports) == 1:
            found = self.services[role].ports[0]
        return found

    def needs_network(self) -> bool:
        """Whether any service runs on a network of the run's own (not the host's, not another service's)."""
        return any(not s.host_network and not s.network_of for s in self.services.values())


def interpolate(text: str, variables: Mapping[str, str], where: str = "") -> str:
    """Compose's variable syntax: $NAME, ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, $$."""

    def replace(match: re.Match) -> str:
        if match.group(1):
            return "$"
        name = match.group(2) or match.group(5)
        operator, argument = match.group(3), match.group(4) or ""
        value = variables.get(name)
        if operator in (":-", ":?") and not value:
            value = None
        if value is not None:
            return value
        if operator in ("-", ":-"):
            return interpolate(argument, variables, where)
        if operator in ("?", ":?"):
            raise ComposeFileError(f"{where}: variable {name} is required: {argument or 'not set'}")
        return ""

    return _VARIABLE.sub(replace, text)


def _interpolated(value: Any, variables: Mapping[str, str], where: str) -> Any:
    if isinstance(value, str):
        return interpolate(value, variables, where)
    if isinstance(value, list):
        return [_interpolated(item, variables, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, dict):
        return {key: _interpolated(item, variables, f"{where}.{key}") for key, item in value.items()}
    return value


def _words(value: Any, where: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return tuple(shlex.split(value))
    if isinstance(value, list):
        return tuple(str(item) for item in value)
    raise ComposeFileError(f"{where} must be a string or a list")


def _port(value: Any, where: str) -> PortMapping:
    try:
        if isinstance(value, int):
            return PortMapping(value)
        if isinstance(value, dict):
            published = value.get("published")
            return PortMapping(int(value["target"]), int(published) if published is not None and published != "" else None, str(value.get("host_ip", "")))
        text = str(value).split("/", 1)[0]
        parts = text.rsplit(":", 2)
        if len(parts) == 1:
            return PortMapping(int(parts[0]))
        if len(parts) == 2:
            return PortMapping(int(parts[1]), int(parts[0]) if parts[0] else None)
        return PortMapping(int(parts[2]), int(parts[1]) if parts[1] else None, parts[0])
    except (KeyError, ValueError):
        raise ComposeFileError(f"{where}: {value!r} is not a port mapping such as \"127.0.0.1:8000:8000\"") from None


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(us|ms|s|m|h)")
_DURATION_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def _duration(value: Any, where: str) -> float:
    """Compose durations: 1s, 500ms, 1m30s (or a plain number of seconds)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    parts = _DURATION_PART.findall(text)
    if not text or "".join(n + u for n, u in parts) != text:
        raise ComposeFileError(f"{where}: {value!r} is not a duration such as 1s, 500ms or 1m30s")
    return sum(float(n) * _DURATION_UNITS[u] for n, u in parts)


def _healthcheck(value: Any, where: str) -> Healthcheck | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ComposeFileError(f"{where} must be a mapping")
    if value.get("disable"):
        return None
    test = value.get("test")
    if isinstance(test, str):
        words: tuple[str, ...] = ("CMD-SHELL", test)
    elif isinstance(test, list) and test and str(test[0]) in ("CMD", "CMD-SHELL", "NONE"):
        words = tuple(str(item) for item in test)
    else:
        raise ComposeFileError(f"{where}.test must be a string or a list starting with CMD, CMD-SHELL or NONE")
    if words[0] == "NONE":
        return None
    try:
        retries = int(value.get("retries", 3))
    except (TypeError, ValueError):
        raise ComposeFileError(f"{where}.retries must be a whole number") from None
    return Healthcheck(
        test=words,
        interval=_duration(value.get("interval", "30s"), f"{where}.interval"),
        timeout=_duration(value.get("timeout", "30s"), f"{where}.timeout"),
        retries=retries,
        start_period=_duration(value.get("start_period", "0s"), f"{where}.start_period"),
    )


def _expose(value: Any, where: str) -> PortMapping:
    try:
        return PortMapping(int(str(value).split("/", 1)[0]))
    except ValueError:
        raise ComposeFileError(f"{where}: {value!r} is not a port number") from None


def _environment(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k): "" if v is None else str(v) for k, v in value.items()}
    if isinstance(value, list):
        env = {}
        for item in value:
            key, _, val = str(item).partition("=")
            env[key] = val
        return env
    raise ComposeFileError(f"{where} must be a mapping or a list of NAME=value")


def _volume(value: Any, base: Path, where: str) -> BindMount:
    if isinstance(value, dict):
        if value.get("type", "bind") != "bind":
            raise ComposeFileError(f"{where}: only bind mounts are supported by the compose target")
        source, target, mode = str(value.get("source", "")), str(value.get("target", "")), "ro" if value.get("read_only") else "rw"
    else:
        parts = str(value).split(":")
        if len(parts) not in (2, 3):
            raise ComposeFileError(f"{where}: {value!r} is not a bind mount such as ./qmtl.yml:/app/qmtl.yml:ro")
        source, target, mode = parts[0], parts[1], parts[2] if len(parts) == 3 else "rw"
    if not source.startswith((".", "/", "~")):
        raise ComposeFileError(f"{where}: named volume {source!r} is not supported by the compose target; use a bind mount")
    return BindMount((base / Path(source).expanduser()).resolve(), target, mode)


def _service(name: str, raw: Any, base: Path, where: str) -> ComposeService:
    if not isinstance(raw, dict):
        raise ComposeFileError(f"{where} must be a mapping")
    build = None
    if "build" in raw:
        spec = raw["build"]
        if isinstance(spec, str):
            build = Build((base / spec).resolve())
        elif isinstance(spec, dict):
            build = Build(
                (base / str(spec.get("context", "."))).resolve(),
                str(spec.get("dockerfile", "Dockerfile")),
                _environment(spec.get("args"), f"{where}.build.args"),
                str(spec.get("network") or ""),
            )
        else:
            raise ComposeFileError(f"{where}.build must be a path or a mapping")
    image = str(raw.get("image") or "")
    if not image:
        if build is None:
            raise ComposeFileError(f"{where} needs an image or a build")
        image = f"qmtl-e2e-{name}:local"
    network_mode = str(raw.get("network_mode") or "")
    network_of = ""
    host_network = network_mode == "host"
    if network_mode and not host_network:
        if not network_mode.startswith("service:"):
            raise ComposeFileError(f"{where}.network_mode {network_mode!r} is not supported; only host or service:<name>")
        network_of = network_mode.split(":", 1)[1]
    depends = raw.get("depends_on") or ()
    if isinstance(depends, dict):
        depends = list(depends)
    ports = tuple(_port(p, f"{where}.ports[{i}]") for i, p in enumerate(raw.get("ports") or ()))
    if host_network:
        # On the host's network a service listens where it says; nothing is published.
        ports = tuple(PortMapping(p.container_port) for p in ports)
        ports += tuple(_expose(p, f"{where}.expose[{i}]") for i, p in enumerate(raw.get("expose") or ()))
    profiles = raw.get("profiles") or ()
    if not isinstance(profiles, (list, tuple)):
        raise ComposeFileError(f"{where}.profiles must be a list of names")
    return ComposeService(
        name=name,
        image=image,
        build=build,
        command=_words(raw.get("command"), f"{where}.command"),
        entrypoint=_words(raw.get("entrypoint"), f"{where}.entrypoint"),
        environment=_environment(raw.get("environment"), f"{where}.environment"),
        ports=ports,
        depends_on=tuple(str(d) for d in depends),
        network_of=network_of,
        host_network=host_network,
        healthcheck=_healthcheck(raw.get("healthcheck"), f"{where}.healthcheck"),
        profiles=tuple(str(p) for p in profiles),
        volumes=tuple(_volume(v, base, f"{where}.volumes[{i}]") for i, v in enumerate(raw.get("volumes") or ())),
        working_dir=str(raw.get("working_dir") or ""),
        user=str(raw.get("user") or ""),
    )


def active_profiles(variables: Mapping[str, str]) -> set[str]:
    """The profiles switched on, as Compose reads them: COMPOSE_PROFILES, comma-separated."""
    return {p.strip() for p in variables.get("COMPOSE_PROFILES", "").split(",") if p.strip()}


def port_variables(text: str) -> list[str]:
    """The QMTL_E2E_*_PORT variables a compose file refers to, in order of first use."""
    return list(dict.fromkeys(re.findall(r"\$\{?(QMTL_E2E_[A-Z0-9_]*PORT)\b", text)))


def parse_compose(text: str, path: Path, variables: Mapping[str, str]) -> ComposeFile:
    try:
        import yaml
    except ImportError:
        raise ComposeFileError("reading the compose file needs PyYAML: pip install -e '.[compose]'") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1})" if mark is not None else ""
        raise ComposeFileError(f"{path} is not valid YAML{at}: {getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("services"), dict) or not data["services"]:
        raise ComposeFileError(f"{path} has no services")
    switched_on = active_profiles(variables)
    raw_services = {}
    for name, raw in data["services"].items():
        profiles = raw.get("profiles") if isinstance(raw, dict) else None
        if profiles is not None and not isinstance(profiles, list):
            raise ComposeFileError(f"{path.name}: services.{name}.profiles must be a list of names")
        # Like Compose: a service with profiles runs only when one of them is switched on.
        if not profiles or switched_on & {str(p) for p in profiles}:
            raw_services[name] = raw
    raw_services = _interpolated(raw_services, variables, "services")
    services = {str(n): _service(str(n), raw, path.parent, f"{path.name}: services.{n}") for n, raw in raw_services.items()}
    for service in services.values():
        for needed in (*service.depends_on, *((service.network_of,) if service.network_of else ())):
            if needed not in services:
                raise ComposeFileError(f"{path.name}: service {service.name} needs {needed!r}, which the file does not define")
    compose = ComposeFile(path, services)
    compose.start_order()  # a cycle is a file error, found before anything starts
    return compose


def load_compose_file(path: Path, variables: Mapping[str, str]) -> ComposeFile:
    try:
        text = path.read_text()
    except OSError as exc:
        raise ComposeFileError(f"the compose file {path} cannot be read ({exc.strerror}): set compose_file to an existing file") from None
    return parse_compose(text, path, variables)
