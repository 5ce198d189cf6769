"""Latency summaries printed by the benchmarks."""
from __future__ import annotations

import statistics


def summary(name: str, samples: list[float], width: int = 40) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"{name:<{width}} n={len(ms):<4} median {statistics.median(ms):7.2f} ms   p95 {p95:7.2f} ms   max {ms[-1]:7.2f} ms"
