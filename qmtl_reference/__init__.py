"""QMTL reference stack: compact, contract-faithful Gateway, DAG Manager,
WorldService and strategy runner, run as separate processes."""
