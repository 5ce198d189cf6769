"""The id rule every reference service applies at its edge.

A world or strategy id is 1–128 characters of ``A–Z a–z 0–9 . _ : -``
starting with a letter or digit. ASCII only, so an id can go into a header
(ETag), a queue name or a URL path segment without escaping, and ``.`` or
``..`` can never be an id (they would be path segments).
"""
from __future__ import annotations

import re

ID_MAX_LENGTH = 128
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
ID_RULE = "1-128 characters of A-Z a-z 0-9 . _ : - starting with a letter or digit"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def is_valid_id(value: object) -> bool:
    # fullmatch, not match with '$': Python's '$' also matches before a trailing newline.
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def id_problem(value: object, what: str) -> str | None:
    """None for a good id; otherwise one sentence saying what is wrong, without echoing a huge value."""
    if not isinstance(value, str):
        return f"{what} must be a string"
    if not value:
        return f"{what} must not be empty"
    if len(value) > ID_MAX_LENGTH:
        return f"{what} is {len(value)} characters long; at most {ID_MAX_LENGTH} are allowed"
    if not is_valid_id(value):
        return f"{what} {value[:40]!r} must be {ID_RULE}"
    return None
