"""Evidence for a failed step: what the stack said, and the tail of every service log."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Mapping

from .redaction import redact
from .stack.processes import tail


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[:80] or "unnamed"


def artifact_dir(root: Path, feature: str, scenario: str, step: str) -> Path:
    path = root / _safe(feature) / _safe(scenario) / _safe(step)
    path.mkdir(parents=True, exist_ok=True)
    return path


def collect(
    target_dir: Path,
    *,
    gateway_status: str,
    log_files: Mapping[str, str],
    observations: Mapping[str, str],
) -> dict[str, str]:
    """Write the evidence files and return name → redacted text, for report attachments."""
    evidence: dict[str, str] = {"gateway-status.json": gateway_status}
    for service, path in log_files.items():
        evidence[f"{service}.log.tail"] = tail(Path(path), 60)
    for name, text in observations.items():
        evidence[f"observed {name}.txt"] = text
    for name, text in list(evidence.items()):
        evidence[name] = redact(text)
        (target_dir / _safe(name)).write_text(evidence[name])
    return evidence


def json_text(value: object) -> str:
    return json.dumps(value, indent=2, sort_keys=True, default=str)
