"""The case registries behind the Gherkin's choice phrases, gathered from the scenes.

Each scene module defines ``CHOICES``: parse-type name → the phrases a feature
may use for it, the keys of the registry that gives each phrase its meaning.
Gathering them here lets the vocabulary be built in one place.
"""
from __future__ import annotations

import importlib

DOMAINS = ("health", "smoke", "backfill", "dagmanager", "worldservice", "events", "strategies", "strategies_status",
           "strategies_queues", "robustness", "outages")


def _gather() -> dict[str, tuple[str, ...]]:
    gathered: dict[str, tuple[str, ...]] = {}
    for domain in DOMAINS:
        module = importlib.import_module(f"{__package__}.{domain}")
        for name, phrases in module.CHOICES.items():
            # Two scenes may share a type (match modes, sides) only with the same phrases.
            if name in gathered and set(gathered[name]) != set(phrases):
                raise ValueError(f"parse type {name!r} is defined by two scenes with different phrases")
            gathered[name] = tuple(phrases)
    return gathered


CHOICES = _gather()
