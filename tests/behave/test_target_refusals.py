"""behave itself refuses a target that cannot work with one line, before any scenario and without a traceback."""
from __future__ import annotations

import sys

from qmtl_acceptance.stack.processes import free_port
from tests.support.behave_runs import run_behave


def test_unknown_target_stops_the_run_with_one_line():
    run = run_behave("features/smoke", userdata={"target": "staging"})
    assert run.returncode != 0
    assert "setting target='staging' is unknown; choose one of: reference, qmtl, compose, external" in run.output
    assert "Traceback" not in run.output


def test_behave_refuses_an_unreachable_external_gateway_with_one_line():
    url = f"http://127.0.0.1:{free_port()}"
    run = run_behave("features/smoke", userdata={"target": "external", "gateway_url": url, "timeout_scale": "0.1"})
    assert run.returncode != 0, run.explain()
    assert f"qmtl-acceptance: the Gateway at {url} is unreachable: ConnectError" in run.output, run.explain()
    assert "Traceback" not in run.output, run.explain()


def test_behave_refuses_a_missing_qmtl_installation_with_one_line(free_50051):
    run = run_behave("features/smoke", userdata={"target": "qmtl", "qmtl_python": sys.executable})
    assert run.returncode != 0, run.explain()
    assert "qmtl-acceptance: " in run.output and "has no usable QMTL installation (no module qmtl)" in run.output, run.explain()
    assert "Traceback" not in run.output, run.explain()


def test_behave_refuses_a_missing_docker_engine_with_one_line():
    address = "unix:///nonexistent/docker.sock"
    run = run_behave("features/smoke", userdata={"target": "compose"}, env={"DOCKER_HOST": address})
    assert run.returncode != 0, run.explain()
    assert f"qmtl-acceptance: the Docker engine is not reachable at {address}: start Docker or choose another target" in run.output
    assert "Traceback" not in run.output, run.explain()
