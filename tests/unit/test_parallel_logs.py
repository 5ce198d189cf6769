"""With -n N the workers share one stack: its logs are held by the command for the phase, not by any one scenario."""
from __future__ import annotations

from qmtl_acceptance.logscan import LogWatch
from qmtl_acceptance.run import outcome
from qmtl_acceptance.run.outcome import ScenarioKey, ScenarioResult
from qmtl_acceptance.run.parallel import _hold_shared_logs
from qmtl_acceptance.stack import attached

TRACEBACK = "Traceback (most recent call last):\n  File \"app.py\", line 3, in handle\nKeyError: 'x'\n"


def _ledger(*statuses: str) -> outcome.RunLedger:
    ledger = outcome.RunLedger()
    for n, status in enumerate(statuses):
        ledger.record(ScenarioResult(ScenarioKey("F", f"s{n}"), status))
    return ledger


def test_a_worker_on_a_shared_stack_knows_it_and_a_lone_run_does_not(monkeypatch):
    monkeypatch.delenv(attached.ATTACH_ENV, raising=False)
    assert attached.beside_other_workers() is False
    monkeypatch.setenv(attached.ATTACH_ENV, "  ")
    assert attached.beside_other_workers() is False
    monkeypatch.setenv(attached.ATTACH_ENV, "/tmp/handoff.json")
    assert attached.beside_other_workers() is True


def test_an_error_logged_during_the_phase_fails_the_run_naming_the_service_not_a_scenario(tmp_path, capsys):
    gateway, dagmanager = tmp_path / "gateway.log", tmp_path / "dagmanager.log"
    gateway.write_text("INFO before the phase\n" + TRACEBACK)
    dagmanager.write_text("INFO started\n")
    watch = LogWatch({"gateway": str(gateway), "dagmanager": str(dagmanager)})
    watch.mark()
    with gateway.open("a") as log:
        log.write("INFO a request\nERROR:    Exception in ASGI application\n" + TRACEBACK)
    ledger = _ledger("passed", "passed")
    _hold_shared_logs(watch, ledger)
    assert list(ledger.service_errors) == ["gateway"]
    assert ledger.service_errors["gateway"].startswith("ERROR:    Exception in ASGI application\nTraceback")
    assert ledger.exit_code() == outcome.FAILED
    assert ledger.closing_line() == ("2 passed, 0 failed, 0 skipped; gateway logged an unhandled error while workers "
                                     "shared the stack, which no one scenario can be held to")
    said = capsys.readouterr().err
    assert "qmtl-acceptance: gateway logged an unhandled error while the workers shared the stack" in said
    assert "KeyError: 'x'" in said and "before the phase" not in said
    assert [r.status for r in ledger.results] == ["passed", "passed"], "no scenario is blamed"


def test_errors_from_before_the_phase_and_clean_logs_change_nothing(tmp_path):
    gateway = tmp_path / "gateway.log"
    gateway.write_text(TRACEBACK)
    watch = LogWatch({"gateway": str(gateway), "absent": str(tmp_path / "never-written.log")})
    watch.mark()
    with gateway.open("a") as log:
        log.write("INFO all well\nWARNING slow answer\n")
    ledger = _ledger("passed")
    _hold_shared_logs(watch, ledger)
    assert ledger.service_errors == {} and ledger.exit_code() == outcome.PASSED
    assert ledger.closing_line() == "1 passed, 0 failed, 0 skipped"


def test_two_services_are_both_named_and_a_failed_scenario_keeps_its_own_failure(tmp_path):
    logs = {name: tmp_path / f"{name}.log" for name in ("worldservice", "dagmanager")}
    for path in logs.values():
        path.write_text("")
    watch = LogWatch({name: str(path) for name, path in logs.items()})
    watch.mark()
    for path in logs.values():
        path.write_text(TRACEBACK)
    ledger = _ledger("passed", "failed")
    _hold_shared_logs(watch, ledger)
    assert sorted(ledger.service_errors) == ["dagmanager", "worldservice"]
    assert ledger.closing_line().startswith("1 passed, 1 failed, 0 skipped; dagmanager, worldservice logged")
    assert ledger.exit_code() == outcome.FAILED
