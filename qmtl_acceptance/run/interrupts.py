"""Ctrl-C, SIGTERM and the watchdog's stop all end a run the same way: a KeyboardInterrupt in the main thread.

behave turns a KeyboardInterrupt into an orderly abort (the current step
fails, no further scenario starts, after_all and every cleanup run), so the
stack is torn down exactly as for Ctrl-C. Before the interrupt, the reason is
written to the ledger; the first reason wins, so the watchdog's own interrupt
does not turn "the Gateway died" into "interrupted".
"""
from __future__ import annotations

import signal
import sys
import threading

from . import outcome

_installed = False


def _on_signal(signum, frame):
    name = signal.Signals(signum).name
    outcome.ledger().stop_once("interrupted", f"interrupted by {name}")
    raise KeyboardInterrupt(name)


def install() -> None:
    """Route SIGINT and SIGTERM through the ledger (main thread only)."""
    global _installed
    if _installed or threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    _installed = True


def stop_run(kind: str, message: str) -> bool:
    """From any thread: record why the run must end, say it once, and interrupt the main thread."""
    if not outcome.ledger().stop_once(kind, message):
        return False
    print(f"\nqmtl-acceptance: stopping the run: {message}\n", file=sys.__stderr__, flush=True)
    # A real signal, not _thread.interrupt_main(): it also breaks a main thread blocked in a system call.
    main_thread = threading.main_thread().ident
    if main_thread is None:  # only a thread not yet started has no ident; the main thread always has one
        raise RuntimeError("the main thread has no thread id to signal")
    signal.pthread_kill(main_thread, signal.SIGINT)
    return True
