"""The reference DAG Manager: QMTL's gRPC surface (diff, tag queries, admin,
health) with its graph and queue bookkeeping held in Redis.

Run it with ``python -m qmtl_reference.dagmanager --help``. The Redis key
layout is described in ``store.py``; queue naming in ``naming.py``.
"""
