"""What a running DAG Manager was told at start."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Settings:
    chunk_size: int = 100
    # How long a sent chunk may go unacknowledged before it is sent again.
    resend_interval: float = 0.5
    # Upper bound on waiting for one acknowledgement when the caller set no deadline.
    ack_timeout: float = 30.0
    faults: frozenset[str] = field(default_factory=frozenset)

    def fault(self, name: str) -> bool:
        return name in self.faults
