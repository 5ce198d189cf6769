"""behave's pretty console output, with a skipped step saying why instead of `# None`.

    behave -f qmtl_acceptance.run.console:Console
"""
from __future__ import annotations

from behave.formatter.pretty import PrettyFormatter
from behave.model_core import Status


class Console(PrettyFormatter):
    name = "pretty"

    def print_steps(self):
        # Steps that never ran have no matched location; name the scenario's skip reason once.
        scenario = self.current_scenario
        reason = getattr(scenario, "skip_reason", None) if scenario is not None else None
        first = True
        while self.steps:
            note = f"skipped: {reason}" if first and reason else "skipped"
            self.print_step(Status.skipped, [], note, True)
            first = False
