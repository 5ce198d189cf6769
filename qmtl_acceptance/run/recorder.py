"""A behave formatter that records each finished scenario: into the ledger and into JUnit, at once.

behave's own JUnit reporter writes a feature's file when the feature ends, and
writes every scenario of a run that never started as skipped; this one writes
after every scenario and records only scenarios that ran. It wraps each
scenario's `run` (as allure-behave does), so it sees the final status, hook
and cleanup errors included.

    behave -f qmtl_acceptance.run.recorder:RunRecorder -o reports/junit
"""
from __future__ import annotations

import time
from pathlib import Path

from behave.formatter.base import Formatter

from . import outcome
from .junit import FeatureCases, write_feature
from .outcome import ScenarioKey, ScenarioResult

_FAILED = {"failed", "error", "hook_error", "cleanup_error", "undefined", "pending"}


def _interrupted(scenario) -> bool:
    return any(isinstance(getattr(step, "exception", None), KeyboardInterrupt) for step in scenario.all_steps)


def _failure(scenario) -> tuple[str, str]:
    """The one-line message and the full text of a failed scenario."""
    for step in scenario.all_steps:
        if step.status.name in _FAILED:
            exception = getattr(step, "exception", None)
            text = step.error_message or (str(exception) if exception else step.status.name)
            if step.status.name == "undefined":
                return f"undefined step: {step.keyword} {step.name}", text
            line = outcome.first_line(str(exception)) if exception is not None and str(exception).strip() else outcome.first_line(text)
            return f"{step.keyword} {step.name}: {line}", text
    text = getattr(scenario, "error_message", None) or scenario.status.name
    return outcome.first_line(text), text


def result_of(scenario, seconds: float) -> tuple[ScenarioResult, str] | None:
    status = scenario.status.name
    key = ScenarioKey(scenario.feature.name, scenario.name)
    if status in _FAILED:
        message, text = _failure(scenario)
        return ScenarioResult(key, "failed", message, seconds), text
    if status == "passed":
        return ScenarioResult(key, "passed", "", seconds), ""
    if status == "skipped":
        reason = scenario.skip_reason or "skipped without a reason"
        return ScenarioResult(key, "skipped", reason, seconds), reason
    return None  # untested: the run ended before it


class RunRecorder(Formatter):
    name = "qmtl-run-recorder"
    description = "records each finished scenario in the run's ledger and in JUnit XML, as it finishes"

    def __init__(self, stream_opener, config):
        super().__init__(stream_opener, config)
        self.folder = Path(stream_opener.name or "reports/junit")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.config = config
        self._features: dict[str, FeatureCases] = {}

    def _selected(self, scenario) -> bool:
        # The tags and names the run was started with; active-tag skips are part of the selection.
        return scenario.should_run_with_tags(self.config.tag_expression) and scenario.should_run_with_name_select(self.config)

    def feature(self, feature):
        stem = Path(feature.filename).with_suffix("").as_posix().replace("/", ".")
        if stem.startswith("features."):
            stem = stem[len("features."):]
        cases = self._features.setdefault(stem, FeatureCases(feature.name, f"{stem}.{feature.name}"))
        for scenario in feature.walk_scenarios():
            if getattr(scenario, "_qmtl_recorded", False) or not self._selected(scenario):
                continue
            scenario._qmtl_recorded = True
            scenario.run = self._recording(scenario, scenario.run, stem, cases)

    def _recording(self, scenario, run, stem: str, cases: FeatureCases):
        def run_and_record(runner, *args, **kwargs):
            started = time.monotonic()
            try:
                return run(runner, *args, **kwargs)
            finally:
                if not _interrupted(scenario):
                    recorded = result_of(scenario, time.monotonic() - started)
                    if recorded is not None:
                        outcome.ledger().record(recorded[0])
                        cases.cases.append(recorded)
                        write_feature(self.folder, stem, cases)

        return run_and_record

    def close_stream(self):
        """Nothing to close: every file was written whole when its scenario finished."""
