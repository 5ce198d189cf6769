"""The backfill features pass on the reference stack, and each backfill fault makes them fail where it should."""
import pytest

BEFORE_LIVE = "features/backfill/backfill_before_live.feature"
BAD_INPUT = "features/backfill/backfill_bad_input.feature"

EXACT_WINDOW = "The guide's backfill loads exactly the requested window"
WINDOWS = "A backfill from "
SHORT_WINDOW = "A window shorter than a stream's period caches every bar it loaded"
LIVE_AFTER = "Live bars are processed only after the backfill has finished"
MISSING = "Missing history inside the window is reported bucket by bucket"
NO_LIVE = "A run asking for no live bars backfills its window and processes none"
NO_HISTORY = "A window whose history file holds no bar at all loads nothing and reports every bar missing"


def test_backfill_features_pass_on_the_reference_stack(behave_run):
    run = behave_run(BEFORE_LIVE, BAD_INPUT)
    assert run.returncode == 0, run.explain()
    assert len(run.statuses("passed")) == 51 and not run.statuses("failed"), run.explain()


# fault -> {scenario (name prefix) that must fail: text its failure must contain}; no other scenario may fail.
FAULTS = {
    "backfill_off_by_one_end": {
        EXACT_WINDOW: "asked for {'price': [(1700000000, 1700003660)]",
        WINDOWS: "each stream's history request: expected one request for",
        SHORT_WINDOW: "outside [1700000000, 1700000180) [1700000220]",
        LIVE_AFTER: "'price 1700003640 (last backfilled 1700003640)'",
        MISSING: "expected 27 bars, every bucket but the missing; observed 28 bars",
        NO_LIVE: "price: loaded 61 bars, expected 60",
        NO_HISTORY: "asked for {'price': [(1700000000, 1700003660)]",
    },
    "backfill_live_during_backfill": {
        # How many live bars land while history loads is timing: the expected cache is the fixed part of the message.
        EXACT_WINDOW: "cache after the backfill: expected [1700003340, 1700003400, 1700003460, 1700003520, 1700003580]",
        WINDOWS: "the price stream's cache after the backfill",
        SHORT_WINDOW: "cache after the backfill: expected [1700000040, 1700000100, 1700000160]",
        LIVE_AFTER: "were processed before the backfill finished",
    },
    "backfill_drop_bucket": {
        EXACT_WINDOW: "price: loaded 59 bars, expected 60",
        WINDOWS: "the runner itself reported missing bars",
        SHORT_WINDOW: "missing [1700000100]",
        MISSING: "observed [1700007180, 1700007240, 1700007300, 1700007360]",
        NO_LIVE: "price: loaded 59 bars, expected 60",
    },
    "backfill_window_shifted": {
        EXACT_WINDOW: "asked for {'price': [(1699999940, 1700003540)]",
        WINDOWS: "each stream's history request",
        SHORT_WINDOW: "outside [1700000000, 1700000180) [1699999980]",
        MISSING: "observed [1700007180, 1700007240, 1700007300, 1700008140]",
        NO_LIVE: "outside [1700000000, 1700003600) [1699999980]",
        NO_HISTORY: "asked for {'price': [(1699999940, 1700003540)]",
    },
}


# fault -> scenarios it may also break, depending on timing: live bars processed while history loads make
# two runs of the same backfill differ whenever a live bar lands at a different point of the load.
MAY_ALSO_FAIL = {
    "backfill_live_during_backfill": ("Running the same backfill twice gives identical results",),
}


def _caught_exactly(run, fault: str, expected: dict[str, str]) -> None:
    """Only the expected scenarios failed, each of them, and each failure carries its evidence."""
    assert run.returncode != 0, run.explain()
    allowed = tuple(expected) + MAY_ALSO_FAIL.get(fault, ())
    stray = [name for name in run.statuses("failed") if not name.startswith(allowed)]
    assert not stray, f"{fault} also failed {stray}: {run.explain()}"
    for scenario, evidence in expected.items():
        messages = [text for name, text in run.failures.items() if name.startswith(scenario)]
        assert messages, f"{fault}: no scenario {scenario!r} failed: {run.explain()}"
        assert all(evidence in message for message in messages), f"{scenario}: {messages[0][:1500]}"


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_backfill_fault_is_caught(fault, behave_run):
    expected = FAULTS[fault]
    run = behave_run(BEFORE_LIVE, faults=[fault], failing=expected, prefix=True)
    _caught_exactly(run, fault, expected)


def test_the_runner_command_setting_is_the_command_that_runs(behave_run):
    # A template that asks for no live bars: the live-processing scenario must notice.
    template = (
        "{python} -m qmtl_reference tools sdk run {strategy} --start-time {start} --end-time {end}"
        " --world {world} --gateway-url {gateway_url} --live-bars 0 --report {report}"
    )
    run = behave_run(BEFORE_LIVE, names=[LIVE_AFTER + r" \(3 per stream\)"], userdata={"runner_command": template})
    assert [n.split(" -- ")[0] for n in run.statuses("failed")] == [LIVE_AFTER + " (3 per stream)"], run.explain()
    assert "live bars processed per stream: expected 3; observed {'price': 0, 'trend': 0}" in next(iter(run.failures.values()))


GATEWAY_FAILS = "A run whose Gateway {} stops with the Gateway's exit code and says what went wrong"

# fault -> {a Gateway failure (its scenario row) that must fail: text its failure must contain}; no other scenario may fail.
RUNNER_FAULTS = {
    # A dropped connection's type name (http.client's RemoteDisconnected) already says it
    # disconnected: those two rows pass under this fault; the type alone hides the other two.
    "runner_gateway_error_type_only": {
        "answers in a protocol that is not HTTP": "a line mentioning 'SSH-2.0-OpenSSH_9.2'",
        "never answers": "a line mentioning 'timed out'",
    },
    "runner_refusal_without_detail": {
        "refuses every strategy with HTTP 503 and a detail": "a line mentioning 'DAG Manager unavailable'",
        "refuses every strategy with HTTP 400 and an error code": "a line mentioning 'E_SCHEMA_INVALID'",
    },
    "runner_refusal_exit_1": {
        failure: "the runner's exit code: expected 3"
        for failure in ("answers its status with HTTP 503", "refuses every strategy with HTTP 503 and a detail",
                        "refuses every strategy with HTTP 400 and an error code",
                        "refuses every strategy with HTTP 500 and a plain-text body")
    },
}


@pytest.mark.parametrize("fault", sorted(RUNNER_FAULTS))
def test_each_runner_gateway_fault_is_caught(fault, behave_run):
    expected = {GATEWAY_FAILS.format(failure): evidence for failure, evidence in RUNNER_FAULTS[fault].items()}
    run = behave_run(BAD_INPUT, faults=[fault], failing=expected, prefix=True)
    _caught_exactly(run, fault, expected)


# fault -> {scenario (name prefix) of the bad-input feature that must fail: text its failure must contain}.
RUNNER_INPUT_FAULTS = {
    "runner_shows_gateway_password": {
        "A run given a Gateway address with a password where nothing listens": "a line mentioning '***@127.0.0.1:'",
    },
    "runner_clock_one_second_behind": {
        "A window ending exactly now is loaded": "(now is 1700003599)",
    },
    "history_lines_counted_from_data": {
        "A run whose history has a bad row at a known line stops naming that line": "a line mentioning 'line ",
    },
}


@pytest.mark.parametrize("fault", sorted(RUNNER_INPUT_FAULTS))
def test_each_runner_input_fault_is_caught(fault, behave_run):
    expected = RUNNER_INPUT_FAULTS[fault]
    run = behave_run(BAD_INPUT, faults=[fault], failing=expected, prefix=True)
    _caught_exactly(run, fault, expected)
    if fault == "history_lines_counted_from_data":
        # Every row of the outline, each with the line before its own.
        assert len([n for n in run.statuses("failed") if n.startswith(tuple(expected))]) == 3, run.explain()


GUIDE_COMMAND = "features/backfill/backfill_guide_command.feature"
GUIDE_SCENARIO = "The guide's command backfills the guide's window with the target's own installation"
GUIDE_ENV_SCENARIO = "The guide's command goes to the Gateway QMTL_GATEWAY_URL names, even one that cannot be reached"


def test_the_guides_own_command_runs_on_the_reference_stack_and_is_skipped_without_an_installation(behave_run):
    own = behave_run(GUIDE_COMMAND, own_stack=True)
    assert own.returncode == 0 and own.statuses("passed") == [GUIDE_SCENARIO, GUIDE_ENV_SCENARIO], own.explain()
    # Attached to a running stack (target external) there is no installation whose command the suite could run.
    attached = behave_run(GUIDE_COMMAND)
    assert attached.statuses("skipped") == [GUIDE_SCENARIO, GUIDE_ENV_SCENARIO], attached.explain()
    assert "has none the suite can run" in attached.output, attached.explain()

