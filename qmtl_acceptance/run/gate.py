"""The calls behave's hooks make into the run machinery; each takes what it needs, never `context`."""
from __future__ import annotations

import sys
from typing import Iterable, Mapping

from . import interrupts, outcome, skips
from .watchdog import Watchdog


def begin() -> None:
    """First thing in before_all: Ctrl-C and SIGTERM end the run through the ledger."""
    interrupts.install()


def only_listed(runner) -> None:
    """A worker's or a shard's run holds only its listed scenarios (see selection.keep_listed)."""
    from .selection import keep_listed

    keep_listed(runner.features)


def refuse(message: str) -> None:
    """The run cannot start: say why in one paragraph, record it, and make behave stop (exit 2)."""
    outcome.ledger().stop_once("not_started", message)
    print(f"\nqmtl-acceptance: {message}\n", file=sys.__stderr__, flush=True)
    raise SystemExit(outcome.NOT_STARTED)


def watch(checks: list) -> Watchdog:
    """Watch the started stack; a death stops the run with one message naming the service."""

    def fault(service: str, problem: str) -> None:
        interrupts.stop_run("stack_failed", problem if service in problem else f"{service}: {problem}")

    return Watchdog(checks, fault).start()


def signing(operator_keys: Mapping[str, bytes], read_jwks) -> str:
    """The `signing` capability from what the started stack offers (see skips.signing_capability)."""
    try:
        answer = read_jwks()
    except Exception:  # no JWKS to read: only the operator's key can sign, and the scenarios will say the rest
        answer = None
    body = getattr(answer, "body", None) if getattr(answer, "status", None) == 200 else None
    return skips.signing_capability(operator_keys, body)


def skip_unless_available(item, kind: str, tags: Iterable[str], capabilities: Mapping[str, str], target: str) -> bool:
    """Skip a feature or scenario the started stack cannot serve, with its reason; True when skipped."""
    reason = skips.skip_reason(capabilities, tags, target)
    if reason is None:
        return False
    item.skip(reason=reason)
    skips.announce(kind, item.name, reason)
    return True


def scenario_started(scenario, watchdog: Watchdog | None = None) -> None:
    """Stop here if the stack already died; from now on, a step cannot turn its scenario into a skip."""
    if watchdog is not None:
        watchdog.check_now()
    skips.refuse_late_skips(scenario)


def step_failed(watchdog: Watchdog | None) -> None:
    """A failed step may be the first sign of a dead service: if so, end the run now, naming it."""
    if watchdog is not None:
        watchdog.check_now()


def end(watchdog: Watchdog | None) -> None:
    """First thing in after_all: the stack is about to be stopped on purpose."""
    if watchdog is not None:
        watchdog.stop()
