"""The qmtl target's runner, timeouts, revision and contract hint, without a QMTL installation."""
from __future__ import annotations

import sys
from types import SimpleNamespace

import pytest

from qmtl_acceptance import contract_rows
from qmtl_acceptance.config import DEFAULT_RUNNER_COMMAND, QMTL_RUNNER_COMMAND, load_config
from qmtl_acceptance.errors import StackError
from qmtl_acceptance.guide_command import installation_command, sample_strategy
from qmtl_acceptance.run.allure_extras import qmtl_version
from qmtl_acceptance.run.skips import skip_reason
from qmtl_acceptance.runner import build_command, strategies_for, strategy_reference
from qmtl_acceptance.stack.qmtl_install import QmtlInstallation, installation_from_probe, installation_python
from qmtl_acceptance.stack.qmtl_settings import QmtlLayout, qmtl_settings


def test_the_qmtl_target_runs_the_sdk_adapter_by_default_and_a_given_command_wins():
    assert load_config({"target": "qmtl"}, environ={}).runner_command == QMTL_RUNNER_COMMAND
    assert load_config({}, environ={}).runner_command == DEFAULT_RUNNER_COMMAND
    own = "team-runner {strategy} {start} {end} {report}"
    assert load_config({"target": "qmtl", "runner_command": own}, environ={}).runner_command == own


def test_the_strategies_follow_the_sdk_of_the_runner():
    qmtl = load_config({"target": "qmtl"}, environ={})
    assert strategy_reference(qmtl, "sample") == "qmtl_sdk_adapter.samples.sample_strategy:SampleStrategy"
    assert strategy_reference(qmtl, "missing import") == "qmtl_sdk_adapter.samples.broken_import_strategy:SampleStrategy"
    # The reference runner pointed at QMTL's Gateway keeps the reference strategies.
    assert strategies_for(DEFAULT_RUNNER_COMMAND)["sample"].startswith("qmtl_reference.")
    assert set(strategies_for(QMTL_RUNNER_COMMAND)) == set(strategies_for(DEFAULT_RUNNER_COMMAND))


def test_the_adapter_command_is_filled_with_the_installations_python_and_the_scaled_timeout():
    values = dict(qmtl_python="/q/bin/python", strategy="m:C", start=1, end=2, world="w", gateway_url="http://g", live_bars=3,
                  report="r.json", gateway_timeout="15")
    argv = build_command(QMTL_RUNNER_COMMAND, values)
    assert argv[:3] == ["/q/bin/python", "-m", "qmtl_sdk_adapter"] and "{" not in " ".join(argv)
    assert argv[argv.index("--gateway-timeout") + 1] == "15"
    unscaled = build_command(DEFAULT_RUNNER_COMMAND, {k: v for k, v in values.items() if k != "gateway_timeout"})
    assert unscaled[unscaled.index("--gateway-timeout") + 1] == "5.0"


def test_no_installation_python_is_one_line_saying_how_to_point_at_one(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(StackError, match="-D qmtl_python="):
        installation_python("")
    assert installation_python("/q/bin/python") == "/q/bin/python"


def _layout(tmp_path, **extra) -> QmtlLayout:
    return QmtlLayout(gateway_port=1, worldservice_port=2, dagmanager_http_port=3, redis_url="redis://h:1/0",
                      worldservice_redis_url="redis://h:1/1", postgres_dsn="postgresql://h/q", state_dir=tmp_path,
                      events_secret="s", token_ttl_seconds=9, **extra)


@pytest.mark.parametrize("scale, seconds", [(1.0, 3.0), (3.0, 9.0), (0.5, 1.5)])
def test_qmtls_worldservice_timeout_is_scaled_in_both_places_qmtl_reads_it(tmp_path, scale, seconds):
    settings = qmtl_settings(_layout(tmp_path, timeout_scale=scale))
    assert settings["gateway"]["worldservice_timeout"] == seconds
    assert settings["worldservice"]["timeout"] == seconds


def test_the_probe_names_version_commit_and_source():
    found = installation_from_probe("/q/py", '{"version": "0.1.0", "commit": "v0.1.1-rc1-1989-gfc06bd80", "source": "/src/qmtl"}')
    assert (found.version, found.commit, found.source) == ("0.1.0", "v0.1.1-rc1-1989-gfc06bd80", "/src/qmtl")
    assert found.describe() == "QMTL 0.1.0 at v0.1.1-rc1-1989-gfc06bd80 from /src/qmtl"
    assert installation_from_probe("/q/py", "0.2.0").commit == ""
    assert "revision unknown" in installation_from_probe("/q/py", "").describe()
    assert installation_from_probe("/q/py", "[1]").version == "[1]"


def test_the_run_environment_prefers_the_detected_commit():
    provider = SimpleNamespace(installation=QmtlInstallation("/q/py", "0.1.0", commit="fc06bd80"))
    assert qmtl_version(provider) == ("0.1.0", "fc06bd80")
    from_version = SimpleNamespace(installation=QmtlInstallation("/q/py", "0.1.1.dev3+gabcdef1"))
    assert qmtl_version(from_version) == ("0.1.1.dev3+gabcdef1", "abcdef1")
    assert qmtl_version(SimpleNamespace()) == ("", "")


def test_a_contract_row_names_the_setting_and_another_row_nothing():
    text = contract_rows.hint(["clause.x", "use.with_contract=2026-04"], "2026-04")
    assert text is not None and "-D contract_version=2026-02" in text and "QMTL contract 2026-04" in text
    assert "-D contract_version=2026-04" in (contract_rows.hint(["use.with_contract=2026-02"], "2026-02") or "")
    assert contract_rows.hint(["clause.x", "use.with_target=reference"], "2026-04") is None


def _scenario(status: str, tags: list[str]):
    failed = SimpleNamespace(status=SimpleNamespace(name=status), error_message="expected 422, got 202",
                             exception=AssertionError("expected 422, got 202"))
    passed = SimpleNamespace(status=SimpleNamespace(name="passed"), error_message=None, exception=None)
    return SimpleNamespace(status=SimpleNamespace(name=status), effective_tags=tags, all_steps=[passed, failed]), failed


def test_a_failed_contract_row_carries_the_hint_in_its_message_and_exception():
    scenario, step = _scenario("failed", ["use.with_contract=2026-04"])
    assert contract_rows.annotate_failure(scenario, "2026-04")
    assert step.error_message.startswith("expected 422, got 202\n") and "-D contract_version=2026-02" in step.error_message
    assert "-D contract_version=2026-02" in str(step.exception) and str(step.exception).startswith("expected 422, got 202")
    untagged, step = _scenario("failed", ["clause.x"])
    assert contract_rows.annotate_failure(untagged, "2026-04") is None and step.error_message == "expected 422, got 202"
    passed, _ = _scenario("passed", ["use.with_contract=2026-04"])
    assert contract_rows.annotate_failure(passed, "2026-04") is None


def test_the_guide_command_is_the_installations_own():
    reference = installation_command(load_config({}, environ={}))
    assert reference is not None and (reference[0].endswith("qmtl-reference") or reference[1:] == ["-m", "qmtl_reference"])
    qmtl = load_config({"target": "qmtl", "qmtl_python": sys.executable}, environ={})
    command = installation_command(qmtl)
    assert command is not None and (command[0].endswith("/qmtl") or command[1:] == ["-m", "qmtl"])
    assert sample_strategy(qmtl).startswith("qmtl_sdk_adapter.")
    assert installation_command(load_config({"target": "external", "gateway_url": "http://gw:8000"}, environ={})) is None


def test_a_target_without_an_installation_skips_the_guide_command_saying_why():
    reason = skip_reason({"installation": "none"}, ["use.with_installation=runnable"], "external")
    assert reason == "runs the guide's command with the target's own installation, and the external target has none the suite can run"
    assert skip_reason({"installation": "runnable"}, ["use.with_installation=runnable"], "qmtl") is None
