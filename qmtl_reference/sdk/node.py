"""Strategy nodes: what each one computes, and its DAG spec for the Gateway."""
from __future__ import annotations

import hashlib
import inspect
import json
import textwrap
from typing import Any, Callable, Iterable, Mapping, Sequence

from .history import HistoryProvider
from .live import LiveFeed

Row = Mapping[str, Any]


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The hash of an empty expected schema, "{}": what QMTL sends for nodes that
# declare no schema (it is the value in the contract's sample DAG).
EMPTY_SCHEMA_HASH = sha256_hex("{}")


class NodeError(ValueError):
    pass


def _positive_int(name: str, value: Any, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise NodeError(f"{name} must be a whole number of at least {minimum}, got {value!r}")
    return value


class Node:
    node_type = "Node"

    def __init__(
        self,
        *,
        name: str,
        interval: int,
        period: int,
        inputs: Sequence["Node"] = (),
        params: Mapping[str, Any] | None = None,
        tags: Iterable[str] = (),
    ) -> None:
        if not name:
            raise NodeError("a node needs a name")
        self.name = name
        self.interval = _positive_int(f"{name}: interval", interval, minimum=1)
        self.period = _positive_int(f"{name}: period", period, minimum=1)
        self.inputs = list(inputs)
        self.params = dict(params or {})
        self.tags = list(tags)

    def code_source(self) -> str:
        return self.node_type

    @property
    def code_hash(self) -> str:
        return sha256_hex(self.code_source())

    def spec(self, dependency_ids: Sequence[str], *, extra_params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The node as the Gateway receives it, without its node_id (computed over this dict)."""
        params = {**self.params, **(extra_params or {})}
        return {
            "node_type": self.node_type,
            "name": self.name,
            "interval": self.interval,
            "period": self.period,
            "params": params,
            "dependencies": list(dependency_ids),
            "inputs": list(dependency_ids),
            "tags": list(self.tags),
            "code_hash": self.code_hash,
            "config_hash": sha256_hex(json.dumps(self.params, sort_keys=True, separators=(",", ":"))),
            "schema_hash": EMPTY_SCHEMA_HASH,
            "schema_compat_id": EMPTY_SCHEMA_HASH,
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, interval={self.interval}, period={self.period})"


class StreamInput(Node):
    """A stream of bars: history comes from its provider, live bars from its feed."""

    node_type = "StreamInput"

    def __init__(
        self,
        *,
        interval: int,
        period: int,
        history_provider: HistoryProvider | None = None,
        live_feed: LiveFeed | None = None,
        name: str = "stream",
        params: Mapping[str, Any] | None = None,
        tags: Iterable[str] = (),
    ) -> None:
        super().__init__(name=name, interval=interval, period=period, params=params, tags=tags)
        self.history_provider = history_provider
        self.live_feed = live_feed


class ProcessingNode(Node):
    """Computes a value from its inputs' cached rows each time one of them gets a new bar.

    ``compute_fn`` receives ``{input name: [rows, oldest first]}`` (at most each
    input's period) and returns a value, or None when it has nothing to say yet.
    """

    node_type = "ProcessingNode"

    def __init__(
        self,
        *,
        inputs: Sequence[Node],
        compute_fn: Callable[[dict[str, list[Row]]], Any],
        name: str,
        interval: int,
        period: int,
        params: Mapping[str, Any] | None = None,
        tags: Iterable[str] = (),
    ) -> None:
        if not inputs:
            raise NodeError(f"{name}: a processing node needs at least one input")
        if not callable(compute_fn):
            raise NodeError(f"{name}: compute_fn must be callable")
        super().__init__(name=name, interval=interval, period=period, inputs=inputs, params=params, tags=tags)
        self.compute_fn = compute_fn

    def code_source(self) -> str:
        # The function's text, as QMTL hashes it: the same code yields the same id
        # on every machine, and an edited function gets a new one.
        try:
            return textwrap.dedent(inspect.getsource(self.compute_fn))
        except (OSError, TypeError):
            return f"{getattr(self.compute_fn, '__module__', '')}.{getattr(self.compute_fn, '__qualname__', repr(self.compute_fn))}"

    def compute(self, inputs: dict[str, list[Row]]) -> Any:
        return self.compute_fn(inputs)
