"""A strategy module that exists but cannot be imported: it needs a module nobody installed.

The runner must name that missing module, not claim this one does not exist.
"""
from __future__ import annotations

import qmtl_reference.samples.a_dependency_nobody_installed  # noqa: F401  (the point of this module)
from qmtl_reference.sdk import Strategy


class SampleStrategy(Strategy):
    def setup(self) -> None:
        pass
