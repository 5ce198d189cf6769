"""Stack providers: each brings up (or finds) a QMTL stack and says where it is."""
from __future__ import annotations

from ..config import SuiteConfig
from .base import StackEndpoints, StackProvider


def provider_for(config: SuiteConfig) -> StackProvider:
    # Imported lazily so a target's optional dependencies (the docker SDK) are
    # needed only when that target is chosen.
    from .attached import attached_provider

    attached = attached_provider(config)
    if attached is not None:  # a run inside `-n N`: the stack is already up
        return attached
    if config.target == "reference":
        from .reference import ReferenceStack

        return ReferenceStack(config)
    if config.target == "external":
        from .external import ExternalStack

        return ExternalStack(config)
    if config.target == "qmtl":
        from .qmtl import QmtlProcessStack

        return QmtlProcessStack(config)
    from .compose import ComposeStack

    return ComposeStack(config)


__all__ = ["StackEndpoints", "StackProvider", "provider_for"]
