"""History the reference stack ships: one-minute and five-minute BTC-USD bars.

Both files cover 1699992000 .. 1700013600 (six hours around the guide's
backfill window 1700000000 .. 1700003600). The one-minute file deliberately
lacks the bars at 1700007180, 1700007240 and 1700007300 — after the guide's
window — so a backfill over them has real missing history to report.
Regenerate with ``python -m qmtl_reference.data.synth``.
"""
from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

ONE_MINUTE_FILE = "btc_usd_1m.csv"
FIVE_MINUTE_FILE = "btc_usd_5m.csv"
COVERAGE = (1699992000, 1700013600)
ONE_MINUTE_GAP = (1700007180, 1700007240, 1700007300)


def shipped_path(name: str) -> Path:
    # The package is installed from a source tree (editable) or a wheel whose
    # data files are plain files, so the context manager never extracts.
    with as_file(files(__name__) / name) as path:
        return Path(path)
