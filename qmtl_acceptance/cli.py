"""`qmtl-acceptance`: check the request, run the features with behave, and close with one true verdict.

Before anything starts or any report is touched, the settings, paths and
tags are checked and the selection counted; a mistake there is one line and
exit 2. Then the previous run's reports move to `reports/previous/`, behave
runs in this process (so the hooks and this command share one ledger), and
the run ends with the skips and their reasons, one closing line, and where
each report is. Exit codes: see `qmtl_acceptance.run.outcome`.

    qmtl-acceptance [--check] [behave arguments]     run (or only check) a selection
    qmtl-acceptance --help                           the suite's settings, targets, tags, faults, exit codes
    qmtl-acceptance stack [-D name=value ...]        start a stack by hand, print its URLs, stop on Ctrl-C
"""
from __future__ import annotations

import builtins
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from .config import PROJECT_ROOT, load_config
from .errors import SuiteError
from .run import allure_results, interrupts, junit, outcome, reports, selection

PROG = "qmtl-acceptance"


def scenario_counts(junit_dir: Path) -> tuple[int, int, int]:
    """passed, failed, skipped scenarios in a folder of JUnit files (outside the run ledger's reach)."""
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


def _chose_formats(args: list[str]) -> bool:
    return any(a in ("-f", "--format") or a.startswith("--format=") for a in args)


def with_report_formats(args: list[str], reports_dir: Path = Path("reports")) -> list[str]:
    """behave's arguments for a run: the console, Allure and HTML reports unless the caller chose formats,
    and always the recorder (JUnit as the run goes, and the ledger the verdict is read from).

    They live here rather than in behave's configuration, because behave adds
    configured formats to any given on its command line, and a run started
    with its own formats (a test, a quick check) must not write the others.
    behave's JUnit reporter and summary are off: the recorder and the closing
    line replace them, and neither reports a run that never started as skips.
    """
    extra: list[str] = []
    if not _chose_formats(args):
        extra += ["-f", "qmtl_acceptance.run.console:Console", "-o", "-"]
        extra += ["-f", "qmtl_acceptance.report_formatter:AllureFormatter", "-o", str(reports_dir / "allure-results")]
        extra += ["-f", "qmtl_acceptance.run.html_stream:StreamingHTMLFormatter", "-o", str(reports_dir / "html" / "index.html")]
    extra += ["-f", "qmtl_acceptance.run.recorder:RunRecorder", "-o", str(reports_dir / "junit")]
    extra += ["--no-junit"]
    if "--summary" not in args:
        extra += ["--no-summary"]
    return extra + args


def _say(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


def _print_unless_false_abort(*values, **kwargs):
    # behave says "ABORTED: By user." whenever a run is aborted, also when the
    # stack refused to start or a service died; the closing line says what happened.
    text = " ".join(map(str, values)).strip()
    stop = outcome.ledger().stop
    if stop is not None and stop.kind != "interrupted" and text.startswith("ABORTED:"):
        return
    if text.startswith("USING RUNNER:"):  # behave's own plumbing, not news to a person
        return
    builtins.print(*values, **kwargs)


def _run_behave(args: list[str]) -> None:
    import behave.__main__
    import behave.runner
    from behave.__main__ import main as behave_main

    behave.runner.print = _print_unless_false_abort
    behave.__main__.print = _print_unless_false_abort
    try:
        behave_main(args)
    except KeyboardInterrupt:
        outcome.ledger().stop_once("interrupted", "interrupted")


def _finish(reports_dir: Path, ledger: outcome.RunLedger, target: str = "", failures: bool = False) -> int:
    if ledger.results:
        from .run.distribute import record_durations

        record_durations(reports_dir, ledger.results)
    if ledger.stop is not None:
        junit.write_stop(reports_dir / "junit", ledger)
        try:
            allure_results.write_stop_error(reports_dir / "allure-results", ledger)
        except Exception as exc:  # the JUnit error and the closing line still tell
            _say(f"could not write the Allure error: {exc}")
    reports.write_summary(reports_dir, ledger, target)
    try:
        from .pages import living_docs

        living_docs.write(PROJECT_ROOT / "features", reports_dir)
    except Exception as exc:  # a page that cannot be drawn never changes the verdict
        _say(f"could not write the living documentation: {exc}")
    out = sys.stdout
    failed = [r for r in ledger.results if r.status == "failed"]
    if failures and failed:  # workers' consoles went to their logs: name each failure here
        print(f"\n{len(failed)} failed:", file=out)
        for result in failed:
            print(f"  {result.key.feature}: {result.key.name}: {result.message}", file=out)
    skipped = ledger.skip_list()
    if skipped:
        print(f"\n{len(skipped)} skipped:", file=out)
        for line in skipped:
            print(f"  {line[len('skipped: '):]}", file=out)
    print("\nreports:", file=out)
    for line in reports.locations(reports_dir):
        print(line, file=out)
    print(f"\n{ledger.closing_line()}", file=out, flush=True)
    return ledger.exit_code()


def _shard_of(chosen: selection.Selection, shard: tuple[int, int], reports_dir: Path) -> list:
    from .run import distribute

    index, total = shard
    items = distribute.split(chosen.items, total, distribute.load_durations(reports_dir))[index - 1]
    if not items:
        raise SuiteError(f"shard {index}/{total} holds no scenario: the selection has {len(chosen.items)} "
                         f"scenarios for {total} shards")
    return items


def run(args: list[str]) -> int:
    from .run.distribute import location_args, take_run_options

    check_only = "--check" in args
    args = [a for a in args if a != "--check"]
    interrupts.install()
    try:
        args, workers, shard = take_run_options(args)
        configuration = selection.behave_configuration(args)
        config = load_config(selection.userdata(configuration))
        chosen = selection.select(args, configuration)
        items = _shard_of(chosen, shard, config.reports_dir) if shard else chosen.items
    except SuiteError as exc:
        _say(f"not run: {exc}")
        return outcome.NOT_STARTED
    where = f" (shard {shard[0]}/{shard[1]} of {len(chosen.items)})" if shard else ""
    if check_only:
        part = f"; shard {shard[0]}/{shard[1]} of {len(chosen.items)}" if shard else ""
        print(f"{len(items)} scenarios selected; settings accepted (target {config.target}{part})")
        return 0
    dry_run = "--dry-run" in args or "-d" in args
    ledger = outcome.reset()
    ledger.selected = [item.key for item in items]
    reports.rotate(config.reports_dir)
    allure_results.show_skip_reasons()
    if workers > 1 and not dry_run:
        from .run.parallel import run_parallel

        run_parallel(args, items, workers, config.reports_dir, config,
                     lambda phase_args: _run_behave(with_report_formats(phase_args, _phase_reports(phase_args))))
        return _finish(config.reports_dir, ledger, config.target, failures=True)
    if shard:
        import os

        listed = config.reports_dir / ".selection" / f"shard-{shard[0]}-of-{shard[1]}.list"
        args = location_args(args, items, listed)
        os.environ[selection.LIST_ENV] = str(listed)
    _run_behave(with_report_formats(args, config.reports_dir))
    if dry_run:
        print(f"\ndry run: {len(items)} scenarios selected{where}, none run", flush=True)
        return 0
    return _finish(config.reports_dir, ledger, config.target)


def _phase_reports(args: list[str]) -> Path:
    return Path(selection.userdata(selection.behave_configuration(args)).get("reports_dir", "reports"))


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args[:1] == ["stack"]:
            from .stack_command import main as stack_main

            return stack_main(args[1:])
        if any(a in ("-h", "--help") for a in args):
            from .help import help_text

            print(help_text())
            return 0
        return run(args)
    except KeyboardInterrupt:
        print("\ninterrupted", flush=True)
        return outcome.INTERRUPTED


if __name__ == "__main__":
    raise SystemExit(main())
