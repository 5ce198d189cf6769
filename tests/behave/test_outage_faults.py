"""The outage scenarios pass on the reference stack, and each outage fault fails exactly the scenarios that should catch it.

These scenarios stop and start stores and services, so every run brings up a stack of its own.
"""
from __future__ import annotations

import pytest

from qmtl_reference.faults import KNOWN

OUTAGES = "features/robustness/outages.feature"

POSTGRES = "While Postgres is down the Gateway names it alone and refuses new strategies with a 503; afterwards nothing is lost"
WORLDSERVICE = ("While WorldService is down the Gateway names it alone and refuses new strategies with a 503; "
                "afterwards nothing is lost")
DAGMANAGER = "While the DAG Manager is down the Gateway names it alone and still accepts strategies; afterwards nothing is lost"
REDIS = ("While Redis is down the Gateway says so and refuses new strategies; "
         "afterwards dedupe, bindings, activations and live events are back")
HANGS = "A strategy sent while WorldService hangs is refused with a 503 or bound once it answers, never accepted unbound"
EVERY = [POSTGRES, WORLDSERVICE, DAGMANAGER, REDIS, HANGS]

# fault → (the scenarios it must fail, a phrase one of their failures must carry)
CASES = {
    "status_redis_always_ok": ([REDIS], "says redis is 'ok', not down"),
    "status_components_swapped": ([POSTGRES, WORLDSERVICE, REDIS], "not down"),
    "postgres_down_500": ([POSTGRES], "gateway logged an unhandled error"),
    "broker_reader_gives_up": ([REDIS], "the subscriber before receives activation change"),
    "dagmanager_health_ignores_redis": ([REDIS], "HealthCheck.Status said state 'running', expected 'degraded'"),
    "subscribe_waits_for_dagmanager": ([DAGMANAGER], "HTTP 200 with a compact JWT"),
    # A binding WorldService cannot take is dropped whether WorldService hangs or is down.
    "binding_dropped_on_slow_worldservice": ([HANGS, WORLDSERVICE], "world beta lists [], without "),
}


def _base(name: str) -> str:
    # Outline rows are reported as "<name> -- @<row> <examples>".
    return name.split(" -- @", 1)[0].strip()


def test_every_outage_fault_has_a_case():
    assert set(CASES) <= set(KNOWN), f"cases for unregistered faults: {sorted(set(CASES) - set(KNOWN))}"


def test_every_outage_scenario_passes_on_the_reference_stack(behave_run):
    run = behave_run(OUTAGES, own_stack=True)
    assert run.returncode == 0, run.explain()
    assert sorted({_base(n) for n in run.statuses("passed")}) == sorted(EVERY), run.explain()
    assert len(run.statuses("passed")) == 5, run.explain()


def test_every_outage_scenario_has_a_fault_it_catches():
    caught = {name for scenarios, _phrase in CASES.values() for name in scenarios}
    assert caught == set(EVERY), f"scenarios no fault proves able to fail: {sorted(set(EVERY) - caught)}"


@pytest.mark.parametrize("fault", sorted(CASES))
def test_the_outage_fault_fails_exactly_its_scenarios(fault, behave_run):
    expected, phrase = CASES[fault]
    run = behave_run(OUTAGES, faults=[fault], own_stack=True, failing=expected)
    failed = sorted({_base(n) for n in run.statuses("failed")})
    assert run.returncode != 0, run.explain()
    assert failed == sorted(set(expected)), f"under {fault}: expected {sorted(set(expected))} to fail, got {failed}\n{run.explain()}"
    messages = "\n".join(run.failures.values())
    assert phrase in messages, f"under {fault} no failure says {phrase!r}:\n{messages[:3000]}"
