"""The suite's side of a strategy run: the command template, the report it reads, the metrics text."""
from __future__ import annotations

import json
import os
import sys

import pytest

from qmtl_acceptance.config import DEFAULT_RUNNER_COMMAND, load_config
from qmtl_acceptance.errors import SuiteError
from qmtl_acceptance.runner import (
    RunnerReportError,
    build_command,
    expected_buckets,
    parse_prometheus,
    parse_report,
    runner_env,
    strategy_reference,
)


def test_template_is_split_before_it_is_filled():
    argv = build_command("{python} run {strategy} --end '{end}' --report {report}", {"strategy": "m:C", "end": "an hour later", "report": "/r x.json"})
    assert argv == [sys.executable, "run", "m:C", "--end", "an hour later", "--report", "/r x.json"]


def test_default_template_uses_every_placeholder_the_features_give():
    values = dict(strategy="m:C", start=1, end=2, world="w", gateway_url="http://g", live_bars=3, report="r.json")
    argv = build_command(DEFAULT_RUNNER_COMMAND, values)
    assert argv[:3] == [sys.executable, "-m", "qmtl_reference"] and "{" not in " ".join(argv)


def test_unknown_placeholder_is_one_clear_error():
    with pytest.raises(SuiteError, match=r"unknown placeholder \{speed\}"):
        build_command("{python} run {strategy} {speed}", {"strategy": "m:C"})


def test_faults_reach_only_a_reference_runner():
    config = load_config({"reference_faults": "backfill_drop_bucket"}, environ={})
    assert runner_env(config)["QMTL_REFERENCE_FAULTS"] == "backfill_drop_bucket"
    external = load_config({"target": "external", "gateway_url": "http://gw:8000"}, environ={})
    assert runner_env(external).get("QMTL_REFERENCE_FAULTS") == os.environ.get("QMTL_REFERENCE_FAULTS")


def test_strategy_roles_can_be_renamed_per_team():
    config = load_config({"backfill_strategy_without_history": "team.strategies:Bare"}, environ={})
    assert strategy_reference(config, "without history") == "team.strategies:Bare"
    assert strategy_reference(config, "sample") == "qmtl_reference.samples.sample_strategy:SampleStrategy"


def test_prometheus_text_with_labels_and_escapes():
    text = '# HELP x y\n# TYPE x gauge\nbackfill_last_timestamp{node_id="blake3:a\\"b",interval="60"} 1700003600\nbackfill_jobs_in_progress 0\n'
    samples = parse_prometheus(text)
    assert samples[("backfill_last_timestamp", frozenset({("node_id", 'blake3:a"b'), ("interval", "60")}))] == 1700003600
    assert samples[("backfill_jobs_in_progress", frozenset())] == 0
    with pytest.raises(RunnerReportError, match="line 1"):
        parse_prometheus("not a metric line at all")


def _report(**changes):
    report = {
        "ok": True,
        "window": {"start": 0, "end": 120},
        "submission": {"strategy_id": "s-1"},
        "streams": [{"name": "p", "node_id": "n", "interval": 60, "period": 2, "fetch_calls": [{"start": 0, "end": 120, "interval": 60}],
                     "loaded_ts": [0, 60], "missing_buckets": [], "cache": [{"ts": 0}, {"ts": 60}]}],
        "metrics": 'backfill_last_timestamp{node_id="n",interval="60"} 120\n',
        "live": {"processed": [{"seq": 3, "node_id": "n", "ts": 120}], "outputs": []},
        "timeline": [{"seq": 1, "event": "backfill_started"}, {"seq": 2, "event": "backfill_finished"}],
    }
    report.update(changes)
    return json.dumps(report)


def test_a_complete_report_is_read():
    report = parse_report(_report())
    assert report.stream("p").cache_ts == [0, 60]
    assert report.metric("backfill_last_timestamp", node_id="n", interval=60) == 120
    assert report.first_event_seq("backfill_finished") == 2
    assert report.strategy_id == "s-1"


def test_a_failure_report_reads_as_none():
    assert parse_report(json.dumps({"ok": False, "error": "bad"})) is None


@pytest.mark.parametrize(
    "text, where",
    [
        ("{not json", "not JSON"),
        (_report(streams=[]), "at streams"),
        (_report(window={"start": "0", "end": 120}), "at window/start"),
        (_report(submission={}), "at submission"),
    ],
)
def test_a_malformed_report_is_named(text, where):
    with pytest.raises(RunnerReportError, match=where):
        parse_report(text)


def test_expected_buckets_match_the_contract_example():
    buckets = expected_buckets(1700000000, 1700003600, 60)
    assert buckets[0] == 1700000040 and buckets[-5:] == [1700003340, 1700003400, 1700003460, 1700003520, 1700003580]
