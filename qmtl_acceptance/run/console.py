"""behave's pretty console output, with a progress line per scenario and a skipped step saying why.

    behave -f qmtl_acceptance.run.console:Console

Each scenario starts with `[k/N] elapsed 12 s, about 30 s left`: N is the
run's selection, the estimate the mean time of the scenarios so far.
"""
from __future__ import annotations

import time

from behave.formatter.pretty import PrettyFormatter
from behave.model_core import Status

from . import outcome


def progress_line(k: int, total: int, elapsed: float, scenarios_elapsed: float) -> str:
    """``scenarios_elapsed`` leaves out the stack's start-up, which the remaining scenarios do not repeat."""
    line = f"[{k}/{total}] elapsed {elapsed:.0f} s"
    done = k - 1
    if done > 0 and total >= k:
        line += f", about {scenarios_elapsed / done * (total - done):.0f} s left"
    return line


class Console(PrettyFormatter):
    name = "pretty"

    def __init__(self, stream_opener, config, **kwargs):
        super().__init__(stream_opener, config, **kwargs)
        self._started = time.monotonic()
        self._first_scenario: float | None = None
        self._count = 0

    def scenario(self, scenario):
        now = time.monotonic()
        if self._first_scenario is None:
            self._first_scenario = now
        self._count += 1
        total = max(len(outcome.ledger().selected), self._count)
        line = progress_line(self._count, total, now - self._started, now - self._first_scenario)
        self.stream.write(f"\n  {line}\n")
        super().scenario(scenario)

    def print_steps(self):
        # Steps that never ran have no matched location; name the scenario's skip reason once.
        scenario = self.current_scenario
        reason = getattr(scenario, "skip_reason", None) if scenario is not None else None
        first = True
        while self.steps:
            note = f"skipped: {reason}" if first and reason else "skipped"
            self.print_step(Status.skipped, [], note, True)
            first = False
