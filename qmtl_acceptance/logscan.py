"""The log invariant: a service that logs an unhandled error during a scenario fails that scenario.

A ``LogWatch`` remembers where each service log ended when a scenario began;
``new_errors()`` returns, per service, the excerpt of every traceback or
unhandled-error line written since. With -n N the command running the workers
holds one for the whole phase (their scenarios interleave in a shared stack's logs).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Mapping

from .redaction import redact

# Lines that mean a service hit an error nobody handled (Python, uvicorn, grpc).
ERROR_LINE = re.compile(r"Traceback \(most recent call last\)|Exception in ASGI application|Unhandled exception|"
                        r"\bCRITICAL\b|Fatal Python error")
EXCERPT_LINES = 30


class LogWatch:
    def __init__(self, log_files: Mapping[str, str]) -> None:
        self.files = {service: Path(path) for service, path in log_files.items()}
        self.offsets: dict[str, int] = {}

    def mark(self) -> None:
        self.offsets = {service: _size(path) for service, path in self.files.items()}

    def new_errors(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for service, path in self.files.items():
            text = _read_from(path, self.offsets.get(service, 0))
            lines = text.splitlines()
            hits = [i for i, line in enumerate(lines) if ERROR_LINE.search(line)]
            if hits:
                first = hits[0]
                found[service] = redact("\n".join(lines[first:first + EXCERPT_LINES]))
        return found


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read_from(path: Path, offset: int) -> str:
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            return handle.read(1 << 20).decode("utf-8", "replace")
    except OSError:
        return ""
