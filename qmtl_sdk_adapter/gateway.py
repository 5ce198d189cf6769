"""The run's Gateway: is it there (one GET /status), and what QMTL's SDK said when it submitted.

The submission itself goes through QMTL's own `GatewayClient.post_strategy`;
this module only turns its answers into the runner's one-line errors.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .errors import EXIT_GATEWAY, AdapterError

_STATUS_ERROR = re.compile(r"gateway error (\d{3})")
_KNOWN = {"duplicate strategy": 409, "invalid strategy payload": 422}


@dataclass(frozen=True)
class Submission:
    strategy_id: str
    http_status: int
    duplicate: bool


def display_url(url: str) -> str:
    """The URL for messages and reports: credentials in it are never printed."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]))


def transport_reason(exc: BaseException) -> str:
    text = str(exc).strip()
    for marker in ("Connection refused", "Name or service not known", "timed out", "No route to host"):
        if marker.lower() in text.lower():
            return marker.lower()
    return text or type(exc).__name__


def check_reachable(base_url: str, *, timeout: float) -> None:
    import httpx  # the installation's own httpx, a dependency of QMTL

    shown = display_url(base_url)
    try:
        response = httpx.get(base_url + "/status", timeout=timeout)
    except httpx.HTTPError as exc:
        raise AdapterError(f"Gateway at {shown} is unreachable: {transport_reason(exc)}", EXIT_GATEWAY) from None
    if response.status_code != 200:
        raise AdapterError(f"Gateway at {shown} is not ready: GET /status answered HTTP {response.status_code}", EXIT_GATEWAY)


def submission_from(answer: Any, base_url: str) -> Submission:
    """QMTL's answer to post_strategy: a StrategyAck, or {"error": text[, "strategy_id"]}."""
    strategy_id = getattr(answer, "strategy_id", None)
    if strategy_id:
        return Submission(str(strategy_id), 202, False)
    if not isinstance(answer, dict):
        raise AdapterError(f"QMTL's SDK answered the submission with {type(answer).__name__}", EXIT_GATEWAY)
    error = str(answer.get("error") or "no answer")
    if answer.get("strategy_id") and _KNOWN.get(error) == 409:
        # The Gateway already holds this exact DAG: registered and bound, so the run goes on under the first id.
        return Submission(str(answer["strategy_id"]), 409, True)
    status = _KNOWN.get(error)
    match = _STATUS_ERROR.fullmatch(error)
    if match:
        status = int(match.group(1))
    if status is None:
        # No status: the request never got an answer (QMTL's SDK hands back the transport error's text).
        raise AdapterError(f"submitting to the Gateway at {display_url(base_url)} failed: {transport_reason(Exception(error))}", EXIT_GATEWAY)
    # QMTL's SDK keeps only the status of a refusal, never the Gateway's detail or code.
    raise AdapterError(f"the Gateway refused the strategy: HTTP {status} (QMTL's SDK reports {error!r})", EXIT_GATEWAY)
