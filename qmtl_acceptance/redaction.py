"""Keeps tokens and secrets out of reports and logs."""
from __future__ import annotations

import re

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
_SECRET_FIELDS = re.compile(r'("(?:token|k|d|secret|password)"\s*:\s*")([^"]+)(")', re.IGNORECASE)
_DSN_PASSWORD = re.compile(r"(://[^:/@\s]+:)([^@\s]+)(@)")


def redact(text: str) -> str:
    text = _JWT.sub(lambda m: m.group(0)[:10] + "…[redacted token]", text)
    text = _SECRET_FIELDS.sub(lambda m: m.group(1) + "[redacted]" + m.group(3), text)
    return _DSN_PASSWORD.sub(lambda m: m.group(1) + "[redacted]" + m.group(3), text)


def fingerprint(token: str) -> str:
    """A short, non-secret handle for a token in messages."""
    import hashlib

    return "token#" + hashlib.sha256(token.encode()).hexdigest()[:10]
