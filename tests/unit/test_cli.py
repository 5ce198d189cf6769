"""The acceptance command: report formats by default, and one plain closing line."""
from qmtl_acceptance.cli import scenario_counts, with_report_formats


def test_default_run_writes_console_allure_and_html_reports():
    args = with_report_formats(["features/smoke"])
    assert args[-1] == "features/smoke"
    formats = [args[i + 1] for i, a in enumerate(args) if a == "-f"]
    assert formats == ["pretty", "allure_behave.formatter:AllureFormatter", "behave_html_pretty_formatter:PrettyHTMLFormatter"]
    assert "reports/allure-results" in args and "reports/html/index.html" in args


def test_chosen_formats_are_left_alone():
    assert with_report_formats(["-f", "plain", "features"]) == ["-f", "plain", "features"]
    assert with_report_formats(["--format=progress"]) == ["--format=progress"]


def test_scenario_counts_read_junit(tmp_path):
    (tmp_path / "TESTS-a.xml").write_text(
        '<testsuite><testcase name="ok"/><testcase name="bad"><failure message="x"/></testcase>'
        '<testcase name="err"><error message="y"/></testcase><testcase name="skip"><skipped/></testcase></testsuite>'
    )
    assert scenario_counts(tmp_path) == (1, 2, 1)
