"""The acceptance command: report formats by default, the recorder always, and one plain closing line."""
from pathlib import Path

from qmtl_acceptance.cli import scenario_counts, with_report_formats

RECORDER = "qmtl_acceptance.run.recorder:RunRecorder"


def _formats(args):
    return [(args[i + 1], args[i + 3]) for i, a in enumerate(args) if a == "-f"]


def test_default_run_writes_console_allure_html_and_streamed_junit_reports():
    args = with_report_formats(["features/smoke"], Path("out"))
    assert args[-1] == "features/smoke"
    assert _formats(args) == [
        ("qmtl_acceptance.run.console:Console", "-"),
        ("qmtl_acceptance.report_formatter:AllureFormatter", "out/allure-results"),
        ("qmtl_acceptance.run.html_stream:StreamingHTMLFormatter", "out/html/index.html"),
        (RECORDER, "out/junit"),
    ]
    # behave's own JUnit (written per feature, skips for a run that never started) and summary are off.
    assert "--no-junit" in args and "--no-summary" in args


def test_chosen_formats_are_kept_and_only_the_recorder_is_added():
    args = with_report_formats(["-f", "plain", "features"])
    assert args[-3:] == ["-f", "plain", "features"]
    assert args[:4] == ["-f", RECORDER, "-o", "reports/junit"] and args.count("-f") == 2
    assert with_report_formats(["--format=progress", "--summary"])[-2:] == ["--format=progress", "--summary"]
    assert "--no-summary" not in with_report_formats(["--summary"])


def test_scenario_counts_read_junit(tmp_path):
    (tmp_path / "TESTS-a.xml").write_text(
        '<testsuite><testcase name="ok"/><testcase name="bad"><failure message="x"/></testcase>'
        '<testcase name="err"><error message="y"/></testcase><testcase name="skip"><skipped/></testcase></testsuite>'
    )
    assert scenario_counts(tmp_path) == (1, 2, 1)
