"""From ``MODULE:CLASS`` to a set-up strategy that can be backfilled, or one clear reason why not."""
from __future__ import annotations

import importlib
import os
import sys

from qmtl_reference.sdk import HistoryProvider, NodeError, Strategy

from .errors import RunnerError


def _import_module(module_name: str):
    # The guide names strategies relative to the directory it runs in (its tests.sample_strategy),
    # so that directory is importable, as under `python -m`.
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            raise RunnerError(f"cannot import module {module_name!r}: no such module") from None
        raise RunnerError(f"importing module {module_name!r} failed: {exc}") from None
    except Exception as exc:  # a strategy module may raise anything at import
        raise RunnerError(f"importing module {module_name!r} failed: {type(exc).__name__}: {exc}") from None


def load_strategy(reference: str) -> Strategy:
    module_name, sep, class_name = reference.partition(":")
    if not sep or not module_name or not class_name or ":" in class_name:
        raise RunnerError(f"strategy {reference!r} is not of the form MODULE:CLASS")
    module = _import_module(module_name)
    cls = getattr(module, class_name, None)
    if cls is None:
        raise RunnerError(f"module {module_name!r} has no class {class_name!r}")
    if not (isinstance(cls, type) and issubclass(cls, Strategy)):
        raise RunnerError(f"{reference!r} is not a Strategy class")
    try:
        strategy = cls()
        strategy.setup()
    except NodeError as exc:
        raise RunnerError(f"strategy {reference!r} is malformed: {exc}") from None
    except Exception as exc:
        raise RunnerError(f"setting up strategy {reference!r} failed: {type(exc).__name__}: {exc}") from None
    check_backfillable(reference, strategy)
    return strategy


def check_backfillable(reference: str, strategy: Strategy) -> None:
    streams = strategy.streams()
    if not streams:
        raise RunnerError(f"strategy {reference!r} has no StreamInput, so there is nothing to backfill")
    for stream in streams:
        if stream.history_provider is None:
            raise RunnerError(f"strategy {reference!r} cannot be backfilled: stream {stream.name!r} has no history provider")
        if not isinstance(stream.history_provider, HistoryProvider):
            raise RunnerError(f"strategy {reference!r}: the history provider of stream {stream.name!r} has no fetch(start, end, *, node_id, interval)")
    try:
        strategy.ordered_nodes()
    except NodeError as exc:
        raise RunnerError(f"strategy {reference!r} is malformed: {exc}") from None
