"""The Gateway's HTTP API, as a QMTL engineer would call it."""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import httpx

from ..errors import StackError
from ..redaction import redact


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    headers: dict[str, str]
    elapsed: float

    def describe(self) -> str:
        """For messages and evidence: tokens in the body are redacted."""
        return redact(f"HTTP {self.status} {json.dumps(self.body, sort_keys=True)}")[:800]


class GatewayDidNotAnswer(AssertionError):
    """The Gateway accepted the connection but gave no answer in time: a failure of the target, not of the suite."""


class GatewayClient:
    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.http = httpx.Client(base_url=self.base_url, timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, **kwargs: Any) -> Answer:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.ConnectError as exc:
            raise StackError(f"the Gateway at {self.base_url} is unreachable: {exc}") from None
        except httpx.TimeoutException:
            raise GatewayDidNotAnswer(f"the Gateway did not answer {method} {path} within {self.timeout:.1f} s") from None
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text
        return Answer(response.status_code, body, dict(response.headers), response.elapsed.total_seconds())

    def status(self) -> Answer:
        return self.request("GET", "/status")

    def health(self) -> Answer:
        return self.request("GET", "/health")

    def subscribe(self, world_id: str | None, strategy_id: str | None, topics: list[str]) -> Answer:
        body: dict[str, Any] = {"topics": topics}
        if world_id is not None:
            body["world_id"] = world_id
        if strategy_id is not None:
            body["strategy_id"] = strategy_id
        return self.request("POST", "/events/subscribe", json=body)

    def jwks(self) -> Answer:
        return self.request("GET", "/events/jwks")

    def submit_strategy(
        self,
        dag: Any,
        world_ids: list[str] | None,
        node_ids_crc32: int,
        meta: dict | None = None,
        *,
        raw_dag_json: str | None = None,
        extra: dict | None = None,
        path: str = "/strategies",
    ) -> Answer:
        if raw_dag_json is None:
            raw_dag_json = base64.b64encode(json.dumps(dag).encode()).decode()
        body: dict[str, Any] = {"dag_json": raw_dag_json, "meta": meta or {"execution_domain": "dryrun"}, "node_ids_crc32": node_ids_crc32}
        if world_ids is not None:
            body["world_ids"] = world_ids
        body.update(extra or {})
        return self.request("POST", path, json=body)

    def strategy_status(self, strategy_id: str) -> Answer:
        return self.request("GET", f"/strategies/{strategy_id}/status")

    def world_bindings(self, world_id: str) -> Answer:
        return self.request("GET", f"/worlds/{world_id}/bindings")

    def create_world(self, world_id: str, name: str) -> Answer:
        return self.request("POST", "/worlds", json={"id": world_id, "name": name})
