"""The targets besides the reference stack: external, qmtl and compose.

None of these tests needs a Docker engine or a QMTL installation: they prove
each target refuses clearly (one line, quickly) when what it needs is missing,
that the shipped compose file says what the compose target reads, and that the
external target runs the features against a live stack. With
QMTL_E2E_QMTL_PYTHON pointing at a QMTL installation, one more test starts
real QMTL through the qmtl target.
"""
from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import tarfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import yaml

from behave_runs import ROOT, run_behave
from qmtl_acceptance.config import load_config
from qmtl_acceptance.errors import ConfigError, StackError
from qmtl_acceptance.stack import provider_for
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
from qmtl_acceptance.stack.external import ExternalStack
from qmtl_acceptance.stack.processes import free_port, port_is_free
from qmtl_acceptance.stack.qmtl import QmtlProcessStack
from qmtl_acceptance.stack.qmtl_settings import QmtlLayout, merged, qmtl_settings, read_overrides

COMPOSE_FILE = ROOT / "docker-compose.e2e.yml"
FIVE_SERVICES = {"redis", "postgres", "dagmanager", "worldservice", "gateway"}


def _config(tmp_path, **userdata):
    return load_config({"reports_dir": str(tmp_path / "reports"), **userdata}, environ={})


def _assert_one_line(message: str) -> None:
    assert message and "\n" not in message, f"expected one line, got: {message!r}"
    assert "Traceback" not in message


# -- choosing a target --------------------------------------------------------


@pytest.mark.parametrize(
    "userdata, message",
    [
        ({"target": "docker"}, "target='docker' is unknown; choose one of: reference, qmtl, compose, external"),
        ({"target": "external"}, "target external needs gateway_url"),
        ({"target": "external", "gateway_url": "localhost:8000"}, "gateway_url='localhost:8000' is not a URL"),
        ({"target": "external", "gateway_url": "http://g:1", "dagmanager_address": "g"}, "dagmanager_address='g' is not host:port"),
        ({"target": "qmtl", "reference_faults": "slow_status"}, "reference_faults apply only to target reference"),
    ],
)
def test_bad_target_settings_are_refused_with_one_line(userdata, message):
    with pytest.raises(ConfigError) as caught:
        load_config(userdata, environ={})
    assert message in str(caught.value)
    _assert_one_line(str(caught.value))


def test_each_target_gets_its_own_provider(tmp_path):
    kinds = {
        "qmtl": QmtlProcessStack,
        "compose": ComposeStack,
        "external": ExternalStack,
    }
    for target, kind in kinds.items():
        extra = {"gateway_url": "http://127.0.0.1:1"} if target == "external" else {}
        assert isinstance(provider_for(_config(tmp_path, target=target, **extra)), kind)


def test_the_qmtl_python_setting_comes_from_userdata_or_the_environment():
    assert load_config({}, environ={"QMTL_E2E_QMTL_PYTHON": " /opt/qmtl/bin/python "}).qmtl_python == "/opt/qmtl/bin/python"
    assert load_config({"qmtl_python": "/a/python"}, environ={"QMTL_E2E_QMTL_PYTHON": "/b/python"}).qmtl_python == "/a/python"


# -- external -----------------------------------------------------------------


class _StatusHandler(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self):  # noqa: N802 (the http.server API)
        body = b'{"status": "ok"}'
        self.send_response(self.status if self.path == "/status" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tiny_gateway():
    """An HTTP server that answers /status with the status its handler class says."""
    servers = []

    def serve(status: int) -> str:
        handler = type("Handler", (_StatusHandler,), {"status": status})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def test_an_unreachable_external_gateway_is_one_line_and_fast(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    stack = ExternalStack(_config(tmp_path, target="external", gateway_url=url, timeout_scale="0.1"))
    started = time.monotonic()
    with pytest.raises(StackError) as caught:
        stack.start()
    elapsed = time.monotonic() - started
    message = str(caught.value)
    _assert_one_line(message)
    assert message.startswith(f"the Gateway at {url} is unreachable: ConnectError"), message
    assert "refused" in message.lower(), message
    assert elapsed < 3, f"refusing took {elapsed:.1f} s"
    stack.stop()  # nothing was started, and stopping must be harmless


def test_an_external_gateway_that_answers_badly_is_named_with_its_answer(tmp_path, tiny_gateway):
    url = tiny_gateway(503)
    stack = ExternalStack(_config(tmp_path, target="external", gateway_url=url, timeout_scale="0.1"))
    with pytest.raises(StackError, match=re.escape(f"the Gateway at {url} is unreachable: GET /status answered HTTP 503")):
        stack.start()


def test_the_external_target_uses_the_given_endpoints_and_never_touches_the_deployment(tmp_path, tiny_gateway):
    url = tiny_gateway(200)
    stack = ExternalStack(
        _config(tmp_path, target="external", gateway_url=url, redis_url="redis://cache:6379/0", dagmanager_address="dm:50051")
    )
    endpoints = stack.start()
    assert (endpoints.gateway_url, endpoints.redis_url, endpoints.dagmanager_address) == (url, "redis://cache:6379/0", "dm:50051")
    for action in (stack.restart, stack.kill):
        with pytest.raises(StackError, match="the external target cannot .* gateway: it did not start the deployment") as caught:
            action("gateway")
        _assert_one_line(str(caught.value))
    stack.stop()
    assert httpx.get(url + "/status").status_code == 200, "stopping the external target touched the deployment"
    assert stack.running_processes() == {}


def test_behave_refuses_an_unreachable_external_gateway_with_one_line():
    url = f"http://127.0.0.1:{free_port()}"
    run = run_behave("features/smoke", userdata={"target": "external", "gateway_url": url, "timeout_scale": "0.1"})
    assert run.returncode != 0, run.explain()
    assert f"qmtl-acceptance: the Gateway at {url} is unreachable: ConnectError" in run.output, run.explain()
    assert "Traceback" not in run.output, run.explain()


def test_the_features_run_against_an_external_deployment(tmp_path):
    """A reference stack started here stands in for someone else's deployment."""
    from qmtl_acceptance.stack.reference import ReferenceStack

    deployment = ReferenceStack(_config(tmp_path))
    endpoints = deployment.start()
    try:
        run = run_behave(
            "features/smoke",
            userdata={
                "target": "external",
                "gateway_url": endpoints.gateway_url,
                "worldservice_url": endpoints.worldservice_url,
                "dagmanager_address": endpoints.dagmanager_address,
                "redis_url": endpoints.redis_url,
                "postgres_dsn": endpoints.postgres_dsn,
            },
        )
        assert run.returncode == 0, run.explain()
        assert run.scenarios and not run.statuses("failed"), run.explain()
        assert deployment.running_processes().keys() == {"redis", "postgres", "dagmanager", "worldservice", "gateway"}, (
            "the external run stopped services it did not start"
        )
    finally:
        deployment.stop()


# -- qmtl ----------------------------------------------------------------------


def test_a_busy_port_50051_stops_the_qmtl_target_before_anything_starts(tmp_path):
    holder = socket.socket()
    try:
        holder.bind(("127.0.0.1", 50051))
        holder.listen()
    except OSError:
        pass  # already held by something else on this machine: just as busy
    try:
        stack = QmtlProcessStack(_config(tmp_path, target="qmtl", qmtl_python=sys.executable))
        with pytest.raises(StackError) as caught:
            stack.start()
        message = str(caught.value)
        _assert_one_line(message)
        assert message.startswith("port 50051 on 127.0.0.1 is in use: QMTL's Gateway always dials its DAG Manager there"), message
        assert stack.run_dir is None and stack.running_processes() == {}
    finally:
        holder.close()


@pytest.fixture
def free_50051():
    if not port_is_free(50051):
        pytest.skip("port 50051 is in use on this machine; the qmtl target checks it first")


@pytest.mark.parametrize(
    "qmtl_python, expected",
    [
        (sys.executable, "has no usable QMTL installation (no module qmtl): install QMTL into a Python environment"),
        ("/nonexistent/bin/python", "qmtl_python='/nonexistent/bin/python' is not an executable Python"),
    ],
)
def test_a_missing_qmtl_installation_says_how_to_point_at_one(tmp_path, free_50051, qmtl_python, expected):
    stack = QmtlProcessStack(_config(tmp_path, target="qmtl", qmtl_python=qmtl_python))
    with pytest.raises(StackError) as caught:
        stack.start()
    message = str(caught.value)
    _assert_one_line(message)
    assert expected in message, message
    assert "-D qmtl_python=" in message, message
    assert stack.running_processes() == {}


def test_without_qmtl_python_the_qmtl_command_on_path_is_looked_for(tmp_path, free_50051, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    stack = QmtlProcessStack(_config(tmp_path, target="qmtl"))
    with pytest.raises(StackError, match=r"none was found \(no qmtl_python set, no qmtl command on PATH\)"):
        stack.start()


def test_behave_refuses_a_missing_qmtl_installation_with_one_line(free_50051):
    run = run_behave("features/smoke", userdata={"target": "qmtl", "qmtl_python": sys.executable})
    assert run.returncode != 0, run.explain()
    assert "qmtl-acceptance: " in run.output and "has no usable QMTL installation (no module qmtl)" in run.output, run.explain()
    assert "Traceback" not in run.output, run.explain()


def _layout(tmp_path) -> QmtlLayout:
    return QmtlLayout(
        gateway_port=18000,
        worldservice_port=18080,
        dagmanager_http_port=18001,
        redis_url="redis://127.0.0.1:16379/0",
        worldservice_redis_url="redis://127.0.0.1:16379/1",
        postgres_dsn="postgresql://postgres@127.0.0.1:15432/qmtl",
        state_dir=tmp_path,
        events_secret="s3cret",
        token_ttl_seconds=42,
    )


def test_the_qmtl_yml_uses_qmtls_own_keys_for_real_stores(tmp_path):
    settings = qmtl_settings(_layout(tmp_path))
    gateway, dagmanager, worldservice = settings["gateway"], settings["dagmanager"], settings["worldservice"]
    assert (gateway["host"], gateway["port"]) == ("127.0.0.1", 18000)
    assert gateway["redis_dsn"] == "redis://127.0.0.1:16379/0"
    assert (gateway["database_backend"], gateway["database_dsn"]) == ("postgres", "postgresql://postgres@127.0.0.1:15432/qmtl")
    assert gateway["events"]["secret"] == "s3cret" and gateway["events"]["ttl"] == 42
    assert gateway["events"]["stream_url"] == "ws://127.0.0.1:18000/ws/evt"
    assert gateway["worldservice_url"] == worldservice["url"] == "http://127.0.0.1:18080"
    assert (dagmanager["grpc_host"], dagmanager["grpc_port"], dagmanager["http_port"]) == ("127.0.0.1", 50051, 18001)
    assert worldservice["dsn"].startswith("sqlite:///") and worldservice["redis"] == "redis://127.0.0.1:16379/1"
    assert settings["profile"] == "dev"


def test_a_users_qmtl_config_is_merged_over_the_generated_one(tmp_path):
    extra = tmp_path / "extra.yml"
    extra.write_text("dagmanager:\n  neo4j_dsn: bolt://graph:7687\ngateway:\n  events:\n    ttl: 60\n")
    settings = merged(qmtl_settings(_layout(tmp_path)), read_overrides(str(extra)))
    assert settings["dagmanager"]["neo4j_dsn"] == "bolt://graph:7687"
    assert settings["dagmanager"]["grpc_port"] == 50051
    assert settings["gateway"]["events"] == {**qmtl_settings(_layout(tmp_path))["gateway"]["events"], "ttl": 60}
    broken = tmp_path / "broken.yml"
    broken.write_text("gateway: [unclosed\n")
    with pytest.raises(StackError, match="is not valid YAML") as caught:
        read_overrides(str(broken))
    _assert_one_line(str(caught.value))
    listed = tmp_path / "list.yml"
    listed.write_text("- gateway\n")
    with pytest.raises(StackError, match="must hold a mapping of qmtl.yml sections"):
        read_overrides(str(listed))


def test_qmtl_services_run_qmtls_documented_commands_from_the_config_folder(tmp_path):
    from qmtl_acceptance.stack.qmtl_install import QmtlInstallation

    stack = QmtlProcessStack(_config(tmp_path, target="qmtl"))
    stack.installation = QmtlInstallation("/opt/qmtl/bin/python", "0.1.0")
    stack.run_dir = tmp_path
    stack.ports = {"worldservice": 18080}
    config = str(tmp_path / "qmtl" / "qmtl.yml")
    commands = {service: stack._process_for(service) for service in ("gateway", "dagmanager", "worldservice")}
    assert commands["gateway"].argv == ["/opt/qmtl/bin/python", "-m", "qmtl", "gw", "--config", config]
    assert commands["dagmanager"].argv == ["/opt/qmtl/bin/python", "-m", "qmtl.services.dagmanager.server", "--config", config]
    assert commands["worldservice"].argv[:5] == ["/opt/qmtl/bin/python", "-m", "uvicorn", "qmtl.services.worldservice.api:create_app", "--factory"]
    assert commands["worldservice"].argv[-2:] == ["--port", "18080"]
    assert {str(proc.cwd) for proc in commands.values()} == {str(tmp_path / "qmtl")}


@pytest.mark.skipif(not os.environ.get("QMTL_E2E_QMTL_PYTHON"), reason="set QMTL_E2E_QMTL_PYTHON to a Python with QMTL installed")
def test_a_real_qmtl_installation_comes_up_and_down(tmp_path, free_50051):
    stack = QmtlProcessStack(load_config({"target": "qmtl", "reports_dir": str(tmp_path / "reports")}))
    try:
        endpoints = stack.start()
        status = httpx.get(endpoints.gateway_url + "/status", timeout=5).json()
        assert status["redis"] == "ok" and status["postgres"] == "ok", status
        pids = stack.running_processes()
        assert set(pids) == FIVE_SERVICES
    finally:
        stack.stop()
    assert not stack.running_processes()
    assert port_is_free(50051)


# -- compose: the file ---------------------------------------------------------


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


@pytest.mark.parametrize("service", ["gateway", "dagmanager", "worldservice"])
def test_the_compose_file_runs_reference_services_with_options_they_accept(service):
    compose = load_compose_file(COMPOSE_FILE, {"QMTL_E2E_TOKEN_TTL_SECONDS": "30"})
    spec = compose.services[service]
    assert spec.build is not None and (spec.build.context / spec.build.dockerfile).is_file()
    assert spec.command[:3] == ("python", "-m", f"qmtl_reference.{service}")
    help_text = subprocess.run(
        [sys.executable, "-m", f"qmtl_reference.{service}", "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60
    ).stdout
    for word in spec.command[3:]:
        if word.startswith("--"):
            option = word.split("=", 1)[0]
            assert re.search(rf"(^|\s){re.escape(option)}\b", help_text), f"{service} does not accept {option}"
    if service == "gateway":
        assert "--token-ttl=30" in spec.command


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


# -- compose: the engine -------------------------------------------------------


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


def test_behave_refuses_a_missing_docker_engine_with_one_line():
    address = "unix:///nonexistent/docker.sock"
    run = run_behave("features/smoke", userdata={"target": "compose"}, env={"DOCKER_HOST": address})
    assert run.returncode != 0, run.explain()
    assert f"qmtl-acceptance: the Docker engine is not reachable at {address}: start Docker or choose another target" in run.output
    assert "Traceback" not in run.output, run.explain()


# -- compose: orchestration, against a stand-in for the Docker engine -----------


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
        name: int(word.rsplit("=", 1)[1]) for name, c in zip(names, engine.runs) for word in c.options["command"] if word.startswith(("--port=", "--grpc-port="))
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
