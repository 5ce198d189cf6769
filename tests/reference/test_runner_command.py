"""The runner command template as the backfill steps run it: a real process, its report and its deadline."""
from dataclasses import replace

from qmtl_acceptance.config import load_config
from qmtl_acceptance.runner import run_strategy


def test_a_command_that_writes_no_report_is_said_so():
    config = replace(load_config({}, environ={}), runner_command="{python} -c pass {strategy} {start} {end} {report}")
    run = run_strategy(config, strategy="m:C", start=1, end=2, world="w", gateway_url="http://g", live_bars=0, deadline=30)
    assert run.returncode == 0 and run.report is None and run.report_problem == "the runner wrote no report"


def test_a_hung_command_is_killed_at_its_deadline():
    config = replace(load_config({}, environ={}), runner_command="{python} -c 'import time; time.sleep(30)' {strategy} {start} {end} {report}")
    run = run_strategy(config, strategy="m:C", start=1, end=2, world="w", gateway_url="http://g", live_bars=0, deadline=0.5)
    assert run.returncode is None and run.seconds < 10
    assert "was killed at its deadline" in run.describe()
