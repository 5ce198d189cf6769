"""`-n N` and `--shard i/N`: the split covers every scenario exactly once, and a parallel run is one run."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from qmtl_acceptance.errors import ConfigError
from qmtl_acceptance.run import distribute, merge, selection
from qmtl_acceptance.run.outcome import ScenarioKey

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def full():
    return selection.select([]).items


def _cli(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qmtl_acceptance.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("shards", [1, 2, 3, 4, 7])
def test_the_shards_together_are_exactly_one_full_run(full, shards):
    parts = distribute.split(full, shards, {})
    every = Counter(item.location for part in parts for item in part)
    assert sorted(every) == sorted(i.location for i in full)
    assert set(every.values()) == {1}, "a scenario landed in two shards"
    assert all(parts), "a shard is empty although there are more scenarios than shards"


def test_the_split_balances_recorded_durations_and_is_deterministic(full):
    durations = {distribute.duration_key(i.key): (10.0 if n < 3 else 0.1) for n, i in enumerate(full)}
    first = distribute.split(full, 3, durations)
    assert first == distribute.split(list(reversed(full)), 3, durations), "the split depends on the input order"
    slow = [sum(distribute.duration_key(i.key) in durations and durations[distribute.duration_key(i.key)] == 10.0
                for i in part) for part in first]
    assert slow == [1, 1, 1], "the three slow scenarios must go to three different shards"
    loads = [sum(durations[distribute.duration_key(i.key)] for i in part) for part in first]
    assert max(loads) - min(loads) <= 0.1 + 1e-9


def test_an_untimed_scenario_counts_as_the_median_of_the_timed(full):
    few = full[:3]
    durations = {distribute.duration_key(few[0].key): 2.0, distribute.duration_key(few[1].key): 4.0}
    assert distribute.estimates(few, durations)[few[2].key] == 3.0
    assert set(distribute.estimates(few, {}).values()) == {1.0}


def test_a_listed_shard_runs_exactly_its_scenarios_in_behave(full, tmp_path, monkeypatch):
    """The list a worker or shard is handed selects exactly its scenarios, outline rows included, and
    behave's dry run of it names each once."""
    part = distribute.split(full, 3, {})[1]
    listed = tmp_path / "shard.list"
    args = distribute.location_args([], part, listed)
    monkeypatch.setenv(selection.LIST_ENV, str(listed))
    chosen = selection.select(args)
    assert sorted(i.location for i in chosen.items) == sorted(i.location for i in part)
    from behave.runner_util import collect_feature_locations, parse_features

    features = parse_features(collect_feature_locations(args))
    selection.keep_listed(features)
    kept = [f"{s.filename}:{s.line}" for f in features for s in f.walk_scenarios()]
    assert sorted(kept) == sorted(i.location for i in part)


def test_check_counts_each_shard_and_the_counts_add_up_to_the_whole():
    total = int(_cli("--check").stdout.split()[0])
    counts = []
    for index in (1, 2, 3):
        answer = _cli("--check", "--shard", f"{index}/3")
        assert answer.returncode == 0, answer.stderr
        counts.append(int(answer.stdout.split()[0]))
    assert sum(counts) == total and min(counts) > 0


@pytest.mark.parametrize("args, message", [
    (["--shard", "0/3"], "--shard '0/3': i must be between 1 and N"),
    (["--shard", "4/3"], "--shard '4/3': i must be between 1 and N"),
    (["--shard", "2"], "--shard '2' is not i/N"),
    (["--shard=a/b"], "--shard 'a/b' is not i/N"),
    (["-n", "0"], "-n '0' is not a number of workers"),
    (["-n", "two"], "-n 'two' is not a number of workers"),
    (["-n"], "-n needs a value"),
])
def test_bad_worker_and_shard_options_are_one_line_and_exit_2(args, message):
    answer = _cli("--check", *args)
    assert answer.returncode == 2
    assert answer.stderr.strip() == f"qmtl-acceptance: not run: {message}" or message in answer.stderr.strip()
    assert len(answer.stderr.strip().splitlines()) == 1


def test_worker_options_are_taken_out_of_behaves_arguments():
    assert distribute.take_run_options(["-n", "3", "features/smoke", "--shard=2/5"]) == (["features/smoke"], 3, (2, 5))
    assert distribute.take_run_options(["-n2", "-D", "x=1"]) == (["-D", "x=1"], 2, None)
    assert distribute.take_run_options(["-nauto"])[1] == len(os.sched_getaffinity(0))
    with pytest.raises(ConfigError):
        distribute.parse_shard("3/2")


def test_restart_scenarios_are_serial(full):
    from qmtl_acceptance.run.parallel import is_serial

    restarting = [i for i in full if any(t.startswith("use.with_restarts") for t in i.tags)]
    assert restarting and all("serial" in i.tags for i in restarting)
    assert all(is_serial(i) for i in restarting)
    assert not is_serial(next(i for i in full if "smoke" in i.tags))


def test_junit_of_one_feature_from_two_phases_becomes_one_file(tmp_path):
    for phase, name, status in (("w1", "first", "passed"), ("w2", "second", "failed")):
        folder = tmp_path / phase / "junit"
        folder.mkdir(parents=True)
        failures = "1" if status == "failed" else "0"
        body = f'<testcase name="{name}" status="{status}" time="1.5">' + (
            '<failure message="m">t</failure>' if status == "failed" else "") + "</testcase>"
        (folder / "TESTS-x.xml").write_text(
            f'<testsuite name="X" tests="1" failures="{failures}" errors="0" skipped="0" time="1.5">{body}</testsuite>')
    into = tmp_path / "out"
    merge.merge_junit([tmp_path / "w1", tmp_path / "w2"], into)
    suite = ET.parse(into / "TESTS-x.xml").getroot()
    assert [c.get("name") for c in suite.iter("testcase")] == ["first", "second"]
    assert (suite.get("tests"), suite.get("failures"), suite.get("time")) == ("2", "1", "3.000")


def test_durations_are_recorded_and_read_back(tmp_path):
    from qmtl_acceptance.run.outcome import ScenarioResult

    key, other = ScenarioKey("F", "a"), ScenarioKey("F", "b")
    distribute.record_durations(tmp_path, [ScenarioResult(key, "passed", seconds=1.25),
                                           ScenarioResult(other, "skipped", seconds=0.0)])
    assert distribute.load_durations(tmp_path) == {"F :: a": 1.25}
    (tmp_path / distribute.DURATIONS).write_text("not json")
    assert distribute.load_durations(tmp_path) == {}


def test_two_workers_give_one_run_with_one_verdict(tmp_path):
    reports = tmp_path / "reports"
    answer = _cli("-n", "2", "features/smoke", "features/dagmanager/restart.feature",
                  "-D", "timeout_scale=3", "-D", f"reports_dir={reports}", timeout=300)
    summary = json.loads((reports / "run.json").read_text())
    assert answer.returncode == 0, answer.stdout[-3000:] + answer.stderr[-3000:]
    closing = answer.stdout.strip().splitlines()[-1]
    assert closing == f"{summary['passed']} passed, 0 failed, {len(summary['skipped'])} skipped"
    assert summary["passed"] == summary["selected"] >= 4
    assert "over 2 workers, and 2 @serial at the same time on a stack of their own" in answer.stderr
    cases = [c for f in (reports / "junit").glob("TESTS-*.xml") for c in ET.parse(f).getroot().iter("testcase")]
    assert len(cases) == summary["selected"]
    assert len(list((reports / "allure-results").glob("*-result.json"))) == summary["selected"]
    assert (reports / "html" / "index.html").stat().st_size > 0
    assert not (reports / ".workers").exists()
    assert sorted(p.name for p in (reports / "logs").glob("worker-*.console.log")) == ["worker-1.console.log",
                                                                                         "worker-2.console.log"]
    assert distribute.load_durations(reports), "the run recorded no durations"


def test_a_target_with_one_copy_runs_the_serial_scenarios_after_the_workers(shared_stack, tmp_path):
    """An external deployment cannot be copied: its @serial scenarios wait for the workers, on the same stack."""
    reports = tmp_path / "reports"
    settings = [a for key, value in shared_stack.userdata().items() for a in ("-D", f"{key}={value}")]
    answer = _cli("-n", "2", "features/smoke", "features/dagmanager/restart.feature", *settings,
                  "-D", "timeout_scale=3", "-D", f"reports_dir={reports}", timeout=300)
    summary = json.loads((reports / "run.json").read_text())
    assert answer.returncode == 0, answer.stdout[-3000:] + answer.stderr[-3000:]
    assert "over 2 workers, then 2 @serial" in answer.stderr
    assert "serial phase: 2 scenarios in" in answer.stderr
    assert summary["passed"] >= 4 and len(summary["skipped"]) == 2, summary
    assert not (reports / "logs" / "serial").exists(), "the serial phase booted a stack of its own"


def test_perf_scenarios_wait_for_every_worker(full):
    """Budgets are measured on a quiet machine: @perf runs after the workers, never beside them."""
    from qmtl_acceptance.run.parallel import is_quiet, is_serial

    perf = [i for i in full if "perf" in i.tags]
    assert perf and all(is_serial(i) and is_quiet(i) for i in perf)
    assert not any(is_quiet(i) for i in full if "perf" not in i.tags)
