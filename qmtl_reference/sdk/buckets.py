"""Time buckets: a bar of interval I sits at an epoch second divisible by I."""
from __future__ import annotations


def first_bucket_at_or_after(t: int, interval: int) -> int:
    return -(-t // interval) * interval


def buckets_in(start: int, end: int, interval: int) -> range:
    """Every bucket of the half-open window [start, end): the bucket at end belongs to the next window."""
    return range(first_bucket_at_or_after(start, interval), end, interval)


def is_aligned(t: int, interval: int) -> bool:
    return t % interval == 0
