"""Watches the stack while scenarios run; a service that dies or a store that stops answering ends the run.

Without it, a dead Gateway turns every remaining scenario into its own
traceback and a dead Postgres into minutes of timeouts, none naming the cause.
Each `Check` names a service and a probe that returns None while all is well,
else one line on what is wrong. A check counts only after `strikes`
consecutive bad answers (a store under load may miss one ping; a process
that exited is certain at once).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable


@dataclass
class Check:
    service: str
    probe: Callable[[], str | None]
    every: float = 0.5
    strikes: int = 1


def _describe(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class Watchdog:
    def __init__(self, checks: list[Check], on_fault: Callable[[str, str], None]) -> None:
        self.checks = list(checks)
        self.on_fault = on_fault
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="qmtl-stack-watchdog", daemon=True)

    def start(self) -> "Watchdog":
        if self.checks:
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def check_now(self) -> bool:
        """Run the certain checks (a process that exited) at once, in the caller's thread; True if one failed.

        Called before each scenario and after a failed step, so a death the
        background thread has not seen yet cannot fail the scenarios that follow.
        """
        if self._stopped.is_set():
            return False
        for check in self.checks:
            if check.strikes != 1:
                continue
            try:
                problem = check.probe()
            except Exception as exc:
                problem = _describe(exc)
            if problem:
                self._stopped.set()
                self.on_fault(check.service, problem)
                return True
        return False

    def _watch(self) -> None:
        due = {id(c): 0.0 for c in self.checks}
        misses = {id(c): 0 for c in self.checks}
        while not self._stopped.is_set():
            now = time.monotonic()
            for check in self.checks:
                if now < due[id(check)] or self._stopped.is_set():
                    continue
                due[id(check)] = now + check.every
                try:
                    problem = check.probe()
                except Exception as exc:  # a probe that cannot reach its service has its answer
                    problem = _describe(exc)
                if not problem:
                    misses[id(check)] = 0
                    continue
                misses[id(check)] += 1
                if misses[id(check)] >= check.strikes and not self._stopped.is_set():
                    self._stopped.set()
                    self.on_fault(check.service, problem)
                    return
            self._stopped.wait(0.1)
