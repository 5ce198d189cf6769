"""A PNG of one @perf measurement: every sample in sorted order, with the budget as a line.

matplotlib is imported here only, on first use, so runs without @perf scenarios never load it.
"""
from __future__ import annotations

import io
from typing import Sequence


def sorted_latency_png(title: str, samples_s: Sequence[float], budget_s: float, budget_label: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")  # no display: render to memory
    from matplotlib.figure import Figure

    ordered = sorted(s * 1000 for s in samples_s)
    figure = Figure(figsize=(7, 3.8), dpi=100)
    axes = figure.add_subplot()
    percent = [100 * (i + 1) / len(ordered) for i in range(len(ordered))]
    axes.plot(percent, ordered, marker="." if len(ordered) <= 60 else None, linewidth=1.5, label="samples, sorted")
    axes.axhline(budget_s * 1000, color="tab:red", linestyle="--", label=f"budget: {budget_label} {budget_s * 1000:.0f} ms")
    axes.set_xlabel("share of samples at or below (%)")
    axes.set_ylabel("latency (ms)")
    axes.set_title(title, fontsize=10)
    axes.set_xlim(0, 100)
    axes.set_ylim(0, max(max(ordered), budget_s * 1000) * 1.1)
    axes.grid(True, alpha=0.3)
    axes.legend(loc="upper left", fontsize=8)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
