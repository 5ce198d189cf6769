"""The Gherkin's vocabulary as parse types, so a phrase no step knows is an undefined step.

``TYPES`` is handed to behave's ``register_type`` once (``features/environment.py``).
Choice types are generated from the case registries of the scenes, so adding a
case to a registry is what makes its phrase valid, and a misspelled phrase
fails ``behave --dry-run`` instead of a step at run time.

One grammar for lists: ``"alpha"``, ``"alpha" and "beta"``, ``"a", "b" and "c"``
(``Names``), and ``1, 2 and 3`` (``Numbers``).
"""
from __future__ import annotations

import re
from typing import Callable, Iterable

import parse
from parse_type import TypeBuilder

_NAME = r'"[^"]+"'
_NAMES = rf"{_NAME}(?:(?:, | and ){_NAME})*"
_NUMBER = r"-?\d+(?:\.\d+)?"
_NUMBERS = rf"{_NUMBER}(?:(?:, | and ){_NUMBER})*"


@parse.with_pattern(_NAMES)
def parse_names(text: str) -> list[str]:
    return re.findall(r'"([^"]+)"', text)


@parse.with_pattern(_NUMBERS)
def parse_numbers(text: str) -> list[float]:
    return [float(n) for n in re.findall(_NUMBER, text)]


@parse.with_pattern(rf"{_NUMBER} seconds?")
def parse_duration(text: str) -> float:
    """``1 second`` and ``2 seconds`` alike: no singular/plural step twins."""
    return float(text.split()[0])


@parse.with_pattern(rf"worlds? {_NAMES}")
def parse_world_roles(text: str) -> list[str]:
    """``world "alpha"`` or ``worlds "alpha" and "beta"``."""
    return parse_names(text)


def choice(phrases: Iterable[str]) -> Callable[[str], str]:
    """A type matching exactly one of the phrases (longest first, so no phrase shadows a longer one)."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return TypeBuilder.make_choice(ordered)


def _registry_types() -> dict[str, Callable[[str], object]]:
    # Imported here, not at module level: the registries live beside the scenes that use them.
    from .scenes import cases

    return {name: choice(phrases) for name, phrases in cases.CHOICES.items()}


def types() -> dict[str, Callable[[str], object]]:
    return {
        "Names": parse_names,
        "Numbers": parse_numbers,
        "Duration": parse_duration,
        "WorldRoles": parse_world_roles,
        **_registry_types(),
    }
