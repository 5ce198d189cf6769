"""The guide's exact backfill command, run with the target's own installation.

The guide: `qmtl tools sdk run tests.sample_strategy:SampleStrategy
--start-time 1700000000 --end-time 1700003600`. No Gateway is named on that
line; QMTL's SDK takes it from QMTL_GATEWAY_URL, which the suite sets to the
started stack's Gateway. The strategy is the installation's own sample: the
reference runner's for the reference stack, the one written in QMTL's SDK for
a QMTL installation.
"""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .config import SuiteConfig
from .runner import ADAPTER_STRATEGIES, STRATEGIES
from .stack.qmtl_install import installation_python

GATEWAY_URL_ENV = "QMTL_GATEWAY_URL"


def _beside(python: str, command: str) -> str | None:
    """A console script of the same environment: the command the guide types, rather than `python -m`."""
    found = Path(python).parent / command
    return str(found) if found.is_file() and os.access(found, os.X_OK) else None


def installation_command(config: SuiteConfig) -> list[str] | None:
    """The installation's own command line, or None when the target has none the suite can run."""
    if config.target == "reference":
        script = _beside(sys.executable, "qmtl-reference")
        return [script] if script else [sys.executable, "-m", "qmtl_reference"]
    if config.target == "qmtl":
        python = installation_python(config.qmtl_python)
        script = _beside(python, "qmtl")
        return [script] if script else [python, "-m", "qmtl"]
    return None


def sample_strategy(config: SuiteConfig) -> str:
    return ADAPTER_STRATEGIES["sample"] if config.target == "qmtl" else STRATEGIES["sample"]


@dataclass(frozen=True)
class GuideRun:
    command: list[str]
    returncode: int | None
    stdout: str
    stderr: str
    seconds: float

    def describe(self) -> str:
        outcome = "was killed at its deadline" if self.returncode is None else f"exited {self.returncode}"
        return (f"{shlex.join(self.command)} {outcome} after {self.seconds:.2f} s\n"
                f"--- stderr ---\n{self.stderr[-2000:]}\n--- stdout ---\n{self.stdout[-2000:]}")


def run_guide_command(config: SuiteConfig, *, start: int, end: int, gateway_url: str, deadline: float) -> GuideRun:
    base = installation_command(config)
    assert base is not None, "no installation command on this target"  # the scenario's active tag excludes it
    argv = [*base, "tools", "sdk", "run", sample_strategy(config), "--start-time", str(start), "--end-time", str(end)]
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, GATEWAY_URL_ENV: gateway_url}
    if config.target == "reference":
        # The console script imports whatever the environment installed (an editable install may point at another
        # checkout); the checkout under test comes first, as `python -m` would have it.
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH", "")) if p)
    began = time.monotonic()
    try:
        done = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True,
                              timeout=config.seconds(deadline), stdin=subprocess.DEVNULL)
        return GuideRun(argv, done.returncode, done.stdout, done.stderr, time.monotonic() - began)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        return GuideRun(argv, None, out, err, time.monotonic() - began)
