"""The QMTL SDK adapter's pieces that need no QMTL: its command line, bars, report, Gateway answers, one-line failures."""
from __future__ import annotations

import argparse
import json
from types import SimpleNamespace

import pytest

from qmtl_sdk_adapter import cli
from qmtl_sdk_adapter.args import check_report_path, parser, validate
from qmtl_sdk_adapter.bars import buckets_in, first_bucket_at_or_after, merged_in_event_time, missing_buckets, read_bars
from qmtl_sdk_adapter.errors import EXIT_BAD_INPUT, EXIT_GATEWAY, AdapterError
from qmtl_sdk_adapter.gateway import display_url, submission_from
from qmtl_sdk_adapter.report import Timeline, backfill_metrics
from qmtl_sdk_adapter.samples import __file__ as samples_init
from tests.support import PROJECT_ROOT

NOW = 1800000000
ONE_MINUTE = PROJECT_ROOT / "qmtl_reference" / "data" / "btc_usd_1m.csv"


def _args(**given) -> argparse.Namespace:
    values = {"strategy": "m:C", "start_time": "1700000000", "end_time": "1700003600", "world": "w",
              "gateway_url": "http://127.0.0.1:8000", "live_bars": "3", "report": None, "gateway_timeout": "5"}
    return argparse.Namespace(**{**values, **given})


def test_a_good_command_is_read_with_its_values():
    args = validate(parser().parse_args(["tools", "sdk", "run", "m:C", "--start-time", "1700000000", "--end-time", "1700003600",
                                         "--world", "alpha", "--gateway-timeout", "15"]), now=NOW)
    assert (args.strategy, args.start, args.end, args.world, args.live_bars, args.gateway_timeout) == ("m:C", 1700000000, 1700003600, "alpha", 5, 15.0)
    assert args.gateway_url == "http://127.0.0.1:8000"


@pytest.mark.parametrize("given, mention", [
    ({"start_time": "1700003600", "end_time": "1700000000"}, "is before --start-time"),
    ({"end_time": "1700000000"}, "would be empty"),
    ({"start_time": "1700000000.5"}, "not a whole number"),
    ({"end_time": "an hour later"}, "not a whole number"),
    ({"start_time": "-60"}, "before 1970"),
    ({"end_time": str(NOW + 1)}, "in the future"),
    ({"live_bars": "-1"}, "--live-bars"),
    ({"world": "  "}, "--world is empty"),
    ({"gateway_url": "ftp://gw"}, "not an http(s) URL"),
    ({"gateway_url": "http://user:pw@gw:99999"}, "invalid port"),
    ({"gateway_timeout": "0"}, "between 0 and 600"),
    ({"gateway_timeout": "600.5"}, "between 0 and 600"),
    ({"gateway_timeout": "soon"}, "not a number of seconds"),
])
def test_each_bad_value_is_refused_with_its_reason(given, mention):
    with pytest.raises(AdapterError) as caught:
        validate(_args(**given), now=NOW)
    assert mention in str(caught.value) and caught.value.exit_code == EXIT_BAD_INPUT
    assert "pw" not in str(caught.value)


@pytest.mark.parametrize("given", [
    {"end_time": str(NOW)},           # up to now is allowed; one second later is the future
    {"end_time": "1700000001"},       # one second is a window
    {"gateway_timeout": "600"},
    {"gateway_timeout": "0.1"},
    {"live_bars": "0"},
])
def test_the_other_side_of_each_boundary_is_accepted(given):
    validate(_args(**given), now=NOW)


def test_an_unknown_command_is_one_line_not_a_usage_text():
    with pytest.raises(AdapterError, match="invalid choice"):
        parser().parse_args(["tools", "sdk", "launch"])


def test_a_report_path_that_is_a_directory_or_in_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(AdapterError, match="is a directory"):
        check_report_path(tmp_path)
    with pytest.raises(AdapterError, match="does not exist"):
        check_report_path(tmp_path / "missing" / "r.json")
    check_report_path(tmp_path / "r.json")


def test_buckets_are_interval_aligned_and_half_open():
    window = buckets_in(1700000000, 1700003600, 60)
    assert (window[0], window[-1], len(window)) == (1700000040, 1700003580, 60)
    assert buckets_in(1700000040, 1700000100, 60) == [1700000040]
    assert buckets_in(1700000041, 1700000101, 60) == [1700000100]
    assert first_bucket_at_or_after(1700003600, 60) == 1700003640
    assert first_bucket_at_or_after(1700003640, 60) == 1700003640
    assert missing_buckets(1700000000, 1700000200, 60, [1700000040, 1700000160]) == [1700000100]


def test_the_shipped_history_is_read_inside_the_window_only_with_its_gap():
    rows = read_bars(ONE_MINUTE, 1700006400, 1700008200)
    ts = [row["ts"] for row in rows]
    assert min(ts) >= 1700006400 and max(ts) < 1700008200
    assert missing_buckets(1700006400, 1700008200, 60, ts) == [1700007180, 1700007240, 1700007300]
    assert isinstance(rows[0]["close"], float)
    assert read_bars(ONE_MINUTE, 1700003600, 1700003600) == []


def test_a_history_file_without_ts_is_named(tmp_path):
    bad = tmp_path / "bars.csv"
    bad.write_text("time,close\n1,2\n")
    with pytest.raises(ValueError, match="bars.csv has no 'ts' column"):
        read_bars(bad, 0, 10)


def test_live_bars_merge_in_event_time_ties_in_stream_order():
    merged = merged_in_event_time([("price", [{"ts": 300}, {"ts": 360}]), ("trend", [{"ts": 300}, {"ts": 0}])])
    assert [(s, r["ts"]) for s, r in merged] == [("trend", 0), ("price", 300), ("trend", 300), ("price", 360)]


def test_only_the_backfill_families_of_qmtls_registry_are_reported():
    text = "\n".join([
        "# HELP backfill_last_timestamp Latest", "# TYPE backfill_last_timestamp gauge",
        'backfill_last_timestamp{interval="60",node_id="n"} 1.7000036e+09',
        "# HELP node_processed_total Processed", "# TYPE node_processed_total counter", 'node_processed_total{node_id="n"} 3.0',
        "backfill_jobs_in_progress 0.0",
    ])
    kept = backfill_metrics(text).splitlines()
    assert kept == ["# HELP backfill_last_timestamp Latest", "# TYPE backfill_last_timestamp gauge",
                    'backfill_last_timestamp{interval="60",node_id="n"} 1.7000036e+09', "backfill_jobs_in_progress 0.0"]


def test_the_timeline_numbers_events_in_order():
    timeline = Timeline()
    first, second = timeline.record("a", x=1), timeline.record("b")
    assert (first["seq"], second["seq"], first["x"]) == (1, 2, 1)


def test_qmtls_answers_to_a_submission_become_a_submission_or_one_line():
    ack = SimpleNamespace(strategy_id="s-1")
    assert submission_from(ack, "http://gw").http_status == 202
    duplicate = submission_from({"error": "duplicate strategy", "strategy_id": "s-0"}, "http://gw")
    assert (duplicate.strategy_id, duplicate.http_status, duplicate.duplicate) == ("s-0", 409, True)
    cases = [
        ({"error": "gateway error 503"}, "the Gateway refused the strategy: HTTP 503"),
        ({"error": "gateway error 500"}, "the Gateway refused the strategy: HTTP 500"),
        ({"error": "invalid strategy payload"}, "the Gateway refused the strategy: HTTP 422"),
        ({"error": "duplicate strategy"}, "the Gateway refused the strategy: HTTP 409"),
        ({"error": "Server disconnected without sending a response."}, "submitting to the Gateway at http://***@gw failed: Server disconnected"),
        ({"error": "timed out"}, "failed: timed out"),
    ]
    for answer, line in cases:
        with pytest.raises(AdapterError) as caught:
            submission_from(answer, "http://u:secret@gw")
        assert line in str(caught.value) and caught.value.exit_code == EXIT_GATEWAY, (answer, str(caught.value))
        assert "secret" not in str(caught.value)


def test_credentials_never_show_in_a_displayed_url():
    assert display_url("http://u:p@gw:8000/x") == "http://***@gw:8000/x"
    assert display_url("http://gw:8000") == "http://gw:8000"


def test_a_bad_command_exits_2_with_one_line_and_a_failure_report(tmp_path, capsys):
    report = tmp_path / "r.json"
    code = cli.main(["tools", "sdk", "run", "m:C", "--start-time", "1700003600", "--end-time", "1700000000", "--report", str(report)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and err.startswith("qmtl-sdk-adapter: error: --end-time 1700000000 is before")
    data = json.loads(report.read_text())
    assert (data["ok"], data["exit_code"], data["submission"]["submitted"]) == (False, 2, False)
    assert data["error"] in err


def test_without_qmtl_a_good_command_says_which_python_to_use(tmp_path, capsys):
    code = cli.main(["tools", "sdk", "run", "m:C", "--start-time", "1700000000", "--end-time", "1700003600", "--report", str(tmp_path / "r.json")])
    err = capsys.readouterr().err
    assert code == 1 and "no usable QMTL SDK" in err and "the Python QMTL is installed in" in err and err.count("\n") == 1


def test_the_samples_read_the_shipped_history_files():
    from pathlib import Path

    data = Path(samples_init).resolve().parents[2] / "qmtl_reference" / "data"
    assert (data / "btc_usd_1m.csv").is_file() and (data / "btc_usd_5m.csv").is_file()


@pytest.mark.parametrize("file_name, line", [("bad_ts_line_2.csv", 2), ("blank_row_line_3.csv", 3), ("fractional_ts_line_5.csv", 5)])
def test_a_broken_history_row_is_named_by_its_line_in_the_file(file_name, line):
    with pytest.raises(ValueError, match=f"^{file_name} line {line}: ts is not an epoch second$"):
        read_bars(PROJECT_ROOT / "qmtl_reference" / "samples" / "history" / file_name, 0, 2**62)


def test_a_history_file_of_its_header_alone_holds_no_bar():
    assert read_bars(PROJECT_ROOT / "qmtl_reference" / "samples" / "history" / "header_only.csv", 0, 2**62) == []


def test_the_adapter_has_every_strategy_role_the_backfill_features_name():
    from qmtl_acceptance.runner import ADAPTER_STRATEGIES, STRATEGIES

    assert set(ADAPTER_STRATEGIES) == set(STRATEGIES)
