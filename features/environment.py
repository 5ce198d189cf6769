"""Behave hooks: one stack per run, one scene set per scenario, evidence for every step, a true verdict.

Only hooks and steps touch behave's context; everything they do is a call into
the support package, which is handed explicit values.
"""
from __future__ import annotations

import sys
import time

from behave import register_type
from behave.fixture import fixture, use_fixture

from qmtl_acceptance import clauses, contract_rows, diagnostics, guide_command, report_labels, vocabulary
from qmtl_acceptance.clients import wire_log
from qmtl_acceptance.clients.dagmanager import DagManagerClient
from qmtl_acceptance.clients.events import EventStream
from qmtl_acceptance.clients.gateway import GatewayClient
from qmtl_acceptance.clients.stores import GatewayPostgres, GatewayRedis
from qmtl_acceptance.config import load_config
from qmtl_acceptance.errors import SuiteError
from qmtl_acceptance.ids import ScenarioIds
from qmtl_acceptance.logscan import LogWatch
from qmtl_acceptance.run import allure_extras, gate
from qmtl_acceptance.runner import runner_clock_settable
from qmtl_acceptance.scenes import Scenario, Scenes, Target
from qmtl_acceptance.stack import attached, provider_for

# The Gherkin's vocabulary, before behave compiles the step patterns that use it.
register_type(**vocabulary.types())


@fixture
def qmtl_stack(context):
    provider = provider_for(context.suite)
    try:
        endpoints = provider.start()
        context.target = Target(context.suite, provider, endpoints,
                                GatewayClient(endpoints.gateway_url, timeout=context.suite.seconds(10)))
        yield context.target
    finally:
        if getattr(context, "target", None) is not None:
            context.target.close()
        provider.stop()


def before_all(context):
    gate.begin()
    # A mutable value set at the root: behave drops attributes a scenario sets when it ends.
    context.run_clock = {"started": time.monotonic(), "first_scenario_seen": False}
    gate.only_listed(context._runner)  # behave offers no public handle on the parsed features
    try:
        context.suite = load_config(context.config.userdata)
        use_fixture(qmtl_stack, context)
    except SuiteError as exc:
        gate.refuse(str(exc))
    target = context.target
    context.watchdog = gate.watch(target.provider.liveness_checks())
    # Decided from what the started stack offers, not from the target's name.
    context.capabilities = {
        "target": target.name,
        "contract": context.suite.contract_version,
        "stores": "visible" if target.stores_visible else "hidden",
        "restarts": "available" if target.provider.restartable else "unavailable",
        "signing": gate.signing(target.token_signing_keys(), target.gateway.jwks),
        "worldservice": "addressed" if target.endpoints.worldservice_url else "unaddressed",
        "dagmanager": "addressed" if target.endpoints.dagmanager_address else "unaddressed",
        "dagmanager_status": "addressed" if target.endpoints.dagmanager_status_url else "unaddressed",
        "runner_clock": "settable" if runner_clock_settable(context.suite) else "fixed",
        "installation": "runnable" if guide_command.installation_command(context.suite) else "none",
    }
    timings = target.provider.startup_timings()
    if timings:
        detail = ", ".join(f"{k} {v:.2f} s" for k, v in sorted(timings.items()))
        print(f"qmtl-acceptance: {target.name} stack ready ({detail})", file=sys.__stderr__, flush=True)
    # Beside other workers a service's log interleaves their scenarios with ours: no line of it can be held
    # to this scenario, so the command that runs the workers watches those logs for the whole phase instead.
    context.log_watch = LogWatch({} if attached.beside_other_workers() else target.provider.log_files())
    context.clause_ledger = clauses.ClauseLedger(clauses.load_cached())
    results = context.suite.reports_dir / "allure-results"
    version, commit = allure_extras.qmtl_version(target.provider)
    diagnostics.environment_properties(results, {
        "Target": target.name,
        "QMTL version": version or ("none (reference stack)" if target.name == "reference" else "unknown"),
        "QMTL commit": commit or "unknown",
        "Contract": f"QMTL {context.suite.contract_version}",
        "Machine": allure_extras.machine(),
        "Gateway": target.endpoints.gateway_url,
        "Timeout scale": context.suite.timeout_scale,
        "Deliberate faults": ",".join(context.suite.reference_faults) or "none",
    })
    if results.is_dir():
        allure_extras.write_executor(results, target.name)
        allure_extras.write_categories(results)
        allure_extras.write_startup_log(results, target.provider.log_files())


def before_feature(context, feature):
    gate.skip_unless_available(feature, "feature", feature.tags, context.capabilities, context.suite.target)


def before_scenario(context, scenario):
    if gate.skip_unless_available(scenario, "scenario", scenario.effective_tags, context.capabilities, context.suite.target):
        return
    gate.scenario_started(scenario, context.watchdog)
    if not context.run_clock["first_scenario_seen"]:
        context.run_clock["first_scenario_seen"] = True
        took = time.monotonic() - context.run_clock["started"]
        print(f"qmtl-acceptance: first scenario starts {took:.2f} s after the suite started", file=sys.__stderr__, flush=True)
    report_labels.apply_to_allure(report_labels.labels_for(
        scenario.feature.filename, scenario.feature.name, scenario.feature.description, scenario.effective_tags))
    scenario_state = Scenario(ScenarioIds(scenario.name), context.add_cleanup, context.suite.scenario_timeout_scale(scenario.name))
    context.scenes = Scenes(context.target, scenario_state)
    context.target.gateway.on_exchange = scenario_state.record_exchange
    EventStream.on_record = DagManagerClient.on_record = scenario_state.record_exchange
    GatewayRedis.on_record = GatewayPostgres.on_record = scenario_state.record_exchange
    context.log_watch.mark()


def after_step(context, step):
    taken = context.scenes.scenario.take_exchanges()
    wire = [e for e in taken if isinstance(e, wire_log.WireRecord)]
    exchanges = [e for e in taken if not isinstance(e, wire_log.WireRecord)]
    evidence = {"HTTP exchanges": diagnostics.exchanges_text(exchanges)} if exchanges else {}
    for kind, title in (("websocket", "WebSocket frames"), ("grpc", "gRPC messages"),
                        ("redis", "Redis reads"), ("postgres", "Postgres rows read")):
        records = [r for r in wire if r.kind == kind]
        if records:
            evidence[title] = wire_log.records_text(records)
    if evidence:
        diagnostics.attach_to_allure(evidence)
    # behave tells an assertion that failed ("failed") from an exception ("error"); both get evidence.
    if step.status.name not in ("failed", "error"):
        return
    try:
        folder = diagnostics.artifact_dir(context.suite.artifacts_dir, context.feature.name, context.scenario.name, step.name)
        evidence = diagnostics.collect(
            folder,
            gateway_status=diagnostics.gateway_status_text(context.target.gateway),
            log_files=context.target.provider.log_files(),
            observations=context.scenes.scenario.observations,
        )
        diagnostics.attach_to_allure(evidence)
        print(f"qmtl-acceptance: evidence for the failed step is in {folder}", file=sys.__stderr__)
    except Exception as exc:  # evidence is best effort; it must never mask the real failure
        print(f"qmtl-acceptance: could not collect evidence: {exc}", file=sys.__stderr__)
    gate.step_failed(context.watchdog)


def after_scenario(context, scenario):
    hinted = contract_rows.annotate_failure(scenario, context.suite.contract_version)
    if hinted:
        print(f"qmtl-acceptance: {scenario.name}: {hinted}", file=sys.__stderr__)
    context.clause_ledger.record(scenario.name, scenario.effective_tags, scenario.status.name,
                                 getattr(scenario, "skip_reason", "") or "")
    if scenario.status.name == "skipped":
        return
    errors = context.log_watch.new_errors()
    if errors:
        diagnostics.attach_to_allure({f"{service} unhandled error": text for service, text in errors.items()})
        first = next(iter(errors.values())).splitlines()
        raise AssertionError(f"{', '.join(sorted(errors))} logged an unhandled error during the scenario: {' | '.join(first[:6])}")


def after_all(context):
    gate.end(getattr(context, "watchdog", None))
    ledger = getattr(context, "clause_ledger", None)
    if ledger is not None and (ledger.passed or ledger.failed):
        ledger.write(context.suite.reports_dir / "clauses.json")
        print(f"qmtl-acceptance: {ledger.summary_line()} ({context.suite.reports_dir / 'clauses.json'})", file=sys.__stderr__)
