"""The @perf scene's budget check, without behave or a stack: the stated budget, scaled, against the percentile."""
from __future__ import annotations

import pytest

from qmtl_acceptance import perf_chart
from qmtl_acceptance.errors import TargetFailure
from qmtl_acceptance.ids import ScenarioIds
from qmtl_acceptance.perf_chart import sorted_latency_png
from qmtl_acceptance.scenes import Scenario
from qmtl_acceptance.scenes.perf import PerfScene

# 100 deliveries of 10 ms but one of 300 ms: p95 10 ms, p99 about 12.9 ms, max 300 ms.
DELIVERIES = [0.010] * 99 + [0.300]


@pytest.fixture(autouse=True)
def no_rendering(monkeypatch, request):
    # Drawing a chart takes a good part of a second: only the chart's own test draws one.
    if request.node.name != "test_the_chart_is_a_png":
        monkeypatch.setattr(perf_chart, "sorted_latency_png", lambda *args: b"png")


def scene(scale: float = 1.0) -> PerfScene:
    scenario = Scenario(ScenarioIds("perf unit"), add_cleanup=lambda fn: None, timeout_scale=scale)
    perf = PerfScene(target=None, scenario=scenario, worlds=None)  # type: ignore[arg-type]
    perf.samples["delivery"] = list(DELIVERIES)
    return perf


def test_a_percentile_under_its_budget_passes_and_records_its_numbers():
    perf = scene()
    perf.within_budget("delivery", 95, 0.011)
    assert '"p95_ms": 10.0' in perf.scenario.observations["delivery numbers"]


@pytest.mark.parametrize("pct, budget, shown", [(95, 0.010, "p95 10.0 ms"), (99, 0.012, "p99 12.9 ms"),
                                                 (100, 0.250, "max 300.0 ms")])
def test_a_percentile_at_or_over_its_budget_fails_naming_both(pct, budget, shown):
    with pytest.raises(TargetFailure) as caught:
        scene().within_budget("delivery", pct, budget)
    assert shown in str(caught.value)
    assert f"under {budget * 1000:.0f} ms" in str(caught.value)


def test_the_budget_stretches_with_the_timeout_scale():
    scene(scale=3).within_budget("delivery", 100, 0.101)  # 303 ms allowed
    with pytest.raises(TargetFailure):
        scene(scale=2).within_budget("delivery", 100, 0.101)


def test_a_measurement_the_scenario_never_made_is_named():
    with pytest.raises(AssertionError, match="no handshake"):
        scene().within_budget("handshake", 95, 1)


def test_the_chart_is_a_png():
    assert sorted_latency_png("delivery", DELIVERIES, 0.25, "p99").startswith(b"\x89PNG\r\n\x1a\n")
