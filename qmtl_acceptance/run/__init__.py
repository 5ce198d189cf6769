"""How a run is judged and recorded: exit codes, the closing verdict, streamed reports, the stack watchdog.

Every function takes explicit arguments; none receives behave's `context`.
The behave hooks and the `qmtl-acceptance` command share one `RunLedger`
(`outcome.ledger()`), because behave runs inside the command's process.
"""
