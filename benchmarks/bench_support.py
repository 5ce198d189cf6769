"""What the benchmarks share: a reference stack for the measurement, and latency summaries."""
from __future__ import annotations

import statistics
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qmtl_acceptance.config import load_config  # noqa: E402
from qmtl_acceptance.stack import StackEndpoints, provider_for  # noqa: E402


@contextmanager
def reference_stack() -> Iterator[StackEndpoints]:
    """A reference stack whose logs go to a throwaway folder, torn down afterwards."""
    with tempfile.TemporaryDirectory(prefix="qmtl-bench-") as reports:
        provider = provider_for(load_config({"reports_dir": reports}))
        try:
            yield provider.start()
        finally:
            provider.stop()


def summary(name: str, samples: list[float], width: int = 40) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"{name:<{width}} n={len(ms):<4} median {statistics.median(ms):7.2f} ms   p95 {p95:7.2f} ms   max {ms[-1]:7.2f} ms"
