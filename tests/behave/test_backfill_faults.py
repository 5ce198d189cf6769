"""The backfill features pass on the reference stack, and each backfill fault makes them fail where it should."""
import pytest

BEFORE_LIVE = "features/backfill/backfill_before_live.feature"
BAD_INPUT = "features/backfill/backfill_bad_input.feature"

EXACT_WINDOW = "The guide's backfill loads exactly the requested window"
LIVE_AFTER = "Live bars are processed only after the backfill has finished"
MISSING = "Missing history inside the window is reported bucket by bucket"


def test_backfill_features_pass_on_the_reference_stack(behave_run):
    run = behave_run(BEFORE_LIVE, BAD_INPUT)
    assert run.returncode == 0, run.explain()
    assert len(run.statuses("passed")) == 14 and not run.statuses("failed"), run.explain()


# fault -> {scenario that must fail: text its failure must contain}
FAULTS = {
    "backfill_off_by_one_end": {
        EXACT_WINDOW: "asked for: {'price': [(1700000000, 1700003660)]",
        LIVE_AFTER: "live bars not later than the backfill: ['price 1700003640 (last backfilled 1700003640)'",
    },
    "backfill_live_during_backfill": {
        EXACT_WINDOW: "cache after the backfill holds [1700003400, 1700003460, 1700003520, 1700003580, 1700003640]",
        LIVE_AFTER: "were processed before the backfill finished",
    },
    "backfill_drop_bucket": {
        EXACT_WINDOW: "price: missing 1 bar(s): [1700001840]",
        MISSING: "the price stream reported missing [1700007180, 1700007240, 1700007300, 1700007360]",
    },
    "backfill_window_shifted": {
        EXACT_WINDOW: "asked for: {'price': [(1699999940, 1700003540)]",
        MISSING: "the price stream reported missing [1700007180, 1700007240, 1700007300, 1700008140]",
    },
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_backfill_fault_is_caught(fault, behave_run):
    expected = FAULTS[fault]
    run = behave_run(BEFORE_LIVE, faults=[fault])
    assert run.returncode != 0, run.explain()
    assert sorted(run.statuses("failed")) == sorted(expected), run.explain()
    for scenario, evidence in expected.items():
        message = next(text for name, text in run.failures.items() if name.startswith(scenario))
        assert evidence in message, f"{scenario}: {message[:1500]}"


def test_the_runner_command_setting_is_the_command_that_runs(behave_run):
    # A template that asks for no live bars: the live-processing scenario must notice.
    template = (
        "{python} -m qmtl_reference tools sdk run {strategy} --start-time {start} --end-time {end}"
        " --world {world} --gateway-url {gateway_url} --live-bars 0 --report {report}"
    )
    run = behave_run(BEFORE_LIVE, names=[LIVE_AFTER], userdata={"runner_command": template})
    assert run.statuses("failed") == [LIVE_AFTER], run.explain()
    assert "expected 3 live bars per stream, processed {'price': 0, 'trend': 0}" in next(iter(run.failures.values()))
