"""What the qmtl and compose targets check by running commands: a QMTL installation, the reference services' options.

With QMTL_E2E_QMTL_PYTHON pointing at a QMTL installation, one more test starts
real QMTL through the qmtl target.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys

import httpx
import pytest

from qmtl_acceptance.config import load_config
from qmtl_acceptance.errors import StackError
from qmtl_acceptance.stack.compose_file import load_compose_file
from qmtl_acceptance.stack.processes import port_is_free
from qmtl_acceptance.stack.qmtl import QmtlProcessStack
from tests.support import PROJECT_ROOT as ROOT
from tests.support.assertions import assert_one_line as _assert_one_line
from tests.support.assertions import config_in as _config

COMPOSE_FILE = ROOT / "docker-compose.e2e.yml"
FIVE_SERVICES = {"redis", "postgres", "dagmanager", "worldservice", "gateway"}


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
