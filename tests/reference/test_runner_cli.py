"""The guide's command as a person runs it: a real process, a stand-in Gateway, a JSON report.

A refused command must print one line, exit non-zero and send nothing.
"""
from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import PROJECT_ROOT
from tests.support.runner_stub_gateway import StubGateway

ROOT = PROJECT_ROOT
CONSOLE_SCRIPT = Path(sys.executable).with_name("qmtl-reference")
GUIDE = ["qmtl_reference.samples.sample_strategy:SampleStrategy", "--start-time", "1700000000", "--end-time", "1700003600"]


def _run(args: list[str], *, module: bool = True, faults: str = "", timeout: float = 60) -> subprocess.CompletedProcess:
    launcher = [sys.executable, "-m", "qmtl_reference"] if module else [str(CONSOLE_SCRIPT)]
    env = {**os.environ, "QMTL_REFERENCE_FAULTS": faults}
    return subprocess.run([*launcher, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gateway():
    with StubGateway() as stub:
        yield stub


def _sdk_run(gateway: StubGateway, report: Path, *extra: str, module: bool = True, world: str = "w-cli", faults: str = ""):
    return _run(
        ["tools", "sdk", "run", *GUIDE, "--gateway-url", gateway.url, "--world", world, "--report", str(report), *extra],
        module=module,
        faults=faults,
    )


@pytest.mark.parametrize("module", [True, False], ids=["python -m", "console script"])
def test_guide_command_submits_backfills_and_reports(gateway, tmp_path, module):
    report_path = tmp_path / "report.json"
    done = _sdk_run(gateway, report_path, "--live-bars", "3", module=module)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    report = json.loads(report_path.read_text())
    assert report["ok"] is True
    assert [s["name"] for s in report["streams"]] == ["price", "trend"]
    price = report["streams"][0]
    assert price["fetch_calls"][0]["start"] == 1700000000 and price["fetch_calls"][0]["end"] == 1700003600
    assert [row["ts"] for row in price["cache"]] == [1700003340, 1700003400, 1700003460, 1700003520, 1700003580]
    assert f'backfill_last_timestamp{{node_id="{price["node_id"]}",interval="60"}} 1700003600' in report["metrics"]
    assert len(report["live"]["processed"]) == 6

    [submission] = gateway.submissions
    body = submission["body"]
    assert body["world_ids"] == ["w-cli"]
    assert body["meta"] == {"execution_domain": "dryrun"}
    assert json.loads(base64.b64decode(body["dag_json"])) == submission["dag"]
    assert [n["node_id"] for n in submission["dag"]["nodes"]] == report["submission"]["node_ids"]
    assert report["submission"]["strategy_id"] == submission["strategy_id"]
    assert gateway.bindings == {"w-cli": [submission["strategy_id"]]}
    assert "cache holds 1700003340..1700003580" in done.stdout


def test_second_identical_run_reuses_the_registration_and_matches(gateway, tmp_path):
    first, second = tmp_path / "1.json", tmp_path / "2.json"
    assert _sdk_run(gateway, first).returncode == 0
    again = _sdk_run(gateway, second)
    assert again.returncode == 0, again.stderr
    one, two = json.loads(first.read_text()), json.loads(second.read_text())
    assert two["submission"]["duplicate"] is True
    assert two["submission"]["strategy_id"] == one["submission"]["strategy_id"]
    keys = ("name", "node_id", "loaded_ts", "missing_buckets", "cache", "live_ts")
    assert [{k: s[k] for k in keys} for s in one["streams"]] == [{k: s[k] for k in keys} for s in two["streams"]]
    # Sequence numbers interleave with the feeds' arrival times; the values must not.
    outputs = [[(o["node"], o["ts"], o["value"]) for o in r["live"]["outputs"]] for r in (one, two)]
    assert outputs[0] and outputs[0] == outputs[1]
    assert len(gateway.submissions) == 1


def test_a_history_gap_is_reported_on_stderr_and_in_the_report(gateway, tmp_path):
    report_path = tmp_path / "gap.json"
    done = _run(
        ["tools", "sdk", "run", "qmtl_reference.samples.sample_strategy:SampleStrategy", "--start-time", "1700006400", "--end-time", "1700008200",
         "--gateway-url", gateway.url, "--world", "w-gap", "--report", str(report_path)]
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == (
        "qmtl-reference: warning: stream 'price' has no history for 3 bucket(s) in the window: 1700007180, 1700007240, 1700007300"
    )
    report = json.loads(report_path.read_text())
    assert report["streams"][0]["missing_buckets"] == [1700007180, 1700007240, 1700007300]


SAMPLE = "qmtl_reference.samples.sample_strategy"
BAD_INPUT = {
    "end before start": ([f"{SAMPLE}:SampleStrategy", "--start-time", "1700003600", "--end-time", "1700000000"], "is before --start-time"),
    "equal bounds": ([f"{SAMPLE}:SampleStrategy", "--start-time", "1700000000", "--end-time", "1700000000"], "would be empty"),
    "non-integer start": ([f"{SAMPLE}:SampleStrategy", "--start-time", "1700000000.5", "--end-time", "1700003600"], "not a whole number"),
    "non-integer end": ([f"{SAMPLE}:SampleStrategy", "--start-time", "1700000000", "--end-time", "soon"], "not a whole number"),
    "window in the future": (
        [f"{SAMPLE}:SampleStrategy", "--start-time", str(int(time.time()) + 3600), "--end-time", str(int(time.time()) + 7200)],
        "in the future",
    ),
    "unknown module": (["tests.no_such_strategy:SampleStrategy", "--start-time", "1700000000", "--end-time", "1700003600"], "no such module"),
    "unknown class": ([f"{SAMPLE}:NoSuchStrategy", "--start-time", "1700000000", "--end-time", "1700003600"], "has no class 'NoSuchStrategy'"),
    "not MODULE:CLASS": ([SAMPLE, "--start-time", "1700000000", "--end-time", "1700003600"], "MODULE:CLASS"),
    "not a strategy": ([f"{SAMPLE}:momentum", "--start-time", "1700000000", "--end-time", "1700003600"], "is not a Strategy class"),
    "no history provider": ([f"{SAMPLE}:NoHistoryStrategy", "--start-time", "1700000000", "--end-time", "1700003600"], "has no history provider"),
    "missing end time": ([f"{SAMPLE}:SampleStrategy", "--start-time", "1700000000"], "required: --end-time"),
    "negative live bars": (GUIDE + ["--live-bars", "-1"], "--live-bars"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_is_one_line_non_zero_and_submits_nothing(gateway, tmp_path, case):
    args, expected = BAD_INPUT[case]
    report_path = tmp_path / "refused.json"
    done = _run(["tools", "sdk", "run", *args, "--gateway-url", gateway.url, "--report", str(report_path)])
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("qmtl-reference: error: ") and expected in lines[0], done.stderr
    assert done.stdout == ""
    assert not any(method == "POST" for method, _ in gateway.requests)
    if report_path.exists():
        refused = json.loads(report_path.read_text())
        assert refused["ok"] is False and refused["submission"] == {"submitted": False}


def test_unreachable_gateway_is_one_line_and_exit_3(tmp_path):
    url = f"http://127.0.0.1:{_closed_port()}"
    done = _run(["tools", "sdk", "run", *GUIDE, "--gateway-url", url, "--report", str(tmp_path / "r.json")])
    assert done.returncode == 3
    assert done.stderr.strip() == f"qmtl-reference: error: Gateway at {url} is unreachable: connection refused"
    assert json.loads((tmp_path / "r.json").read_text())["submission"] == {"submitted": False}


def test_gateway_that_is_not_ready_gets_nothing():
    with StubGateway(status_code=503) as stub:
        done = _run(["tools", "sdk", "run", *GUIDE, "--gateway-url", stub.url])
        assert done.returncode == 3
        assert "GET /status answered HTTP 503" in done.stderr
        assert stub.requests == [("GET", "/status")]


def test_report_in_a_missing_directory_is_refused_before_submitting(gateway, tmp_path):
    done = _run(["tools", "sdk", "run", *GUIDE, "--gateway-url", gateway.url, "--report", str(tmp_path / "no" / "r.json")])
    assert done.returncode == 2 and "does not exist" in done.stderr
    assert gateway.requests == []


def test_unknown_fault_name_stops_the_runner(gateway):
    done = _run(["tools", "sdk", "run", *GUIDE, "--gateway-url", gateway.url], faults="backfill_typo")
    assert done.returncode == 2
    assert "unknown reference fault(s): backfill_typo" in done.stderr
    assert gateway.requests == []


def test_bad_gateway_url_is_refused():
    done = _run(["tools", "sdk", "run", *GUIDE, "--gateway-url", "gateway:8000"])
    assert done.returncode == 2 and "is not an http(s) URL" in done.stderr


def test_help_and_missing_command():
    assert _run(["tools", "sdk", "run", "--help"]).returncode == 0
    bare = _run([])
    assert bare.returncode == 2 and bare.stderr.count("\n") == 1


def test_credentials_in_the_gateway_url_are_never_printed(tmp_path):
    url = f"http://operator:s3cret-pass@127.0.0.1:{_closed_port()}"
    done = _run(["tools", "sdk", "run", *GUIDE, "--gateway-url", url, "--report", str(tmp_path / "r.json")])
    assert done.returncode == 3
    assert "s3cret-pass" not in done.stderr and "***@127.0.0.1" in done.stderr
    assert "s3cret-pass" not in (tmp_path / "r.json").read_text()
