"""The suite's runner for a QMTL installation: the guide's backfill, done by QMTL's own SDK.

QMTL removed `qmtl tools sdk run` in v2.0 but still backfills through its SDK
(`StreamInput(interval, period, history_provider)`, `load_history(start,
end)`). This package runs under the interpreter of the QMTL installation
(the qmtl target's `qmtl_python`), imports the installed SDK, and speaks the
same command line and writes the same report as the reference runner, so the
backfill features hold QMTL's engine to the contract:

    python -m qmtl_sdk_adapter tools sdk run MODULE:CLASS --start-time S --end-time E ...

Only `engine.py` and `samples/` import QMTL; the other modules are plain
Python, so they are tested without an installation.
"""
