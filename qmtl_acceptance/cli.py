"""`qmtl-acceptance`: run the features with behave and close with one summary line.

behave's own summary is per kind (features, scenarios, steps); release
pipelines want the scenario count in one plain line, so this prints
`N passed, N failed, N skipped` after behave is done, read from the JUnit files.
"""
from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def scenario_counts(junit_dir: Path) -> tuple[int, int, int]:
    passed = failed = skipped = 0
    for report in junit_dir.glob("*.xml"):
        for case in ET.parse(report).getroot().iter("testcase"):
            kinds = {child.tag for child in case}
            if kinds & {"failure", "error"}:
                failed += 1
            elif "skipped" in kinds or case.get("status") == "skipped":
                skipped += 1
            else:
                passed += 1
    return passed, failed, skipped


REPORT_FORMATS = [
    ("pretty", "-"),
    ("allure_behave.formatter:AllureFormatter", "reports/allure-results"),
    ("behave_html_pretty_formatter:PrettyHTMLFormatter", "reports/html/index.html"),
]


def with_report_formats(args: list[str]) -> list[str]:
    """Add the console, Allure and HTML reports unless the caller chose formats.

    They live here rather than in behave's configuration, because behave adds
    configured formats to any given on its command line, and a run started
    with its own formats (a test, a quick check) must not write into reports/.
    """
    if any(a in ("-f", "--format") or a.startswith("--format=") for a in args):
        return args
    extra: list[str] = []
    for name, outfile in REPORT_FORMATS:
        extra += ["-f", name, "-o", outfile]
    return extra + args


def main(argv: list[str] | None = None) -> int:
    from behave.__main__ import main as behave_main

    args = with_report_formats(list(sys.argv[1:] if argv is None else argv))
    code = behave_main(args)
    junit_dir = Path("reports/junit")
    passed, failed, skipped = scenario_counts(junit_dir)
    if passed + failed + skipped:
        print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return int(code or 0)


if __name__ == "__main__":
    raise SystemExit(main())
