"""The QMTL SDK adapter run by a real QMTL installation (QMTL_E2E_QMTL_PYTHON) against a stand-in Gateway.

QMTL's own SDK does the work: its StreamInput.load_history fills the caches,
its metrics registry gives backfill_last_timestamp, its GatewayClient submits
the DAG (whose node ids the stand-in checks against the contract's canonical
form), and Runner.feed_queue_data computes the momentum from live bars.
"""
from __future__ import annotations

import json
import os
import subprocess

import pytest

from qmtl_acceptance.runner import parse_report
from tests.support import PROJECT_ROOT
from tests.support.runner_stub_gateway import StubGateway

QMTL_PYTHON = os.environ.get("QMTL_E2E_QMTL_PYTHON", "")
pytestmark = pytest.mark.skipif(not QMTL_PYTHON, reason="set QMTL_E2E_QMTL_PYTHON to a Python with QMTL installed")
SAMPLE = "qmtl_sdk_adapter.samples.sample_strategy:SampleStrategy"


def _run(*args: str, gateway_url: str, report) -> subprocess.CompletedProcess:
    argv = [QMTL_PYTHON, "-m", "qmtl_sdk_adapter", "tools", "sdk", "run", *args, "--gateway-url", gateway_url, "--report", str(report)]
    return subprocess.run(argv, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def test_qmtl_backfills_the_guides_window_then_processes_live_bars(tmp_path):
    with StubGateway() as gateway:
        done = _run(SAMPLE, "--start-time", "1700000000", "--end-time", "1700003600", "--world", "alpha", "--live-bars", "3",
                    gateway_url=gateway.url, report=tmp_path / "r.json")
        assert done.returncode == 0, done.stderr
        assert gateway.bindings == {"alpha": [gateway.submissions[0]["strategy_id"]]}
        dag = gateway.submissions[0]["dag"]
    assert dag["meta"]["topic_namespace"] == {"world": "alpha", "domain": "backtest"}
    report = parse_report((tmp_path / "r.json").read_text())
    assert report is not None
    price, trend = report.stream("price"), report.stream("trend")
    assert price.fetch_windows == [(1700000000, 1700003600)] and trend.fetch_windows == [(1700000000, 1700003600)]
    assert price.cache_ts == list(range(1700003340, 1700003581, 60))
    assert trend.cache_ts == [1700002800, 1700003100, 1700003400]
    for stream in (price, trend):
        assert report.metric("backfill_last_timestamp", node_id=stream.node_id, interval=stream.interval) == 1700003600
        assert stream.node_id.startswith("blake3:")
    assert report.metric("backfill_jobs_in_progress") == 0
    assert [e["ts"] for e in report.processed if e["node_id"] == price.node_id] == [1700003640, 1700003700, 1700003760]
    momentum = [o for o in report.outputs if o["node"] == "momentum"]
    assert momentum and all(isinstance(o["value"], float) for o in momentum)
    assert report.first_event_seq("backfill_finished") < min(e["seq"] for e in report.processed)


def test_a_missing_history_provider_is_refused_before_anything_is_submitted(tmp_path):
    with StubGateway() as gateway:
        done = _run("qmtl_sdk_adapter.samples.sample_strategy:NoHistoryStrategy", "--start-time", "1700000000",
                    "--end-time", "1700003600", gateway_url=gateway.url, report=tmp_path / "r.json")
        assert gateway.submissions == [] and ("POST", "/strategies") not in gateway.requests
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "has no history provider" in done.stderr
    assert json.loads((tmp_path / "r.json").read_text())["exit_code"] == 2


def test_qmtls_own_command_no_longer_has_the_guides_backfill(tmp_path):
    done = subprocess.run([QMTL_PYTHON, "-m", "qmtl", "tools", "sdk", "run", SAMPLE, "--start-time", "1700000000", "--end-time", "1700003600"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    # Should QMTL bring the command back, the guide-command scenario's deviation tag must go.
    assert done.returncode == 2, done.stdout + done.stderr
    assert "removed" in (done.stdout + done.stderr)
