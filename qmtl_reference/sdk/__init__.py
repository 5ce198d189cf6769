"""A small strategy SDK: nodes, history providers, live feeds and the DAG they make."""
from .buckets import buckets_in, first_bucket_at_or_after, is_aligned
from .cache import NodeCache
from .dag import SerializedDag, serialize
from .history import CsvHistoryProvider, HistoryError, HistoryProvider
from .live import LiveFeed, ReplayFeed
from .node import Node, NodeError, ProcessingNode, StreamInput
from .strategy import Strategy

__all__ = [
    "CsvHistoryProvider",
    "HistoryError",
    "HistoryProvider",
    "LiveFeed",
    "Node",
    "NodeCache",
    "NodeError",
    "ProcessingNode",
    "ReplayFeed",
    "SerializedDag",
    "Strategy",
    "StreamInput",
    "buckets_in",
    "first_bucket_at_or_after",
    "is_aligned",
    "serialize",
]
