"""The suite's settings: precedence, validation, one clear line for a bad value."""
import pytest

from qmtl_acceptance.config import SuiteConfig, load_config
from qmtl_acceptance.errors import ConfigError


def test_defaults_run_the_reference_target():
    config = load_config({}, environ={})
    assert config.target == "reference"
    assert config.contract_version == "2026-04"
    assert config.seconds(2) == 2


def test_userdata_overrides_the_environment():
    config = load_config({"timeout_scale": "3"}, environ={"QMTL_E2E_TIMEOUT_SCALE": "2", "QMTL_E2E_TOKEN_TTL_SECONDS": "7"})
    assert config.timeout_scale == 3
    assert config.seconds(2) == 6
    assert config.token_ttl_seconds == 7


def test_runner_strategies_and_formatter_options_are_kept_aside():
    extra = {"backfill_strategy_sample": "team.s:S", "AllureFormatter.issue_pattern": "https://x/{}"}
    assert load_config(extra, environ={}).extra == extra


@pytest.mark.parametrize(
    "name, message",
    [
        ("timout_scale", "unknown setting 'timout_scale': did you mean 'timeout_scale'?"),
        ("targe", "unknown setting 'targe': did you mean 'target'?"),
        ("gateway_uri", "unknown setting 'gateway_uri': did you mean 'gateway_url'?"),
        ("reports_directory", "unknown setting 'reports_directory': did you mean 'reports_dir'?"),
        ("team", "unknown setting 'team': run with --help for the list of settings"),
    ],
)
def test_an_unknown_setting_name_is_refused_with_the_closest_valid_one(name, message):
    with pytest.raises(ConfigError) as caught:
        load_config({name: "3"}, environ={})
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "userdata, message",
    [
        ({"target": "prod"}, "target='prod' is unknown; choose one of: reference, qmtl, compose, external"),
        ({"timeout_scale": "fast"}, "timeout_scale='fast' is not a number"),
        ({"timeout_scale": "0"}, "outside 0.1 .. 100"),
        ({"gateway_url": "gateway:8000"}, "is not a URL of scheme http or https"),
        ({"redis_url": "http://x:1"}, "redis_url"),
        ({"dagmanager_address": "localhost"}, "is not host:port"),
        ({"contract_version": "2025-01"}, "contract_version='2025-01' is unknown"),
        ({"target": "external"}, "target external needs gateway_url"),
        ({"target": "external", "gateway_url": "http://g:1", "reference_faults": "x"}, "reference_faults apply only to target reference"),
        ({"runner_command": "run {strategy}"}, "lacks the placeholder {start}"),
        ({"keep_logs": "maybe"}, "is not a boolean"),
        ({"token_ttl_seconds": "0"}, "at least 1"),
        ({"expected_failures": "(unclosed"}, "expected_failures is not a valid pattern"),
        ({"expected_failure_scale": "fast"}, "expected_failure_scale='fast' is not a number"),
        ({"expected_failure_scale": "1.5"}, "expected_failure_scale=1.5 is outside 0.1 .. 1"),
        ({"expected_failure_scale": "0.05"}, "outside 0.1 .. 1"),
    ],
)
def test_bad_values_are_refused_with_one_clear_line(userdata, message):
    with pytest.raises(ConfigError) as caught:
        load_config(userdata, environ={})
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_expected_failures_have_their_deadlines_cut_and_every_other_scenario_keeps_its_own():
    config = load_config({"timeout_scale": "2", "expected_failures": "^(?:Refused|Late row)(?: -- @|$)"}, environ={})
    assert config.scenario_timeout_scale("Refused") == pytest.approx(0.6)
    assert config.scenario_timeout_scale("Late row -- @1.2 Rows") == pytest.approx(0.6)
    assert config.scenario_timeout_scale("Refused twice") == 2
    assert config.scenario_timeout_scale("Accepted after Refused") == 2
    cut_more = load_config({"expected_failures": "Refused", "expected_failure_scale": "0.5"}, environ={})
    assert cut_more.scenario_timeout_scale("Refused") == 0.5
    assert load_config({}, environ={}).scenario_timeout_scale("Refused") == 1


def test_bad_environment_values_are_refused_too():
    with pytest.raises(ConfigError, match="target='nowhere'"):
        load_config({}, environ={"QMTL_E2E_TARGET": "nowhere"})


def test_config_is_immutable():
    config = load_config({}, environ={})
    with pytest.raises(AttributeError):
        config.target = "qmtl"  # type: ignore[misc]
    assert isinstance(config, SuiteConfig)
