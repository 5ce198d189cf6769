"""The runner's backfill gauges, rendered in the Prometheus text format."""
from __future__ import annotations

from dataclasses import dataclass, field


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@dataclass
class Gauge:
    name: str
    help: str
    labelnames: tuple[str, ...] = ()
    _values: dict[tuple[str, ...], float] = field(default_factory=dict)

    def set(self, value: float, **labels: object) -> None:
        self._values[self._key(labels)] = float(value)

    def inc(self, amount: float = 1, **labels: object) -> None:
        key = self._key(labels)
        self._values[key] = self._values.get(key, 0.0) + amount

    def dec(self, amount: float = 1, **labels: object) -> None:
        self.inc(-amount, **labels)

    def value(self, **labels: object) -> float:
        return self._values.get(self._key(labels), 0.0)

    def _key(self, labels: dict[str, object]) -> tuple[str, ...]:
        if set(labels) != set(self.labelnames):
            raise ValueError(f"{self.name} takes labels {self.labelnames}, got {tuple(labels)}")
        return tuple(str(labels[name]) for name in self.labelnames)

    def exposition(self) -> str:
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} gauge"]
        values = self._values or ({(): 0.0} if not self.labelnames else {})
        for key, value in sorted(values.items()):
            labels = ",".join(f'{n}="{_escape(v)}"' for n, v in zip(self.labelnames, key, strict=False))
            lines.append(f"{self.name}{{{labels}}} {_number(value)}" if labels else f"{self.name} {_number(value)}")
        return "\n".join(lines)


class BackfillMetrics:
    def __init__(self) -> None:
        self.last_timestamp = Gauge(
            "backfill_last_timestamp",
            "End of the history window most recently loaded into a node's cache (epoch seconds)",
            ("node_id", "interval"),
        )
        self.jobs_in_progress = Gauge("backfill_jobs_in_progress", "Backfill jobs running now")

    def exposition(self) -> str:
        return "\n".join([self.last_timestamp.exposition(), self.jobs_in_progress.exposition()]) + "\n"
