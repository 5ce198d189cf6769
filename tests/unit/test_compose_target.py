"""The compose target without a Docker engine: the shipped compose file, its rules, refusals, and orchestration against a stand-in engine."""
from __future__ import annotations

import io
import re
import sys
import tarfile
import time

import pytest
import yaml

from qmtl_acceptance.errors import StackError
from qmtl_acceptance.stack import compose as compose_module
from qmtl_acceptance.stack.compose import ComposeStack, connect
from qmtl_acceptance.stack.compose_file import (
    PORT_VARIABLES,
    ROLE_PORTS,
    ComposeFileError,
    interpolate,
    load_compose_file,
    parse_compose,
)
from qmtl_acceptance.stack.processes import free_port
from tests.support import PROJECT_ROOT as ROOT
from tests.support.assertions import assert_one_line as _assert_one_line
from tests.support.assertions import config_in as _config

COMPOSE_FILE = ROOT / "docker-compose.e2e.yml"
FIVE_SERVICES = {"redis", "postgres", "dagmanager", "worldservice", "gateway"}


def test_the_compose_file_is_valid_yaml_naming_the_five_services():
    data = yaml.safe_load(COMPOSE_FILE.read_text())
    assert set(data["services"]) == FIVE_SERVICES


def test_the_compose_target_reads_each_roles_port_from_the_file():
    ports = {name: str(20000 + i) for i, name in enumerate(PORT_VARIABLES.values())}
    compose = load_compose_file(COMPOSE_FILE, ports)
    for role, variable in PORT_VARIABLES.items():
        service = compose.services[role]
        assert service.host_network, f"{role} should run on the host's network (engines without a bridge network)"
        mapping = compose.role_port(role)
        assert mapping is not None, f"{role} names no port"
        assert mapping.container_port == int(ports[variable]), f"{role}: {mapping}"
        assert any(ports[variable] in word for word in service.command or service.healthcheck.test), f"{role} does not listen on its port"
    for role in ("dagmanager", "worldservice", "gateway"):
        assert "--host=127.0.0.1" in compose.services[role].command, f"{role} listens beyond loopback"
    assert "127.0.0.1" in compose.services["redis"].command and "listen_addresses=127.0.0.1" in compose.services["postgres"].command
    defaults = load_compose_file(COMPOSE_FILE, {})
    assert {role: defaults.role_port(role).container_port for role in ROLE_PORTS} == ROLE_PORTS
    assert not defaults.needs_network()


def test_each_compose_service_has_a_healthcheck_and_waits_for_the_healthy_ones_it_needs():
    compose = load_compose_file(COMPOSE_FILE, {"QMTL_E2E_GATEWAY_PORT": "20001", "QMTL_E2E_REDIS_PORT": "20002"})
    for name, service in compose.services.items():
        check = service.healthcheck
        assert check is not None and check.test[0] == "CMD", f"{name} has no healthcheck"
        assert 0 < check.interval <= 2 and check.retries * check.interval >= 30, f"{name}: {check}"
    assert "20001" in compose.services["gateway"].healthcheck.test[-1]
    assert "20002" in compose.services["redis"].healthcheck.test
    raw = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    assert raw["gateway"]["depends_on"] == {n: {"condition": "service_healthy"} for n in ("redis", "postgres", "dagmanager", "worldservice")}
    assert raw["dagmanager"]["depends_on"] == {"redis": {"condition": "service_healthy"}}


def test_the_compose_file_builds_the_reference_image_on_a_chosen_base_with_the_hosts_network():
    spec = load_compose_file(COMPOSE_FILE, {"QMTL_E2E_BASE_IMAGE": "local-debian:1"}).services["gateway"]
    assert spec.build.args == {"BASE_IMAGE": "local-debian:1"} and spec.build.network == "host"
    assert load_compose_file(COMPOSE_FILE, {}).services["gateway"].build.args == {"BASE_IMAGE": "python:3.11-slim"}
    stores = load_compose_file(COMPOSE_FILE, {"QMTL_E2E_REDIS_IMAGE": "r:1", "QMTL_E2E_POSTGRES_IMAGE": "p:1"}).services
    assert (stores["redis"].image, stores["postgres"].image) == ("r:1", "p:1")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1s", 1.0), ("500ms", 0.5), ("1m30s", 90.0), ("2h", 7200.0), ("1.5s", 1.5), (3, 3.0),
    ],
)
def test_compose_healthcheck_durations_read_as_compose_writes_them(text, expected, tmp_path):
    compose = parse_compose(
        yaml.safe_dump({"services": {"a": {"image": "x", "healthcheck": {"test": ["CMD", "true"], "interval": text}}}}),
        tmp_path / "c.yml",
        {},
    )
    assert compose.services["a"].healthcheck.interval == expected


def test_compose_healthcheck_forms_and_profiles(tmp_path):
    text = """
services:
  shell: {image: x, healthcheck: {test: "pg_isready || exit 1", retries: 5}}
  disabled: {image: x, healthcheck: {test: [CMD, "true"], disable: true}}
  none: {image: x, healthcheck: {test: [NONE]}}
  always: {image: x}
  extra: {image: x, profiles: [debug]}
"""
    compose = parse_compose(text, tmp_path / "c.yml", {})
    assert compose.services["shell"].healthcheck.test == ("CMD-SHELL", "pg_isready || exit 1")
    assert compose.services["shell"].healthcheck.retries == 5 and compose.services["shell"].healthcheck.interval == 30.0
    assert compose.services["disabled"].healthcheck is None and compose.services["none"].healthcheck is None
    assert set(compose.services) == {"shell", "disabled", "none", "always"}, "a service with profiles runs only when one is on"
    assert "extra" in parse_compose(text, tmp_path / "c.yml", {"COMPOSE_PROFILES": "other, debug"}).services
    assert "extra" not in parse_compose(text, tmp_path / "c.yml", {"COMPOSE_PROFILES": "debugger"}).services


def test_the_port_variables_of_a_compose_file_all_get_free_ports(tmp_path):
    from qmtl_acceptance.stack.compose import compose_variables
    from qmtl_acceptance.stack.compose_file import port_variables

    names = port_variables("a: ${QMTL_E2E_KAFKA_PORT:-1} $QMTL_E2E_EXTRA_PORT ${QMTL_E2E_KAFKA_PORT} ${QMTL_E2E_TOKEN_TTL_SECONDS}")
    assert names == ["QMTL_E2E_KAFKA_PORT", "QMTL_E2E_EXTRA_PORT"]
    chosen = compose_variables(_config(tmp_path, target="compose"), {"QMTL_E2E_EXTRA_PORT": "7000"}, names)
    assert chosen["QMTL_E2E_EXTRA_PORT"] == "7000"
    assert 1024 <= int(chosen["QMTL_E2E_KAFKA_PORT"]) < 65536


def test_the_compose_file_starts_each_service_after_what_it_needs():
    order = load_compose_file(COMPOSE_FILE, {}).start_order()
    assert order.index("redis") < order.index("dagmanager") < order.index("gateway")
    assert order.index("postgres") < order.index("gateway") and order.index("worldservice") < order.index("gateway")


def test_the_dockerfile_copies_what_exists_and_the_image_context_admits_it():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "ARG BASE_IMAGE=python:3.11-slim\nFROM ${BASE_IMAGE}" in dockerfile
    copied = [word for line in dockerfile.splitlines() if line.startswith("COPY") for word in line.split()[1:-1]]
    assert copied, "the Dockerfile copies nothing"
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    for source in copied:
        assert (ROOT / source).exists(), f"the Dockerfile copies {source}, which does not exist"
        assert f"!{source}" in ignore or f"!{source}/" in ignore, f".dockerignore keeps {source} out of the build context"


def test_compose_interpolation_follows_compose_rules():
    variables = {"SET": "x", "EMPTY": ""}
    assert interpolate("${SET}-${UNSET:-d}-${EMPTY:-e}-${EMPTY-f}-$$SET-$SET", variables) == "x-d-e--$SET-x"
    with pytest.raises(ComposeFileError, match="variable TOKEN is required: give one"):
        interpolate("${TOKEN:?give one}", variables, "services.gateway")


@pytest.mark.parametrize(
    "text, message",
    [
        ("services: [unclosed", "is not valid YAML (line 1)"),
        ("version: '3'\n", "has no services"),
        ("services:\n  a:\n    image: x\n    depends_on: [b]\n", "service a needs 'b', which the file does not define"),
        ("services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n", "in a cycle"),
        ("services:\n  a:\n    image: x\n    ports: ['web']\n", "is not a port mapping"),
        ("services:\n  a:\n    image: x\n    volumes: ['data:/var/lib']\n", "named volume 'data' is not supported"),
        ("services:\n  a:\n    command: run\n", "needs an image or a build"),
        ("services:\n  a:\n    image: x\n    network_mode: bridge\n", "only host or service:<name>"),
        ("services:\n  a:\n    image: x\n    healthcheck: {test: [true]}\n", "healthcheck.test must be a string or a list starting with CMD"),
        ("services:\n  a:\n    image: x\n    healthcheck: {test: [CMD, x], interval: soon}\n", "'soon' is not a duration"),
        ("services:\n  a:\n    image: x\n    healthcheck: {test: [CMD, x], interval: 1sec}\n", "'1sec' is not a duration"),
        ("services:\n  a:\n    image: x\n    healthcheck: {test: [CMD, x], retries: many}\n", "retries must be a whole number"),
        ("services:\n  a:\n    image: x\n    profiles: debug\n", "profiles must be a list of names"),
        ("services:\n  a:\n    image: x\n    network_mode: host\n    expose: [web]\n", "'web' is not a port number"),
    ],
)
def test_a_broken_compose_file_is_named_in_one_line(text, message, tmp_path):
    with pytest.raises(ComposeFileError) as caught:
        parse_compose(text, tmp_path / "docker-compose.e2e.yml", {})
    assert message in str(caught.value)
    _assert_one_line(str(caught.value))


@pytest.mark.parametrize("address", ["unix:///nonexistent/docker.sock", "tcp://127.0.0.1:{port}"])
def test_a_missing_docker_engine_is_one_line_and_fast(address, tmp_path, monkeypatch):
    address = address.format(port=free_port())
    monkeypatch.setenv("DOCKER_HOST", address)
    stack = ComposeStack(_config(tmp_path, target="compose"))
    started = time.monotonic()
    with pytest.raises(StackError) as caught:
        stack.start()
    assert str(caught.value) == f"the Docker engine is not reachable at {address}: start Docker or choose another target"
    assert time.monotonic() - started < 5
    stack.stop()


def test_a_missing_docker_sdk_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "docker", None)
    with pytest.raises(StackError, match=re.escape("pip install -e '.[compose]'")):
        connect()


class _FakeContainer:
    def __init__(self, engine, image, options):
        self.engine, self.image, self.options = engine, image, options
        self.id = f"c{len(engine.runs)}"
        self.status = "running"
        self.removed = False
        health = "unhealthy" if options["labels"]["qmtl-e2e.service"] in engine.unhealthy else "healthy"
        self.attrs = {"State": {"Health": {"Status": health, "Log": [{"ExitCode": 1, "Output": "refused"}]}}} if options.get("healthcheck") else {"State": {}}
        self.ports = {}
        for key, binding in (options.get("ports") or {}).items():
            host_port = binding[1] if isinstance(binding, tuple) else binding
            self.ports[key] = [{"HostIp": "127.0.0.1", "HostPort": str(host_port or 49000 + len(engine.runs))}]

    def reload(self):
        pass

    def logs(self, tail=None):
        return f"log of {self.options['name']}\n".encode()

    def stop(self, timeout=None):
        self.status = "exited"

    def remove(self, force=False):
        self.removed = True

    def restart(self, timeout=None):
        self.engine.restarts.append(self.options["labels"]["qmtl-e2e.service"])

    def kill(self):
        self.status = "exited"

    def get_archive(self, path):
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as archive:
            data = b"-----BEGIN PRIVATE KEY-----\n"
            info = tarfile.TarInfo("gateway-keys/reference-1.pem")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        return [buffer.getvalue()], {}


class _FakeEngine:
    """Just enough of docker.DockerClient for the compose target; it records what was asked."""

    def __init__(self, exits=(), unhealthy=()):
        self.unhealthy = set(unhealthy)
        self.runs: list[_FakeContainer] = []
        self.builds: list[dict] = []
        self.networks_created: list[str] = []
        self.networks_removed: list[str] = []
        self.restarts: list[str] = []
        self.exits = set(exits)
        self.closed = False
        engine = self

        class Images:
            def build(self, **options):
                engine.builds.append(options)

        class Network:
            def __init__(self, name):
                self.name = name

            def remove(self):
                engine.networks_removed.append(self.name)

        class Networks:
            def create(self, name, **options):
                engine.networks_created.append(name)
                return Network(name)

        class Api:
            def create_endpoint_config(self, aliases):
                return {"Aliases": aliases}

        class Containers:
            def run(self, image, **options):
                container = _FakeContainer(engine, image, options)
                if options["labels"]["qmtl-e2e.service"] in engine.exits:
                    container.status = "exited"
                engine.runs.append(container)
                return container

        self.images, self.networks, self.api, self.containers = Images(), Networks(), Api(), Containers()

    def close(self):
        self.closed = True


@pytest.fixture
def fake_engine(monkeypatch):
    def install(exits=(), unhealthy=()):
        engine = _FakeEngine(exits, unhealthy)
        monkeypatch.setattr(compose_module, "connect", lambda: engine)
        # Readiness is probed over the wire; against a stand-in, every service is ready at once.
        monkeypatch.setattr(ComposeStack, "_probe_for", lambda self, name: (lambda: True))
        for variable in PORT_VARIABLES.values():
            monkeypatch.delenv(variable, raising=False)
        return engine

    return install


def test_the_compose_target_starts_the_file_in_order_and_removes_exactly_what_it_started(tmp_path, fake_engine):
    engine = fake_engine()
    stack = ComposeStack(_config(tmp_path, target="compose", token_ttl_seconds="45"))
    endpoints = stack.start()
    names = [c.options["labels"]["qmtl-e2e.service"] for c in engine.runs]
    assert names == load_compose_file(COMPOSE_FILE, {}).start_order()
    assert len(engine.builds) == 1, "the one reference image should be built once for three services"
    assert engine.builds[0]["tag"] == "qmtl-acceptance-reference:local"
    assert engine.builds[0]["network_mode"] == "host" and set(engine.builds[0]["buildargs"]) == {"BASE_IMAGE"}
    assert engine.networks_created == [], "on the host's network the run needs no network of its own"
    assert {c.options["network_mode"] for c in engine.runs} == {"host"}
    assert all("ports" not in c.options and "network" not in c.options for c in engine.runs)
    gateway = engine.runs[names.index("gateway")]
    assert gateway.options["healthcheck"]["test"][:2] == ["CMD", "python"]
    assert gateway.options["healthcheck"]["interval"] == 1_000_000_000 and gateway.options["healthcheck"]["retries"] == 60
    assert "--token-ttl=45" in gateway.options["command"]
    assert {c.options["labels"]["qmtl-e2e.run"] for c in engine.runs} == {stack.run_id}
    listening = {
        name: int(word.rsplit("=", 1)[1])
        for name, c in zip(names, engine.runs, strict=False)
        for word in c.options["command"]
        if word.startswith(("--port=", "--grpc-port="))
    }
    redis_port = int(engine.runs[names.index("redis")].options["command"][4])
    postgres_port = int(engine.runs[names.index("postgres")].options["command"][2])
    assert endpoints.gateway_url == f"http://127.0.0.1:{listening['gateway']}"
    assert endpoints.worldservice_url == f"http://127.0.0.1:{listening['worldservice']}"
    assert endpoints.dagmanager_address == f"127.0.0.1:{listening['dagmanager']}"
    assert endpoints.redis_url == f"redis://127.0.0.1:{redis_port}/0"
    assert endpoints.postgres_dsn == f"postgresql://postgres@127.0.0.1:{postgres_port}/qmtl"
    assert len({*listening.values(), redis_port, postgres_port}) == 5, "each service needs a port of its own"
    assert f"--redis-url=redis://127.0.0.1:{redis_port}/0" in gateway.options["command"]
    assert stack.token_signing_keys() == {"reference-1": b"-----BEGIN PRIVATE KEY-----\n"}
    stack.restart("gateway")
    assert engine.restarts == ["gateway"]
    stack.stop()
    assert all(c.removed for c in engine.runs)
    assert engine.closed
    assert (tmp_path / "reports" / "logs" / "gateway.log").read_text() == f"log of {stack.run_id}-gateway\n"


def test_a_compose_file_on_its_own_network_gets_one_per_run_with_service_aliases(tmp_path, fake_engine):
    engine = fake_engine()
    bridged = tmp_path / "bridged.yml"
    bridged.write_text(
        "services:\n"
        "  redis: {image: r, ports: ['127.0.0.1:${QMTL_E2E_REDIS_PORT}:6379']}\n"
        "  dagmanager: {image: q, ports: ['127.0.0.1:${QMTL_E2E_DAGMANAGER_PORT}:50051', '127.0.0.1:${QMTL_E2E_GATEWAY_PORT}:8000'],"
        " depends_on: {redis: {condition: service_healthy}}}\n"
        "  gateway: {image: q, network_mode: 'service:dagmanager', depends_on: [dagmanager]}\n"
    )
    stack = ComposeStack(_config(tmp_path, target="compose", compose_file=str(bridged)))
    endpoints = stack.start()
    runs = {c.options["labels"]["qmtl-e2e.service"]: c for c in engine.runs}
    assert engine.networks_created == [stack.run_id]
    assert runs["redis"].options["networking_config"][stack.run_id] == {"Aliases": ["redis"]}
    assert runs["gateway"].options["network_mode"] == f"container:{runs['dagmanager'].id}"
    assert endpoints.gateway_url == f"http://127.0.0.1:{runs['dagmanager'].ports['8000/tcp'][0]['HostPort']}"
    stack.stop()
    assert engine.networks_removed == engine.networks_created


def test_a_compose_service_that_never_turns_healthy_fails_the_start_naming_its_check(tmp_path, fake_engine, monkeypatch):
    engine = fake_engine(unhealthy={"redis"})
    monkeypatch.setattr(compose_module, "SERVICE_READY_SECONDS", 1.0)
    stack = ComposeStack(_config(tmp_path, target="compose"))
    with pytest.raises(StackError) as caught:
        stack.start()
    message = str(caught.value)
    assert message.startswith("redis was not ready within 1 s ("), message
    assert "last observed: healthcheck unhealthy (last check exited 1: refused)" in message, message
    assert [c.options["labels"]["qmtl-e2e.service"] for c in engine.runs] == ["redis"], "nothing starts before what it needs is healthy"
    assert all(c.removed for c in engine.runs)


def test_a_compose_service_that_exits_fails_the_start_with_its_log_and_cleans_up(tmp_path, fake_engine):
    engine = fake_engine(exits={"dagmanager"})
    stack = ComposeStack(_config(tmp_path, target="compose"))
    with pytest.raises(StackError, match=r"dagmanager exited before it was ready; last log lines:\nlog of .*-dagmanager"):
        stack.start()
    assert "gateway" not in [c.options["labels"]["qmtl-e2e.service"] for c in engine.runs]
    assert engine.runs and all(c.removed for c in engine.runs)
    assert engine.networks_removed == engine.networks_created


def test_the_compose_file_for_qmtl_images_is_one_the_compose_target_can_run():
    """docker-compose.qmtl.yml runs QMTL's own images; the compose target must read it as it stands."""
    qmtl_file = ROOT / "docker-compose.qmtl.yml"
    with pytest.raises(ComposeFileError, match="QMTL_IMAGE is required"):
        load_compose_file(qmtl_file, {})
    compose = load_compose_file(qmtl_file, {"QMTL_IMAGE": "qmtl:local"})
    assert set(compose.services) == FIVE_SERVICES
    assert compose.needs_network()
    assert compose.services["gateway"].network_of == "dagmanager", "QMTL's Gateway must share the DAG Manager's 127.0.0.1"
    assert compose.role_port("gateway").host_port == 8000
    assert compose.services["gateway"].command == ("qmtl", "gw", "--config", "/etc/qmtl/qmtl.yml")
    assert compose.services["worldservice"].volumes[0].source == ROOT / "qmtl.compose.yml"
    order = compose.start_order()
    assert order.index("dagmanager") < order.index("gateway")
    full = load_compose_file(qmtl_file, {"QMTL_IMAGE": "qmtl:local", "COMPOSE_PROFILES": "neo4j,kafka"})
    assert set(full.services) == FIVE_SERVICES | {"neo4j", "zookeeper", "kafka"}
    assert full.start_order().index("zookeeper") < full.start_order().index("kafka")


def test_compose_ports_are_free_per_run_unless_set_and_reached_where_the_engine_is(tmp_path):
    from qmtl_acceptance.stack.compose import compose_variables, published_host

    config = _config(tmp_path, target="compose", token_ttl_seconds="77")
    chosen = compose_variables(config, {"QMTL_E2E_GATEWAY_PORT": "8000"})
    assert chosen["QMTL_E2E_GATEWAY_PORT"] == "8000"
    assert chosen["QMTL_E2E_TOKEN_TTL_SECONDS"] == "77"
    others = [int(chosen[v]) for k, v in PORT_VARIABLES.items() if k != "gateway"]
    assert all(0 < p < 65536 for p in others)
    assert published_host("unix:///var/run/docker.sock") == "127.0.0.1"
    assert published_host("tcp://docker.example:2375") == "docker.example"
