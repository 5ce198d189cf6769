"""The guide's one-minute stream, reading a history file that is broken in one known place.

Each class names its file: a bad row at a known line (the runner's error must
name that line), or a file with only its header (a window with no history at
all, which loads fine and reports every bar missing).
"""
from __future__ import annotations

from pathlib import Path

from qmtl_reference.sdk import CsvHistoryProvider, Strategy, StreamInput

HISTORY = Path(__file__).with_name("history")


def _price_from(file_name: str) -> StreamInput:
    return StreamInput(
        name="price",
        interval=60,
        period=5,
        history_provider=CsvHistoryProvider(HISTORY / file_name, interval=60),
        params={"symbol": "BTC-USD", "source": file_name},
        tags=["BTC-USD", "sample"],
    )


class _OneFileStrategy(Strategy):
    file_name = ""

    def setup(self) -> None:
        self.add_nodes([_price_from(self.file_name)])


class BadTimeAtLine2Strategy(_OneFileStrategy):
    """The first data row's ts is a word."""

    file_name = "bad_ts_line_2.csv"


class BlankRowAtLine3Strategy(_OneFileStrategy):
    """The second data row is empty, so it has no ts at all."""

    file_name = "blank_row_line_3.csv"


class FractionalTimeAtLine5Strategy(_OneFileStrategy):
    """Three good rows, then a ts with a fraction of a second."""

    file_name = "fractional_ts_line_5.csv"


class NoTimeColumnStrategy(_OneFileStrategy):
    """A history file whose header names its time column `time`, not `ts`."""

    file_name = "no_ts_column.csv"


class HeaderOnlyStrategy(_OneFileStrategy):
    """A history file with its header and no row."""

    file_name = "header_only.csv"
