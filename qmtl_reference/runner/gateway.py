"""The runner's two Gateway calls: is it there, and submit the strategy (contract sections 2 and 5).

Plain `http.client`: the runner is a short-lived command launched once per
backfill, and an HTTP library's import would cost more than both calls.
"""
from __future__ import annotations

import base64
import http.client
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from qmtl_reference import faults
from qmtl_reference.sdk import SerializedDag

from .errors import EXIT_FAILED, EXIT_GATEWAY, RunnerError


@dataclass(frozen=True)
class Submission:
    strategy_id: str
    http_status: int
    duplicate: bool
    node_ids_crc32: int
    node_ids: list[str]


@dataclass(frozen=True)
class Answer:
    status_code: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


def _reason(exc: Exception) -> str:
    text = str(exc).strip()
    if faults.is_active("runner_gateway_error_type_only"):
        return type(exc).__name__
    if isinstance(exc, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)):
        return "the Gateway disconnected without answering"
    for marker in ("Connection refused", "Name or service not known", "timed out", "No route to host"):
        if marker.lower() in text.lower():
            return marker.lower()
    if isinstance(exc, http.client.BadStatusLine):
        return f"the Gateway answered in a protocol that is not HTTP: {text}"
    return text or type(exc).__name__


def _detail(response: Answer) -> str:
    if faults.is_active("runner_refusal_without_detail"):
        return ""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:200]
    detail = body.get("detail", body) if isinstance(body, dict) else body
    if isinstance(detail, dict) and "code" in detail:
        return str(detail["code"])
    return str(detail)[:200]


def _refusal_exit() -> int:
    """A Gateway that answered, but not yes, is still the Gateway's failure (3), not a broken run (1)."""
    return EXIT_FAILED if faults.is_active("runner_refusal_exit_1") else EXIT_GATEWAY


def display_url(url: str) -> str:
    """The URL for messages and reports: credentials in it are never printed."""
    parts = urlsplit(url)
    if "@" not in parts.netloc or faults.is_active("runner_shows_gateway_password"):
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]))


class GatewayClient:
    def __init__(self, base_url: str, *, timeout: float) -> None:
        self.base_url = display_url(base_url)
        # The URL was checked when the command was parsed (args.py): an http(s) URL with a host.
        parts = urlsplit(base_url)
        connection = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        self._connection = connection(parts.hostname or "", parts.port, timeout=timeout)
        self._prefix = parts.path.rstrip("/")
        self._headers = {"Accept": "application/json"}
        if parts.username is not None:
            # Credentials in the URL authenticate, as any HTTP client takes them.
            userinfo = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            self._headers["Authorization"] = "Basic " + base64.b64encode(userinfo.encode()).decode()

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> "GatewayClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Answer:
        headers = dict(self._headers)
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            self._connection.request(method, self._prefix + path, body=payload, headers=headers)
            response = self._connection.getresponse()
            return Answer(response.status, response.read().decode("utf-8", "replace"))
        except (OSError, http.client.HTTPException):
            self._connection.close()
            raise

    def check_reachable(self) -> None:
        try:
            response = self._request("GET", "/status")
        except (OSError, http.client.HTTPException) as exc:
            raise RunnerError(f"Gateway at {self.base_url} is unreachable: {_reason(exc)}", EXIT_GATEWAY) from None
        # 200 even when degraded: a degraded Gateway still accepts strategies.
        if response.status_code != 200:
            raise RunnerError(f"Gateway at {self.base_url} is not ready: GET /status answered HTTP {response.status_code}", _refusal_exit())

    def submit(self, dag: SerializedDag, *, world_id: str, meta: dict[str, Any]) -> Submission:
        body = {
            "dag_json": dag.dag_json_base64(),
            "meta": meta,
            "world_ids": [world_id],
            "node_ids_crc32": dag.crc32,
        }
        try:
            response = self._request("POST", "/strategies", body)
        except (OSError, http.client.HTTPException) as exc:
            raise RunnerError(f"submitting to the Gateway at {self.base_url} failed: {_reason(exc)}", EXIT_GATEWAY) from None
        payload = self._json(response)
        if response.status_code == 202 and isinstance(payload, dict) and payload.get("strategy_id"):
            return Submission(str(payload["strategy_id"]), 202, False, dag.crc32, list(dag.ordered_ids))
        detail = payload.get("detail") if isinstance(payload, dict) else None
        if response.status_code == 409 and isinstance(detail, dict) and detail.get("code") == "E_DUPLICATE":
            # The Gateway already holds this exact DAG (same strategy, same world):
            # it is registered and bound, so the run goes on under the first id.
            return Submission(str(detail.get("strategy_id", "")), 409, True, dag.crc32, list(dag.ordered_ids))
        raise RunnerError(f"the Gateway refused the strategy: HTTP {response.status_code} {_detail(response)}", _refusal_exit())

    @staticmethod
    def _json(response: Answer) -> Any:
        try:
            return response.json()
        except ValueError:
            return None
