"""Behave hooks: one stack per run, one set of ids per scenario, evidence for every failed step."""
from __future__ import annotations

import sys
import time

from behave.fixture import fixture, use_fixture

from qmtl_acceptance import diagnostics
from qmtl_acceptance.clients.gateway import GatewayClient
from qmtl_acceptance.config import load_config
from qmtl_acceptance.errors import SuiteError
from qmtl_acceptance.ids import ScenarioIds
from qmtl_acceptance.run import gate
from qmtl_acceptance.stack import provider_for

SUITE_STARTED = time.monotonic()
# Module state, not context: behave drops attributes set during a scenario when it ends.
_first_scenario_reported = False


@fixture
def qmtl_stack(context):
    provider = provider_for(context.suite)
    context.stack_provider = provider
    try:
        context.stack = provider.start()
        yield context.stack
    finally:
        provider.stop()


def before_all(context):
    gate.begin()
    try:
        context.suite = load_config(context.config.userdata)
    except SuiteError as exc:
        gate.refuse(str(exc))
    try:
        use_fixture(qmtl_stack, context)
    except SuiteError as exc:
        gate.refuse(str(exc))
    context.watchdog = gate.watch(context.stack_provider.liveness_checks())
    # Decided from what the started stack offers, not from the target's name.
    context.capabilities = {
        "target": context.suite.target,
        "contract": context.suite.contract_version,
        "stores": "visible" if context.stack.redis_url and context.stack.postgres_dsn else "hidden",
        "restarts": "available" if context.stack_provider.restartable else "unavailable",
    }
    timings = context.stack_provider.startup_timings()
    if timings:
        detail = ", ".join(f"{k} {v:.2f} s" for k, v in sorted(timings.items()))
        print(f"qmtl-acceptance: {context.suite.target} stack ready ({detail})", file=sys.__stderr__, flush=True)
    context.gateway = GatewayClient(context.stack.gateway_url, timeout=context.suite.seconds(10))
    context.capabilities["signing"] = gate.signing(context.stack_provider.token_signing_keys(), context.gateway.jwks)
    _describe_run_for_allure(context)


def _describe_run_for_allure(context) -> None:
    """Allure shows environment.properties on the report's front page: say what was tested."""
    results = context.suite.reports_dir / "allure-results"
    if not results.is_dir():
        return
    lines = {
        "Target": context.suite.target,
        "Contract": f"QMTL {context.suite.contract_version}",
        "Gateway": context.stack.gateway_url,
        "Timeout scale": context.suite.timeout_scale,
        "Deliberate faults": ",".join(context.suite.reference_faults) or "none",
    }
    text = "".join(f"{key.replace(' ', '.')}={value}\n" for key, value in lines.items())
    (results / "environment.properties").write_text(text)


def before_feature(context, feature):
    gate.skip_unless_available(feature, "feature", feature.tags, context.capabilities, context.suite.target)


def before_scenario(context, scenario):
    if gate.skip_unless_available(scenario, "scenario", scenario.effective_tags, context.capabilities, context.suite.target):
        return
    gate.scenario_started(scenario, getattr(context, "watchdog", None))
    global _first_scenario_reported
    if not _first_scenario_reported:
        _first_scenario_reported = True
        print(
            f"qmtl-acceptance: first scenario starts {time.monotonic() - SUITE_STARTED:.2f} s after the suite started",
            file=sys.__stderr__,
            flush=True,
        )
    context.ids = ScenarioIds(scenario.name)
    # Steps add what they observed (frames, answers) here; a failed step's evidence includes it.
    context.observations = {}


def after_step(context, step):
    # behave 1.3 tells an assertion that failed ("failed") from an exception ("error").
    if step.status.name not in ("failed", "error"):
        return
    try:
        _keep_evidence(context, step)
    except Exception as exc:  # evidence is best effort; it must never mask the real failure
        print(f"qmtl-acceptance: could not collect evidence: {exc}", file=sys.__stderr__)
    gate.step_failed(getattr(context, "watchdog", None))


def _keep_evidence(context, step) -> None:
    try:
        answer = context.gateway.status()
        gateway_status = diagnostics.json_text({"http_status": answer.status, "body": answer.body})
    except Exception as exc:
        gateway_status = f"unreachable: {exc}"
    folder = diagnostics.artifact_dir(context.suite.artifacts_dir, context.feature.name, context.scenario.name, step.name)
    evidence = diagnostics.collect(
        folder,
        gateway_status=gateway_status,
        log_files=context.stack_provider.log_files(),
        observations=getattr(context, "observations", {}),
    )
    try:
        import allure

        for name, text in evidence.items():
            allure.attach(text, name=name, attachment_type=allure.attachment_type.TEXT)
    except Exception:
        pass  # running without the allure formatter
    print(f"qmtl-acceptance: evidence for the failed step is in {folder}", file=sys.__stderr__)


def after_all(context):
    gate.end(getattr(context, "watchdog", None))
    gateway = getattr(context, "gateway", None)
    if gateway is not None:
        gateway.close()
