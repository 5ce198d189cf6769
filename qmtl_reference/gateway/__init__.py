"""Reference QMTL Gateway: HTTP + WebSocket, state in Redis and Postgres."""
