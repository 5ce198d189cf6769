"""What Allure shows beside the scenarios: who ran it, how failures are sorted, and the stack's start-up log.

Written into the results folder when the stack is up, before any scenario:
`executor.json` (the machine and the command), `categories.json` (product
defects, known deviations, suite defects, stack failures) and a global
attachment holding the head of each service's log as it started.
"""
from __future__ import annotations

import json
import platform
import re
import socket
import uuid
from pathlib import Path
from typing import Mapping

from ..redaction import redact

STARTUP_LOG_LIMIT = 6000

# Allure takes the first category whose rules match a failed or broken test.
CATEGORIES = [
    {"name": "Stack failures", "matchedStatuses": ["failed", "broken"],
     "messageRegex": "(?si).*(process exited|did not become ready|stopped answering|not run:|stack .* died|Unavailable).*"},
    {"name": "Known deviations", "matchedStatuses": ["failed", "broken"],
     "messageRegex": "(?s).*(deviation|known deviation).*"},
    {"name": "Suite defects", "matchedStatuses": ["broken"]},
    {"name": "Product defects", "matchedStatuses": ["failed"]},
]


def machine() -> str:
    return f"{socket.gethostname()} ({platform.system()} {platform.machine()}, Python {platform.python_version()})"


def write_executor(results_dir: Path, target: str) -> None:
    data = {"name": machine(), "type": "local", "buildName": f"qmtl-acceptance against {target}",
            "reportName": "QMTL Acceptance"}
    (results_dir / "executor.json").write_text(json.dumps(data, indent=2) + "\n")


def write_categories(results_dir: Path) -> None:
    (results_dir / "categories.json").write_text(json.dumps(CATEGORIES, indent=2) + "\n")


def startup_log_text(log_files: Mapping[str, str], limit: int = STARTUP_LOG_LIMIT) -> str:
    parts = []
    share = max(500, limit // max(1, len(log_files)))
    for service, path in sorted(log_files.items()):
        try:
            text = Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            text = f"(unreadable: {exc})"
        if len(text) > share:
            text = text[:share] + f"\n… ({len(text) - share} more characters in {path})"
        parts.append(f"== {service} ==\n{redact(text).rstrip()}")
    return "\n\n".join(parts) + "\n"


def write_startup_log(results_dir: Path, log_files: Mapping[str, str]) -> Path | None:
    if not log_files:
        return None
    source = f"{uuid.uuid4()}-attachment.txt"
    (results_dir / source).write_text(startup_log_text(log_files), encoding="utf-8")
    globals_file = results_dir / f"{uuid.uuid4()}-globals.json"
    globals_file.write_text(json.dumps({
        "attachments": [{"name": "stack start-up log", "source": source, "type": "text/plain"}],
        "errors": [],
    }))
    return globals_file


def qmtl_version(provider) -> tuple[str, str]:
    """The QMTL version and commit of the target, when it runs an installation ("" when not known)."""
    installation = getattr(provider, "installation", None)
    version = getattr(installation, "version", "") or ""
    detected = getattr(installation, "commit", "") or ""
    if detected:
        return version, detected
    commit = re.search(r"\+g([0-9a-f]{7,40})", version)
    return version, commit.group(1) if commit else ""
