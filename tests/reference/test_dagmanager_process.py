"""The reference DAG Manager as a process: start-up errors, signals, HTTP status, Redis outages."""
from __future__ import annotations

import signal
import subprocess
import sys
import time

import httpx
import pytest

from qmtl_acceptance.clients.dagmanager import DagManagerClient, DagManagerUnavailable
from qmtl_acceptance.eventually import eventually
from qmtl_acceptance.stack.processes import free_port
from tests.support.servers import dagmanager_argv, start_dagmanager, start_redis


def run_briefly(argv: list[str], env: dict | None = None, timeout: float = 20.0) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env or {"PATH": "/usr/bin:/bin"})


# -- start-up errors -----------------------------------------------------------


def test_a_busy_port_is_one_clear_line(redis_url):
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = run_briefly(dagmanager_argv(port, redis_url))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in lines[0]


def test_unreachable_redis_is_one_clear_line_with_the_password_masked():
    dead = free_port()
    done = run_briefly(dagmanager_argv(free_port(), f"redis://:hunter2@127.0.0.1:{dead}/0"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "cannot reach Redis at redis://:***@127.0.0.1" in lines[0]
    assert "hunter2" not in done.stderr


def test_an_unknown_fault_stops_the_service_at_start(redis_url):
    done = run_briefly(dagmanager_argv(free_port(), redis_url), env={"PATH": "/usr/bin:/bin", "QMTL_REFERENCE_FAULTS": "no_such_fault"})
    assert done.returncode == 2
    assert "unknown reference fault(s): no_such_fault" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_numbers_are_refused_by_the_argument_parser(redis_url):
    done = run_briefly(dagmanager_argv(free_port(), redis_url, "--diff-chunk-size", "0"))
    assert done.returncode == 2
    assert "must be greater than 0" in done.stderr


# -- running and stopping --------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_ends_the_process_cleanly_and_frees_the_port(redis_url, tmp_path, sig):
    port = free_port()
    proc, _ = start_dagmanager(redis_url, tmp_path / "dm.log", port=port)
    assert proc.process is not None
    started = time.monotonic()
    try:
        proc.process.send_signal(sig)
        code = proc.process.wait(timeout=10)
    finally:
        proc.stop()
    assert code == 0, (tmp_path / "dm.log").read_text()
    assert time.monotonic() - started < 5
    assert "Traceback" not in (tmp_path / "dm.log").read_text()
    done = run_briefly([sys.executable, "-c", f"import socket; s=socket.socket(); s.bind(('127.0.0.1', {port}))"])
    assert done.returncode == 0, f"port {port} still held after exit: {done.stderr}"


def test_http_status_answers_when_asked_for(redis_url, tmp_path):
    http_port = free_port()
    proc, _ = start_dagmanager(redis_url, tmp_path / "dm.log", extra=("--http-port", str(http_port)))
    try:
        answer = httpx.get(f"http://127.0.0.1:{http_port}/status", timeout=3)
        assert answer.status_code == 200
        assert answer.json() == {"status": "ok", "state": "running", "neo4j": "n/a", "redis": "ok"}
        assert httpx.get(f"http://127.0.0.1:{http_port}/nothing", timeout=3).status_code == 404
        assert httpx.post(f"http://127.0.0.1:{http_port}/status", timeout=3).status_code == 405
    finally:
        proc.stop()


def test_a_redis_outage_shows_in_both_health_answers_and_in_calls(tmp_path):
    redis_proc, url = start_redis(tmp_path)
    proc, address = start_dagmanager(url, tmp_path / "dm.log")
    try:
        with DagManagerClient(address, timeout=3.0) as client:
            assert client.standard_health() == "SERVING"
            redis_proc.stop()
            eventually(lambda: _assert_equal(client.status().state, "degraded"), within=5, what="Status reports degraded")
            eventually(
                lambda: _assert_equal(client.standard_health(), "NOT_SERVING"), within=5, what="standard health turns NOT_SERVING"
            )
            with pytest.raises(DagManagerUnavailable, match="Redis"):
                client.queue_stats()
    finally:
        proc.stop()
        redis_proc.stop()


def test_an_absent_dagmanager_is_a_clear_error_not_a_hang():
    with DagManagerClient(f"127.0.0.1:{free_port()}", timeout=2.0) as client:
        started = time.monotonic()
        with pytest.raises(DagManagerUnavailable, match="unavailable"):
            client.status()
        assert time.monotonic() - started < 3


def _assert_equal(seen, wanted):
    assert seen == wanted, f"saw {seen!r}"
