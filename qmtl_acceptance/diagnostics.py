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


def gateway_status_text(gateway) -> str:
    """The Gateway's /status as evidence; an unreachable Gateway is evidence too."""
    try:
        answer = gateway.status()
    except Exception as exc:  # evidence must never mask the failure it explains
        return f"unreachable: {exc}"
    return json_text({"http_status": answer.status, "body": answer.body})


def attach_to_allure(evidence: Mapping[str, str]) -> None:
    try:
        import allure
    except ImportError:
        return
    for name, text in evidence.items():
        try:
            allure.attach(text, name=name, attachment_type=allure.attachment_type.TEXT)
        except Exception:
            return  # running without the allure formatter


def environment_properties(results_dir: Path, lines: Mapping[str, object]) -> None:
    """Allure shows environment.properties on the report's front page: say what was tested."""
    if not results_dir.is_dir():
        return
    text = "".join(f"{key.replace(' ', '.')}={value}\n" for key, value in lines.items())
    (results_dir / "environment.properties").write_text(text)


EXCHANGE_BODY_LIMIT = 4000


def exchanges_text(exchanges) -> str:
    """HTTP requests and answers of one step, redacted and size-bounded, for the report."""
    blocks = []
    for exchange in exchanges:
        answer = exchange.answer
        sent = "" if exchange.request_body is None else json_text(exchange.request_body)[:EXCHANGE_BODY_LIMIT]
        headers = "\n".join(f"{k}: {v}" for k, v in sorted(answer.headers.items()))
        body = answer.body if isinstance(answer.body, str) else json_text(answer.body)
        blocks.append(f"{exchange.method} {exchange.url}\n{sent}\n\n"
                      f"HTTP {answer.status} ({answer.elapsed * 1000:.1f} ms)\n{headers}\n\n{body[:EXCHANGE_BODY_LIMIT]}")
    return redact("\n\n-----\n\n".join(blocks))
