"""The end-to-end guide's sample strategy in QMTL's SDK.

Two BTC-USD streams read the shipped history (one-minute bars kept 5 deep,
five-minute bars kept 3 deep); `momentum` compares the latest one-minute
close with the five-minute trend.
"""
from __future__ import annotations

from qmtl.runtime.sdk import ProcessingNode, Strategy, StreamInput

from .history import BROKEN_HISTORY_DIR, FIVE_MINUTE_FILE, ONE_MINUTE_FILE, ShippedBars


def _stream(name: str, interval: int, period: int, *, history: bool = True) -> StreamInput:
    provider = ShippedBars(ONE_MINUTE_FILE if interval in (0, 60) else FIVE_MINUTE_FILE, interval=interval) if history else None
    stream = StreamInput(tags=["BTC-USD", "sample", name], interval=interval, period=period, history_provider=provider)
    stream.name = name  # QMTL names every StreamInput "stream_input"; the report names streams by role
    return stream


def _momentum(price: StreamInput, trend: StreamInput):
    def momentum(view):
        closes = [payload["close"] for _, payload in view[price][price.interval]]
        means = [payload["close"] for _, payload in view[trend][trend.interval]]
        if not closes or not means:
            return None
        return round(closes[-1] - sum(means) / len(means), 4)

    return momentum


class SampleStrategy(Strategy):
    def setup(self) -> None:
        price = _stream("price", 60, 5)
        trend = _stream("trend", 300, 3)
        signal = ProcessingNode(input=[price, trend], compute_fn=_momentum(price, trend), name="momentum", interval=60, period=3)
        self.add_nodes([price, trend, signal])


class NoHistoryStrategy(Strategy):
    """The same shape without a history provider: it cannot be backfilled."""

    def setup(self) -> None:
        self.add_nodes([_stream("price", 60, 5, history=False)])


class ZeroIntervalStrategy(Strategy):
    """A stream that claims bars every 0 seconds: no window can be cut into such buckets."""

    def setup(self) -> None:
        self.add_nodes([_stream("price", 0, 5)])


def _one_file_stream(file_name: str) -> StreamInput:
    stream = StreamInput(tags=["BTC-USD", "sample", "price"], interval=60, period=5,
                         history_provider=ShippedBars(BROKEN_HISTORY_DIR / file_name, interval=60))
    stream.name = "price"
    return stream


class _OneFileStrategy(Strategy):
    """The one-minute stream reading a history file broken in one known place (the suite's bad-input rows)."""

    file_name = ""

    def setup(self) -> None:
        self.add_nodes([_one_file_stream(self.file_name)])


class BadTimeAtLine2Strategy(_OneFileStrategy):
    file_name = "bad_ts_line_2.csv"


class BlankRowAtLine3Strategy(_OneFileStrategy):
    file_name = "blank_row_line_3.csv"


class FractionalTimeAtLine5Strategy(_OneFileStrategy):
    file_name = "fractional_ts_line_5.csv"


class NoTimeColumnStrategy(_OneFileStrategy):
    file_name = "no_ts_column.csv"


class HeaderOnlyStrategy(_OneFileStrategy):
    file_name = "header_only.csv"
