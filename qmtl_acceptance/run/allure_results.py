"""What allure-behave leaves out: the reason a scenario was skipped, and why a run ended early.

allure-behave takes a scenario's status details from its first non-passing
step; a skipped scenario's steps carry no exception, so the skip reason is lost.
`show_skip_reasons()` makes the skip reason the scenario's status message, and
names a failed scenario's known deviation in its message (Allure's categories read only messages).
`write_stop_error()` records an early end as Allure's global error
(`<uuid>-globals.json`), the place Allure shows errors that belong to no test.
"""
from __future__ import annotations

from pathlib import Path

from .outcome import RunLedger


def show_skip_reasons() -> None:
    from allure_behave import listener
    from allure_commons.model2 import StatusDetails

    original = listener.scenario_status_details
    if getattr(original, "__module__", None) == __name__:  # already ours
        return

    def status_details(scenario):
        details = original(scenario)
        if details is None and scenario.status.name == "skipped" and scenario.skip_reason:
            return StatusDetails(message=scenario.skip_reason)
        deviations = [t.split(".", 1)[1] for t in scenario.effective_tags if t.startswith("deviation.")]
        if details is not None and deviations and scenario.status.name != "skipped":
            # Allure sorts failures into categories by message only; this names the known deviation.
            details.message = f"known deviation {', '.join(deviations)}: {details.message or ''}"
        return details

    listener.scenario_status_details = status_details


def write_stop_error(results_dir: Path, ledger: RunLedger) -> Path | None:
    if ledger.stop is None:
        return None
    from allure_commons.logger import AllureFileLogger
    from allure_commons.model2 import GlobalError, Globals
    from allure_commons.utils import now

    results_dir.mkdir(parents=True, exist_ok=True)
    before = set(results_dir.glob("*-globals.json"))
    trace = ledger.stop.message
    not_run = ledger.not_run()
    if not_run:
        trace += "\n\nnot run:\n" + "\n".join(f"  {key.feature}: {key.name}" for key in not_run)
    AllureFileLogger(str(results_dir)).report_globals(
        Globals(errors=[GlobalError(message=ledger.closing_line(), trace=trace, timestamp=now())])
    )
    written = set(results_dir.glob("*-globals.json")) - before
    return next(iter(written), None)
