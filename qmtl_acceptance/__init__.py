"""QMTL Acceptance: the suite's support package (config, stack providers,
clients, DAG builder, polling). It talks to every target over the wire only."""
