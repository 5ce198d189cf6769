"""Rows that hold the target to one revision of QMTL's contract, and the hint their failure carries.

A row tagged `@use.with_contract=<revision>` runs only when the run holds the
target to that revision, the default one included; a QMTL of another revision
fails it for a reason its message cannot show (the February 2026 QMTL still
accepts the old `world_id` field). Its failure therefore names the setting.
"""
from __future__ import annotations

from typing import Iterable

from .config import CONTRACT_VERSIONS

TAG_PREFIX = "use.with_contract="


def contract_of(tags: Iterable[str]) -> str | None:
    return next((str(t)[len(TAG_PREFIX):] for t in tags if str(t).startswith(TAG_PREFIX)), None)


def hint(tags: Iterable[str], run_contract: str) -> str | None:
    """None for a row that holds no revision, else one sentence naming -D contract_version."""
    wanted = contract_of(tags)
    if wanted is None:
        return None
    others = [v for v in CONTRACT_VERSIONS if v != wanted]
    return (f"this row holds the target to QMTL contract {wanted} (this run: contract_version={run_contract}); "
            f"if the target is a QMTL of revision {' or '.join(others)}, run it with -D contract_version={others[0] if others else wanted}")


def annotate_failure(scenario, run_contract: str) -> str | None:
    """Add the hint to the failed step's message and exception, which the run's reports read; the hint, or None."""
    text = hint(scenario.effective_tags, run_contract)
    if text is None or scenario.status.name not in ("failed", "error"):
        return None
    for step in scenario.all_steps:
        if step.status.name in ("failed", "error"):
            step.error_message = f"{step.error_message or ''}\n{text}".strip()
            exception = getattr(step, "exception", None)
            if isinstance(exception, AssertionError):
                step.exception = AssertionError(f"{exception} ({text})")
            return text
    return None
