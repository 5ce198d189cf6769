"""One ordered record of what the run did, so order can be proven afterwards."""
from __future__ import annotations

import itertools
import time
from typing import Any


class Timeline:
    def __init__(self) -> None:
        self._seq = itertools.count(1)
        self._origin = time.monotonic()
        self.events: list[dict[str, Any]] = []

    def record(self, event: str, **fields: Any) -> dict[str, Any]:
        entry = {"seq": next(self._seq), "t": round(time.monotonic() - self._origin, 6), "event": event, **fields}
        self.events.append(entry)
        return entry
