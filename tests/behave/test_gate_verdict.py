"""The acceptance command as a release gate: every run ends in a true verdict, exit code and reports.

Each test runs the command (`python -m qmtl_acceptance.cli`, what
scripts/acceptance.sh runs) as a pipeline would, with its reports in a
private folder, and reads what it printed, its exit code and its reports.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from qmtl_acceptance.stack.workdirs import sweep_orphans

ROOT = Path(__file__).resolve().parents[2]
SUBMISSION = "features/strategies/submission_rules.feature"
# A long enough run to stop in the middle of, with no scenario that restarts a service.
LONG_RUN = ["features/strategies/submission_rules.feature", "features/events", "features/dagmanager"]
SLOW_MACHINE = "3"


def command(*args: str, reports: Path | None = None) -> list[str]:
    argv = [sys.executable, "-m", "qmtl_acceptance.cli", *args]
    if reports is not None:
        argv += ["-D", f"reports_dir={reports}"]
    return argv


def acceptance(*args: str, reports: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(command(*args, reports=reports), cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def junit_cases(folder: Path) -> list[ET.Element]:
    cases = []
    for report in sorted(folder.glob("*.xml")):
        cases += list(ET.parse(report).getroot().iter("testcase"))
    return cases


def allure_results(folder: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*-result.json"))]


def allure_global_errors(folder: Path) -> list[dict]:
    return [e for p in sorted(folder.glob("*-globals.json")) for e in json.loads(p.read_text()).get("errors", [])]


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def fake_previous_run(reports: Path) -> dict[Path, str]:
    """A finished run's reports, as a refused or --help invocation must leave them."""
    files = {
        reports / "junit" / "TESTS-smoke.xml": '<testsuite name="smoke"><testcase name="kept"/></testsuite>',
        reports / "allure-results" / "kept-result.json": '{"name": "kept", "status": "passed"}',
        reports / "html" / "index.html": "<html>kept</html>",
        reports / "logs" / "gateway.log": "kept log line\n",
        reports / "run.json": '{"scenarios_run": 1}',
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return files


def unchanged(files: dict[Path, str]) -> list[str]:
    return [str(p) for p, text in files.items() if not p.is_file() or p.read_text() != text]


# -- refused before anything starts: one line, exit 2, nothing touched --------------------------

@pytest.mark.parametrize(
    "args, message",
    [
        (["-D", "timout_scale=3"], "not run: unknown setting 'timout_scale': did you mean 'timeout_scale'?"),
        (["-D", "timeout_scale=fast"], "not run: setting timeout_scale='fast' is not a number"),
        (["-D", "target=prod"], "not run: setting target='prod' is unknown; choose one of: reference, qmtl, compose, external"),
        (["--tags=@nosuchtag"], "not run: no feature or scenario carries the tag @nosuchtag; the features carry: @backfill"),
        (["--tags=@smok"], "not run: no feature or scenario carries the tag @smok; did you mean @smoke?"),
        (["--tags=not @deviation.nosuch*"], "no feature or scenario carries the tag @deviation.nosuch*"),
        (["features/nosuchdomain"], "not run: no such feature path 'features/nosuchdomain'"),
        (["features/smoke", "--name", "no scenario is called this"], "not run: the selection is empty: no scenario matches"),
        (["--tags=@smoke and @events"], "not run: the selection is empty"),
    ],
)
def test_a_bad_request_is_refused_with_one_line_exit_2_and_no_report_touched(args, message, tmp_path):
    reports = tmp_path / "reports"
    kept = fake_previous_run(reports)
    done = acceptance(*args, reports=reports, timeout=60)
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert message in output, output
    assert len([line for line in output.splitlines() if line.strip()]) == 1, output
    assert "Traceback" not in output and "skipped" not in output
    assert unchanged(kept) == [] and not (reports / "previous").exists()


def test_a_valid_request_is_checked_without_starting_anything(tmp_path):
    done = acceptance("--check", "features/smoke", "--tags=not @deviation.*", reports=tmp_path / "reports", timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 scenarios selected; settings accepted (target reference)" in done.stdout
    assert not (tmp_path / "reports").exists()


def test_help_lists_the_suites_own_settings_targets_tags_faults_and_exit_codes_and_deletes_nothing(tmp_path):
    reports = tmp_path / "reports"
    kept = fake_previous_run(reports)
    done = acceptance("--help", reports=reports, timeout=60)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    for expected in ("timeout_scale", "gateway_url", "contract_version", "reference_faults", "backfill_strategy_<role>",
                     "external", "compose", "@smoke", "@deviation.jwks_symmetric_key", "@use.with_stores=visible",
                     "stopped_dagmanager_health", "wrong_world_claim", "130", "reports/previous/"):
        assert expected in text, f"--help does not mention {expected!r}:\n{text}"
    assert "usage: behave" not in text
    assert unchanged(kept) == []


# -- refused at start: the closing line, one error in JUnit and Allure, never a column of skips ----

def test_a_refused_start_is_one_error_in_junit_and_allure_and_keeps_the_previous_run(tmp_path):
    reports = tmp_path / "reports"
    kept = fake_previous_run(reports)
    closed_port = "http://127.0.0.1:9"
    started = time.monotonic()
    done = acceptance("features/smoke", "-D", "target=external", "-D", f"gateway_url={closed_port}", reports=reports, timeout=60)
    elapsed = time.monotonic() - started
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert elapsed < 8, f"a refused connection took {elapsed:.1f} s to report"
    assert last_line(done.stdout).startswith(f"not run: the Gateway at {closed_port} is unreachable: ConnectError"), output
    assert "ABORTED" not in output and "skipped" not in output.lower() and "Traceback" not in output, output
    cases = junit_cases(reports / "junit")
    assert len(cases) == 1, [ET.tostring(c) for c in cases]
    (error,) = list(cases[0])
    assert error.tag == "error" and "is unreachable" in error.get("message"), ET.tostring(cases[0])
    assert "A strategy submitted to each world is accepted and bound to that world" in error.text  # the scenarios it did not run, named
    errors = allure_global_errors(reports / "allure-results")
    assert len(errors) == 1 and "is unreachable" in errors[0]["message"], errors
    assert allure_results(reports / "allure-results") == []
    # The previous run moved aside whole, not deleted.
    moved = {reports / "previous" / p.relative_to(reports): text for p, text in kept.items()}
    assert unchanged(moved) == []
    assert "previous run: " in done.stdout


def test_a_boot_failure_names_the_probes_last_answer_and_the_log_tail(tmp_path):
    # A fifth of the boot deadline left a loaded machine's Gateway too little time to come up beside the broken
    # DAG Manager; half of it still ends the run long before a healthy boot's deadline would.
    done = acceptance("features/smoke", "-D", "reference_faults=stopped_dagmanager_health", "-D", "timeout_scale=0.5",
                      reports=tmp_path / "reports", timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    verdict = done.stdout[done.stdout.rindex("not run: "):]
    assert verdict.startswith("not run: the reference stack did not become ready within 15 s "
                              "(dagmanager: last answer HealthCheck.Status answers state 'stopped'"), verdict
    assert "worldservice: ready; gateway: ready" in verdict, verdict
    assert "dagmanager.log ends:\n    dagmanager: DELIBERATE FAULTS ACTIVE: stopped_dagmanager_health" in verdict, verdict
    assert "Connection refused" not in output and "Traceback" not in output, output


# -- a run that ran -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    """One real run with skips (the 2026-02 rows do not apply at contract 2026-04)."""
    reports = tmp_path_factory.mktemp("finished") / "reports"
    done = acceptance(SUBMISSION, "-D", f"timeout_scale={SLOW_MACHINE}", reports=reports)
    return done, reports


def test_a_passing_run_exits_0_and_names_where_each_report_is(finished_run):
    done, reports = finished_run
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    passed = len([c for c in junit_cases(reports / "junit") if c.get("status") == "passed"])
    assert last_line(done.stdout) == f"{passed} passed, 0 failed, 3 skipped", done.stdout[-2000:]
    for where in (f"JUnit: {reports}/junit/", f"Allure results: {reports}/allure-results/", f"HTML: {reports}/html/index.html",
                  f"service logs: {reports}/logs/"):
        assert where in done.stdout, done.stdout[-2000:]
    summary = json.loads((reports / "run.json").read_text())
    assert summary["exit_code"] == 0 and summary["scenarios_run"] == passed + 3


def test_skip_reasons_are_in_the_console_junit_and_allure(finished_run):
    done, reports = finished_run
    reason = "describes QMTL contract 2026-02; this run holds the target to 2026-04 (-D contract_version=...)"
    skipped = [c for c in junit_cases(reports / "junit") if c.get("status") == "skipped"]
    assert len(skipped) == 3
    for case in skipped:
        (element,) = list(case)
        assert element.tag == "skipped" and element.get("message") == reason, ET.tostring(case)
    allure_skipped = [r for r in allure_results(reports / "allure-results") if r["status"] == "skipped"]
    assert len(allure_skipped) == 3 and all(r["statusDetails"]["message"] == reason for r in allure_skipped), allure_skipped
    assert "# None" not in done.stdout
    # Outline rows are named by their place among the feature's tables: "-- @<table>.<row> <table name>".
    row = r"Submitting a strategy without world ids -- @\d+\.1 World ids at QMTL 2026-02"
    assert re.search(f"qmtl-acceptance: skipping scenario '{row}': {re.escape(reason)}", done.stderr), done.stderr[-2000:]
    listing = done.stdout[done.stdout.rindex("3 skipped:"):]
    assert re.search(f"Strategy submission rules: {row}: {re.escape(reason)}", listing), listing


def test_a_step_that_cannot_verify_its_property_fails_with_the_reason_instead_of_skipping():
    from behave.model import Scenario

    from qmtl_acceptance.run.skips import CannotVerify, refuse_late_skips

    scenario = Scenario("f.feature", 1, "Scenario", "probe")
    refuse_late_skips(scenario)
    with pytest.raises(CannotVerify, match="cannot verify its property on this stack: no key the Gateway trusts"):
        scenario.skip("no key the Gateway trusts")
    scenario.skip("behave marks a scenario it never ran", require_not_executed=True)
    assert scenario.skip_reason == "behave marks a scenario it never ran"


# -- a run stopped in the middle ------------------------------------------------------------------

def _children(pid: int) -> dict[int, str]:
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            found[int(entry.name)] = cmdline
    return found


def _service_pid(runner: int, service: str) -> int:
    needle = {"gateway": "qmtl_reference.gateway", "redis": "redis-server", "postgres": "postgres -D"}[service]
    matches = [pid for pid, cmdline in _children(runner).items() if needle in cmdline]
    assert len(matches) == 1, f"{service}: {matches} among {_children(runner)}"
    return matches[0]


class MidRun:
    """A run started in the background, stopped by the test once some scenarios have finished."""

    def __init__(self, reports: Path, args=LONG_RUN):
        self.reports = reports
        self.log = reports.parent / "output.txt"
        reports.parent.mkdir(parents=True, exist_ok=True)
        self._out = open(self.log, "w")
        self.proc = subprocess.Popen(command(*args, "-D", f"timeout_scale={SLOW_MACHINE}", reports=reports),
                                     cwd=ROOT, stdout=self._out, stderr=subprocess.STDOUT, text=True)

    def wait_for_finished_scenarios(self, count: int, within: float = 120) -> int:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.output()
            if "first scenario starts" not in self.output():
                time.sleep(0.1)
                continue
            try:
                done = len(junit_cases(self.reports / "junit"))
            except ET.ParseError as exc:  # a half-written file would be a defect of the streaming writer
                raise AssertionError(f"JUnit unreadable mid-run: {exc}") from None
            if done >= count:
                return done
            time.sleep(0.1)
        raise AssertionError(f"fewer than {count} scenarios finished within {within} s:\n{self.output()}")

    def wait(self, within: float) -> int:
        try:
            return self.proc.wait(timeout=within)
        finally:
            self._out.flush()

    def output(self) -> str:
        self._out.flush()
        return self.log.read_text(errors="replace")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._out.close()


@pytest.fixture
def mid_run(tmp_path):
    runs = []

    def start(reports: Path | None = None, **kwargs) -> MidRun:
        runs.append(MidRun(reports or tmp_path / "reports", **kwargs))
        return runs[-1]

    yield start
    for run in runs:
        run.close()


def _assert_not_run_recorded(reports: Path, cause: str, output: str) -> None:
    cases = junit_cases(reports / "junit")
    errors = [c for c in cases if any(child.tag == "error" for child in c)]
    assert len(errors) == 1, output[-3000:]
    (error,) = list(errors[0])
    assert cause in error.get("message") and "not run" in error.get("message"), ET.tostring(errors[0])
    assert not any(c.get("status") == "skipped" for c in cases)
    (allure_error,) = allure_global_errors(reports / "allure-results")
    assert cause in allure_error["message"], allure_error


def test_an_interrupt_exits_130_and_says_after_how_many_scenarios(mid_run, finished_run):
    # Into the folder of the finished run: it must survive as reports/previous/.
    _, reports = finished_run
    earlier = {p.name: p.read_text() for p in (reports / "junit").glob("*.xml")}
    run = mid_run(reports)
    finished = run.wait_for_finished_scenarios(2)
    assert {p.name: p.read_text() for p in (reports / "previous" / "junit").glob("*.xml")} == earlier
    run.proc.send_signal(signal.SIGINT)
    code = run.wait(within=30)
    output = run.output()
    assert code == 130, output[-3000:]
    verdict = last_line(output)
    assert verdict.startswith("interrupted after "), verdict
    ran, total = verdict[len("interrupted after "):].split(" scenarios")[0].split(" of ")
    assert int(ran) >= finished and int(total) > int(ran), verdict
    assert f"{int(total) - int(ran)} not run)" in verdict, verdict
    _assert_not_run_recorded(run.reports, "interrupted after", output)


def test_a_sigkilled_runner_leaves_every_finished_scenario_readable(mid_run):
    run = mid_run()
    finished = run.wait_for_finished_scenarios(3)
    children = _children(run.proc.pid)
    run.proc.kill()
    run.proc.wait()
    for pid in children:  # what PDEATHSIG did not reach (Postgres runs as another user)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    sweep_orphans()
    cases = junit_cases(run.reports / "junit")
    assert len(cases) >= finished and all(c.get("status") in ("passed", "failed", "skipped") for c in cases)
    names = {c.get("name") for c in cases}
    allure_names = {r["name"] for r in allure_results(run.reports / "allure-results")}
    assert names <= allure_names, names - allure_names
    page = (run.reports / "html" / "index.html").read_text()
    assert page.rstrip().endswith("</html>") and all(name.split(" -- @")[0] in page for name in names)


@pytest.mark.parametrize("service", ["gateway", "redis", "postgres"])
def test_a_service_dying_mid_run_stops_the_run_within_10_s_naming_it(service, mid_run):
    run = mid_run()
    run.wait_for_finished_scenarios(2)
    os.kill(_service_pid(run.proc.pid, service), signal.SIGKILL)
    killed = time.monotonic()
    code = run.wait(within=60)
    took = time.monotonic() - killed
    output = run.output()
    assert took < 10, f"the run went on {took:.1f} s after {service} died:\n{output[-3000:]}"
    assert code == 1, output[-3000:]
    cause = f"the {service} process exited (killed by SIGKILL)."
    assert f"qmtl-acceptance: stopping the run: {cause}\nIts log " in output, output[-3000:]
    verdict = last_line(output)
    assert verdict.startswith("stopped after ") and verdict.count(cause) == 1 and "not run)" in verdict, verdict
    failed = int(verdict.split(" passed, ")[1].split(" failed")[0])
    assert failed <= 1, verdict  # at most the scenario in flight fails; none after it
    _assert_not_run_recorded(run.reports, cause, output)


# -- the verdict's arithmetic ----------------------------------------------------------------------

def _ledger(*statuses: str, selected: int | None = None, stop=None):
    from qmtl_acceptance.run.outcome import RunLedger, ScenarioKey, ScenarioResult

    ledger = RunLedger()
    keys = [ScenarioKey("F", f"s{i}") for i in range(selected if selected is not None else len(statuses))]
    ledger.selected = keys
    for key, status in zip(keys, statuses, strict=False):
        ledger.record(ScenarioResult(key, status, "why" if status == "skipped" else ""))
    if stop:
        ledger.stop_once(*stop)
    return ledger


@pytest.mark.parametrize(
    "statuses, selected, stop, code, line",
    [
        (("passed", "passed"), None, None, 0, "2 passed, 0 failed, 0 skipped"),
        (("passed", "skipped"), None, None, 0, "1 passed, 0 failed, 1 skipped"),
        (("passed", "failed", "skipped"), None, None, 1, "1 passed, 1 failed, 1 skipped"),
        (("failed",), None, None, 1, "0 passed, 1 failed, 0 skipped"),
        (("skipped", "skipped"), None, None, 2, "nothing tested: all 2 selected scenarios were skipped"),
        ((), 3, ("not_started", "the stack would not start"), 2, "not run: the stack would not start"),
        (("passed", "failed"), 5, ("interrupted", "interrupted by SIGINT"), 130,
         "interrupted after 2 of 5 scenarios (1 passed, 1 failed, 0 skipped; 3 not run)"),
        (("passed",), 4, ("stack_failed", "the redis process exited (killed by SIGKILL).\nIts log ends:"), 1,
         "stopped after 1 of 4 scenarios: the redis process exited (killed by SIGKILL). (1 passed, 0 failed, 0 skipped; 3 not run)"),
    ],
)
def test_each_exit_code_has_one_meaning(statuses, selected, stop, code, line):
    ledger = _ledger(*statuses, selected=selected, stop=stop)
    assert (ledger.exit_code(), ledger.closing_line()) == (code, line)


def test_the_first_reason_to_stop_is_kept():
    ledger = _ledger("passed", selected=3, stop=("stack_failed", "the gateway process exited (exit code 1)."))
    assert ledger.stop_once("interrupted", "interrupted by SIGINT") is False
    assert ledger.exit_code() == 1 and "gateway" in ledger.closing_line()


def test_signing_is_a_capability_known_at_start():
    from qmtl_acceptance.run.skips import signing_capability, skip_reason

    assert signing_capability({"k1": b"pem"}, None) == "available"
    assert signing_capability({}, {"keys": [{"kty": "oct", "kid": "default", "k": "c2VjcmV0"}]}) == "available"
    assert signing_capability({}, {"keys": [{"kty": "EC", "kid": "k1", "x": "..", "y": ".."}]}) == "unavailable"
    assert signing_capability({}, None) == "unavailable"
    reason = skip_reason({"signing": "unavailable"}, ["events", "use.with_signing=available"], "external")
    assert reason.startswith("presents tokens signed as the Gateway signs, and the external target gives the suite no key")
    assert skip_reason({"signing": "available"}, ["use.with_signing=available"], "reference") is None
