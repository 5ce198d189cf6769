"""What happened in a run, and the one verdict (closing line and exit code) it earns.

Exit codes, one meaning each:

- 0  every selected scenario that ran passed, and at least one ran;
- 1  a scenario failed, or a service of the stack died during the run;
- 2  the run could not start or tested nothing: a bad setting, an unknown tag
     or path, an empty selection, a stack that would not start, or every
     selected scenario skipped;
- 130 interrupted (Ctrl-C, SIGTERM).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

PASSED, FAILED, NOT_STARTED, NOTHING_TESTED, INTERRUPTED = 0, 1, 2, 2, 130


@dataclass(frozen=True)
class ScenarioKey:
    feature: str
    name: str


@dataclass
class ScenarioResult:
    key: ScenarioKey
    status: str  # passed | failed | skipped
    message: str = ""
    seconds: float = 0.0


@dataclass
class Stop:
    """Why the run ended before every selected scenario ran."""

    kind: str  # not_started | interrupted | stack_failed
    message: str


@dataclass
class RunLedger:
    selected: list[ScenarioKey] = field(default_factory=list)
    results: list[ScenarioResult] = field(default_factory=list)
    stop: Stop | None = None
    # Unhandled errors services logged while workers shared them, by service: no one scenario can be held to them.
    service_errors: dict[str, str] = field(default_factory=dict)
    started_at: float = field(default_factory=time.time)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -- what happened ------------------------------------------------------
    def record(self, result: ScenarioResult) -> None:
        with self._lock:
            self.results.append(result)

    def stop_once(self, kind: str, message: str) -> bool:
        """The first reason to stop wins: a watchdog's cause is not overwritten by the interrupt it sends."""
        with self._lock:
            if self.stop is not None:
                return False
            self.stop = Stop(kind, message)
            return True

    # -- what it adds up to -------------------------------------------------
    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    def skipped(self) -> list[ScenarioResult]:
        return [r for r in self.results if r.status == "skipped"]

    def not_run(self) -> list[ScenarioKey]:
        done = {r.key for r in self.results}
        return [key for key in self.selected if key not in done]

    def exit_code(self) -> int:
        if self.stop is not None:
            return {"not_started": NOT_STARTED, "interrupted": INTERRUPTED}.get(self.stop.kind, FAILED)
        if self.count("failed") or self.service_errors:
            return FAILED
        if not self.count("passed"):
            return NOTHING_TESTED
        return PASSED

    def closing_line(self) -> str:
        passed, failed, skipped = self.count("passed"), self.count("failed"), self.count("skipped")
        tally = f"{passed} passed, {failed} failed, {skipped} skipped"
        total = len(self.selected) or len(self.results)
        ran = len(self.results)
        if self.stop is not None:
            if self.stop.kind == "not_started":
                return f"not run: {self.stop.message}"
            left = f"; {len(self.not_run())} not run" if self.not_run() else ""
            if self.stop.kind == "interrupted":
                return f"interrupted after {ran} of {total} scenarios ({tally}{left})"
            return f"stopped after {ran} of {total} scenarios: {first_line(self.stop.message)} ({tally}{left})"
        if self.service_errors:
            return (f"{tally}; {', '.join(sorted(self.service_errors))} logged an unhandled error while workers "
                    "shared the stack, which no one scenario can be held to")
        if not passed and not failed:
            if not ran:
                return "nothing tested: no scenario ran"
            return f"nothing tested: all {ran} selected scenarios were skipped"
        return tally

    def skip_list(self) -> list[str]:
        return [f"skipped: {r.key.feature}: {r.key.name}: {r.message}" for r in self.skipped()]


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


_LEDGER = RunLedger()


def ledger() -> RunLedger:
    """The ledger of this process's run."""
    return _LEDGER


def reset() -> RunLedger:
    """A fresh ledger (tests; one run per process otherwise)."""
    global _LEDGER
    _LEDGER = RunLedger()
    return _LEDGER
