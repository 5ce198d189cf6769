"""The self-contained HTML report, rewritten after every scenario, so a killed run leaves a readable page.

One page, no scripts, nothing fetched: titled for the suite, naming the target
and the contract, with the same counts as the console's closing line, every
scenario's steps, and for a failed step its error and the evidence the suite
collected (the Gateway's status, the services' log tails, what it observed).

    behave -f qmtl_acceptance.run.html_stream:StreamingHTMLFormatter -o reports/html/index.html
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from html import escape
from pathlib import Path

from behave.formatter.base import Formatter

from .. import diagnostics
from ..redaction import redact
from ..pages.html import badge, page
from .recorder import _FAILED, _interrupted, result_of

EVIDENCE_LIMIT = 20000


@dataclass(frozen=True)
class StepShown:
    text: str
    status: str
    seconds: float
    error: str
    evidence: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ScenarioShown:
    feature: str
    name: str
    status: str
    message: str
    seconds: float
    steps: tuple[StepShown, ...]


def _evidence(artifacts: Path, feature: str, scenario: str, step: str) -> tuple[tuple[str, str], ...]:
    folder = diagnostics.artifact_dir(artifacts, feature, scenario, step)
    shown = []
    for file in sorted(folder.iterdir()):
        text = file.read_text(encoding="utf-8", errors="replace")
        shown.append((file.name, text[-EVIDENCE_LIMIT:]))
    return tuple(shown)


class StreamingHTMLFormatter(Formatter):
    name = "qmtl-html"
    description = "a self-contained HTML report, rewritten after every scenario"

    def __init__(self, stream_opener, config):
        super().__init__(stream_opener, config)
        self._target = Path(stream_opener.name or "reports/html/index.html")
        self._target.parent.mkdir(parents=True, exist_ok=True)
        self._shown: list[ScenarioShown] = []
        self._started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        try:
            from ..config import load_config

            settings = load_config(config.userdata)
            self._target_name, self._contract = settings.target, settings.contract_version
            self._artifacts = settings.artifacts_dir
        except Exception:  # the settings were checked before the run; a test's own run may bring none
            self._target_name, self._contract, self._artifacts = "unknown", "unknown", self._target.parent.parent / "artifacts"

    def feature(self, feature):
        for scenario in feature.walk_scenarios():
            # As the recorder counts: only what the run's tags and names selected (active-tag skips included).
            selected = (scenario.should_run_with_tags(self.config.tag_expression)
                        and scenario.should_run_with_name_select(self.config))
            if selected and not getattr(scenario, "_qmtl_html_snapshot", False):
                scenario._qmtl_html_snapshot = True
                scenario.run = self._then_snapshot(scenario, scenario.run)

    def _then_snapshot(self, scenario, run):
        def run_then_snapshot(runner, *args, **kwargs):
            started = time.monotonic()
            try:
                return run(runner, *args, **kwargs)
            finally:
                if not _interrupted(scenario):
                    self._take(scenario, time.monotonic() - started)

        return run_then_snapshot

    def _take(self, scenario, seconds: float) -> None:
        recorded = result_of(scenario, seconds)
        if recorded is None:
            return
        result = recorded[0]
        steps = []
        for step in scenario.all_steps:
            failed = step.status.name in _FAILED
            evidence: tuple[tuple[str, str], ...] = ()
            if failed:
                try:
                    evidence = _evidence(self._artifacts, scenario.feature.name, scenario.name, step.name)
                except OSError:
                    evidence = ()
            steps.append(StepShown(f"{step.keyword} {step.name}", step.status.name, step.duration or 0.0,
                                   redact(step.error_message or "") if failed else "", evidence))
        self._shown.append(ScenarioShown(scenario.feature.name, scenario.name, result.status, result.message,
                                         seconds, tuple(steps)))
        self._write()

    def render(self) -> str:
        counts = {s: sum(1 for r in self._shown if r.status == s) for s in ("passed", "failed", "skipped")}
        body = [f"<p>Target <b>{escape(self._target_name)}</b>, held to contract <b>QMTL {escape(self._contract)}</b>; "
                f"started {escape(self._started)}.</p>",
                f"<p class=summary><b>{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped</b></p>"]
        features: dict[str, list[ScenarioShown]] = {}
        for shown in self._shown:
            features.setdefault(shown.feature, []).append(shown)
        for feature, scenarios in features.items():
            body.append(f"<h2>{escape(feature)}</h2>")
            for shown in scenarios:
                opened = " open" if shown.status == "failed" else ""
                note = f"<div class=msg>{escape(shown.message)}</div>" if shown.message else ""
                body.append(f"<details{opened}><summary>{badge(shown.status)} {escape(shown.name)} "
                            f"<span class=msg>({shown.seconds:.1f} s)</span></summary>{note}<ul>")
                for step in shown.steps:
                    body.append(f"<li>{badge(step.status)} {escape(step.text)} <span class=msg>{step.seconds:.2f} s</span>")
                    if step.error:
                        body.append(f"<pre>{escape(step.error)}</pre>")
                    for name, text in step.evidence:
                        body.append(f"<details><summary>evidence: {escape(name)}</summary><pre>{escape(text)}</pre></details>")
                    body.append("</li>")
                body.append("</ul></details>")
        return page(f"QMTL Acceptance — {self._target_name} against contract {self._contract}", "".join(body))

    def _write(self) -> None:
        temporary = self._target.with_name(self._target.name + ".tmp")
        temporary.write_text(self.render(), encoding="utf-8")
        os.replace(temporary, self._target)

    def close(self):
        if self._shown:
            self._write()
        self.close_stream()

    def close_stream(self):
        """Nothing to close: the page was written whole after each scenario."""
