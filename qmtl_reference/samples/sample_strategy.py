"""The end-to-end guide's sample strategy, runnable as the guide's command:

    qmtl-reference tools sdk run qmtl_reference.samples.sample_strategy:SampleStrategy \
        --start-time 1700000000 --end-time 1700003600

Two BTC-USD streams read the history the reference stack ships (one-minute
bars kept 5 deep, five-minute bars kept 3 deep); ``momentum`` compares the
latest one-minute close with the five-minute trend.
"""
from __future__ import annotations

from qmtl_reference.data import FIVE_MINUTE_FILE, ONE_MINUTE_FILE, shipped_path
from qmtl_reference.sdk import CsvHistoryProvider, ProcessingNode, ReplayFeed, Strategy, StreamInput


def momentum(inputs):
    closes = [row["close"] for row in inputs["price"]]
    trend = [row["close"] for row in inputs["trend"]]
    if not closes or not trend:
        return None
    return round(closes[-1] - sum(trend) / len(trend), 4)


def _stream(name: str, file_name: str, interval: int, period: int) -> StreamInput:
    provider = CsvHistoryProvider(shipped_path(file_name), interval=interval)
    return StreamInput(
        name=name,
        interval=interval,
        period=period,
        history_provider=provider,
        live_feed=ReplayFeed(provider),
        params={"symbol": "BTC-USD", "source": "reference-history"},
        tags=["BTC-USD", "sample"],
    )


class SampleStrategy(Strategy):
    def setup(self) -> None:
        price = _stream("price", ONE_MINUTE_FILE, 60, 5)
        trend = _stream("trend", FIVE_MINUTE_FILE, 300, 3)
        signal = ProcessingNode(inputs=[price, trend], compute_fn=momentum, name="momentum", interval=60, period=5)
        self.add_nodes([price, trend, signal])


class NoHistoryStrategy(Strategy):
    """The same shape without a history provider: it cannot be backfilled."""

    def setup(self) -> None:
        price = StreamInput(name="price", interval=60, period=5, params={"symbol": "BTC-USD"})
        self.add_nodes([price])


class ZeroIntervalStrategy(Strategy):
    """A stream that claims bars every 0 seconds: no window can be cut into such buckets."""

    def setup(self) -> None:
        self.add_nodes([_stream("price", ONE_MINUTE_FILE, 0, 5)])
