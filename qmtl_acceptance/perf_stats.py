"""The numbers a @perf scenario reports: percentiles of its latency samples, against the budget the Gherkin states."""
from __future__ import annotations

import math
from typing import Sequence


def percentile(samples: Sequence[float], p: float) -> float:
    """The p-th percentile (0–100) by linear interpolation between closest ranks, as numpy's default does.

    With 100 samples the 95th percentile lies between the 95th and 96th smallest: a single slow outlier
    moves the p99 and the max, not the p95.
    """
    if not samples:
        raise ValueError("a percentile of no samples")
    if not 0 <= p <= 100:
        raise ValueError(f"a percentile is between 0 and 100, not {p}")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(samples_s: Sequence[float], budget_s: float, measure: str) -> dict[str, float | int | str]:
    """count, min, median, p95, p99, max and the budget, in milliseconds; ``measure`` names the statistic the budget bounds."""
    def ms(value: float) -> float:
        return round(value * 1000, 3)

    return {
        "count": len(samples_s),
        "min_ms": ms(min(samples_s)),
        "median_ms": ms(percentile(samples_s, 50)),
        "p95_ms": ms(percentile(samples_s, 95)),
        "p99_ms": ms(percentile(samples_s, 99)),
        "max_ms": ms(max(samples_s)),
        "budget_ms": ms(budget_s),
        "budget_bounds": measure,
    }


def one_line(name: str, numbers: dict[str, float | int | str]) -> str:
    return (f"{name}: n={numbers['count']} min {numbers['min_ms']:.1f} ms, median {numbers['median_ms']:.1f} ms, "
            f"p95 {numbers['p95_ms']:.1f} ms, p99 {numbers['p99_ms']:.1f} ms, max {numbers['max_ms']:.1f} ms "
            f"(budget: {numbers['budget_bounds']} under {numbers['budget_ms']:.0f} ms)")
