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


def test_the_compose_target_reads_each_roles_published_port_from_the_file():
    ports = {name: str(20000 + i) for i, name in enumerate(PORT_VARIABLES.values())}
    compose = load_compose_file(COMPOSE_FILE, ports)
    for role, variable in PORT_VARIABLES.items():
        mapping = compose.role_port(role)
        assert mapping is not None, f"{role} publishes no port"
        assert mapping.host_port == int(ports[variable]), f"{role}: {mapping}"
        assert mapping.host_ip == "127.0.0.1", f"{role} is published beyond loopback: {mapping}"
        if role != "gateway":
            assert mapping.container_port == ROLE_PORTS[role]
    defaults = load_compose_file(COMPOSE_FILE, {})
    assert {role: defaults.role_port(role).host_port for role in ROLE_PORTS} == ROLE_PORTS


def test_the_compose_file_starts_each_service_after_what_it_needs():
    order = load_compose_file(COMPOSE_FILE, {}).start_order()
    assert order.index("redis") < order.index("dagmanager") < order.index("gateway")
    assert order.index("postgres") < order.index("gateway") and order.index("worldservice") < order.index("gateway")


def test_the_dockerfile_copies_what_exists_and_the_image_context_admits_it():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
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
        ("services:\n  a:\n    image: x\n    network_mode: host\n", "only service:<name>"),
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

    def __init__(self, exits=()):
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
    def install(exits=()):
        engine = _FakeEngine(exits)
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
    gateway = engine.runs[names.index("gateway")]
    assert gateway.options["network"] == engine.networks_created[0]
    assert gateway.options["networking_config"][engine.networks_created[0]] == {"Aliases": ["gateway"]}
    assert "--token-ttl=45" in gateway.options["command"]
    assert {c.options["labels"]["qmtl-e2e.run"] for c in engine.runs} == {stack.run_id}
    published = {name: int(next(iter(c.ports.values()))[0]["HostPort"]) for name, c in zip(names, engine.runs)}
    assert endpoints.gateway_url == f"http://127.0.0.1:{published['gateway']}"
    assert endpoints.dagmanager_address == f"127.0.0.1:{published['dagmanager']}"
    assert endpoints.redis_url == f"redis://127.0.0.1:{published['redis']}/0"
    assert endpoints.postgres_dsn == f"postgresql://postgres@127.0.0.1:{published['postgres']}/qmtl"
    assert stack.token_signing_keys() == {"reference-1": b"-----BEGIN PRIVATE KEY-----\n"}
    stack.restart("gateway")
    assert engine.restarts == ["gateway"]
    stack.stop()
    assert all(c.removed for c in engine.runs)
    assert engine.networks_removed == engine.networks_created and engine.closed
    assert (tmp_path / "reports" / "logs" / "gateway.log").read_text() == f"log of {stack.run_id}-gateway\n"


def test_a_compose_service_that_exits_fails_the_start_with_its_log_and_cleans_up(tmp_path, fake_engine):
    engine = fake_engine(exits={"dagmanager"})
    stack = ComposeStack(_config(tmp_path, target="compose"))
    with pytest.raises(StackError, match=r"dagmanager exited before it was ready; last log lines:\nlog of .*-dagmanager"):
        stack.start()
    assert "gateway" not in [c.options["labels"]["qmtl-e2e.service"] for c in engine.runs]
    assert engine.runs and all(c.removed for c in engine.runs)
    assert engine.networks_removed == engine.networks_created


def test_the_documented_compose_file_for_qmtl_images_is_one_the_compose_target_can_run(tmp_path):
    """docs/targets.md shows how to run QMTL's own images; its example must parse as the target reads it."""
    text = (ROOT / "docs" / "targets.md").read_text()
    blocks = re.findall(r"```yaml\n(# docker-compose\.qmtl\.yml\n.*?)```", text, flags=re.S)
    assert len(blocks) == 1, "docs/targets.md should show one docker-compose.qmtl.yml"
    with pytest.raises(ComposeFileError, match="QMTL_IMAGE is required"):
        parse_compose(blocks[0], tmp_path / "docker-compose.qmtl.yml", {})
    compose = parse_compose(blocks[0], tmp_path / "docker-compose.qmtl.yml", {"QMTL_IMAGE": "qmtl:local"})
    assert set(compose.services) == FIVE_SERVICES
    assert compose.services["gateway"].network_of == "dagmanager", "QMTL's Gateway must share the DAG Manager's 127.0.0.1"
    assert compose.role_port("gateway").host_port == 8000
    assert compose.services["gateway"].command == ("qmtl", "gw", "--config", "/etc/qmtl/qmtl.yml")
    order = compose.start_order()
    assert order.index("dagmanager") < order.index("gateway")
    qmtl_yml = re.findall(r"```yaml\n# qmtl\.compose\.yml[^\n]*\n(.*?)```", text, flags=re.S)
    settings = yaml.safe_load(qmtl_yml[0])
    assert settings["dagmanager"]["grpc_port"] == 50051 and settings["gateway"]["database_backend"] == "postgres"


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
