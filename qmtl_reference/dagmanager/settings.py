"""What a running DAG Manager was told at start, and which deliberate faults are on now."""
from __future__ import annotations

from dataclasses import dataclass, field

from qmtl_reference import faults as fault_registry


@dataclass(frozen=True)
class Settings:
    chunk_size: int = 100
    # How long a sent chunk may go unacknowledged before it is sent again.
    resend_interval: float = 0.5
    # Upper bound on waiting for one acknowledgement when the caller set no deadline.
    ack_timeout: float = 30.0
    # Faults fixed for this instance (tests in-process); the registry adds those
    # switched on for the process, which may change while it runs.
    faults: frozenset[str] = field(default_factory=frozenset)

    def fault(self, name: str) -> bool:
        return name in self.faults or fault_registry.is_active(name)
