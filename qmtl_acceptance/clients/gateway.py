"""The Gateway's HTTP API, as a QMTL engineer would call it: one typed method per route the suite uses."""
from __future__ import annotations

import base64
import json
import socket
import time
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote

import httpx

from ..errors import StackError, TargetFailure
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

    @property
    def detail(self) -> Any:
        return self.body.get("detail") if isinstance(self.body, dict) else None


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, kept as evidence."""

    method: str
    url: str
    request_body: Any
    answer: Answer


class GatewayDidNotAnswer(TargetFailure):
    """The Gateway accepted the connection but gave no answer in time: a failure of the target, not of the suite."""


def _segment(value: str) -> str:
    # World and strategy ids go into a path as one segment, whatever they contain.
    return quote(value, safe="")


def encode_dag(dag: Any) -> str:
    return base64.b64encode(json.dumps(dag).encode()).decode()


class GatewayClient:
    def __init__(self, base_url: str, timeout: float = 10.0, on_exchange: Callable[[Exchange], None] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.on_exchange = on_exchange
        self.http = httpx.Client(base_url=self.base_url, timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, **kwargs: Any) -> Answer:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.ConnectError as exc:
            raise StackError(f"the Gateway at {self.base_url} is unreachable: {exc}") from None
        except httpx.TimeoutException:
            waited = kwargs.get("timeout") or self.timeout
            raise GatewayDidNotAnswer(f"the Gateway did not answer {method} {path} within {waited:.1f} s") from None
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text
        answer = Answer(response.status_code, body, dict(response.headers), response.elapsed.total_seconds())
        if self.on_exchange is not None:
            self.on_exchange(Exchange(method, str(response.request.url), kwargs.get("json", kwargs.get("params")), answer))
        return answer

    # -- health
    def status(self) -> Answer:
        return self.request("GET", "/status")

    def health(self) -> Answer:
        return self.request("GET", "/health")

    # -- events
    def subscribe(self, world_id: str | None, strategy_id: str | None, topics: list[str]) -> Answer:
        body: dict[str, Any] = {"topics": topics}
        if world_id is not None:
            body["world_id"] = world_id
        if strategy_id is not None:
            body["strategy_id"] = strategy_id
        return self.request("POST", "/events/subscribe", json=body)

    def subscribe_raw(self, body: Any) -> Answer:
        """Any body at all, for requests the Gateway must refuse."""
        return self.request("POST", "/events/subscribe", json=body)

    def jwks(self) -> Answer:
        return self.request("GET", "/events/jwks")

    def event_schemas(self) -> Answer:
        return self.request("GET", "/events/schema")

    # -- strategies
    def submission_body(
        self,
        dag: Any,
        world_ids: list[str] | None,
        node_ids_crc32: int,
        meta: dict | None = None,
        *,
        raw_dag_json: str | None = None,
        extra: dict | None = None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "dag_json": encode_dag(dag) if raw_dag_json is None else raw_dag_json,
            "meta": meta or {"execution_domain": "dryrun"},
            "node_ids_crc32": node_ids_crc32,
        }
        if world_ids is not None:
            body["world_ids"] = world_ids
        body.update(extra or {})
        return body

    def submit_strategy(self, dag: Any, world_ids: list[str] | None, node_ids_crc32: int, meta: dict | None = None, *,
                        raw_dag_json: str | None = None, extra: dict | None = None) -> Answer:
        body = self.submission_body(dag, world_ids, node_ids_crc32, meta, raw_dag_json=raw_dag_json, extra=extra)
        return self.request("POST", "/strategies", json=body)

    def submit_body(self, body: Any) -> Answer:
        """POST /strategies with a body exactly as given (crafted, possibly malformed, submissions)."""
        return self.request("POST", "/strategies", json=body)

    def dry_run_body(self, body: Any, timeout: float | None = None) -> Answer:
        """``timeout`` waits longer than the client's own for an answer, so a slow one can be measured."""
        if timeout is None:
            return self.request("POST", "/strategies/dry-run", json=body)
        return self.request("POST", "/strategies/dry-run", json=body, timeout=timeout)

    def dry_run(self, dag: Any, world_ids: list[str] | None, node_ids_crc32: int, meta: dict | None = None) -> Answer:
        return self.request("POST", "/strategies/dry-run", json=self.submission_body(dag, world_ids, node_ids_crc32, meta))

    def strategy_status(self, strategy_id: str) -> Answer:
        return self.request("GET", f"/strategies/{_segment(strategy_id)}/status")

    def queues_by_tag(self, tags: list[str], interval: int | None, *, match_mode: str | None = None,
                      world_id: str | None = None) -> Answer:
        params: dict[str, Any] = {"tags": ",".join(tags)}
        if interval is not None:
            params["interval"] = interval
        if match_mode is not None:
            params["match_mode"] = match_mode
        if world_id is not None:
            params["world_id"] = world_id
        return self.request("GET", "/queues/by_tag", params=params)

    # -- worlds (proxied to WorldService)
    def create_world(self, world_id: str, name: str | None) -> Answer:
        """POST /worlds; with no name, the body carries the id alone."""
        return self.request("POST", "/worlds", json={"id": world_id} if name is None else {"id": world_id, "name": name})

    def list_worlds(self) -> Answer:
        return self.request("GET", "/worlds")

    def world(self, world_id: str) -> Answer:
        return self.request("GET", f"/worlds/{_segment(world_id)}")

    def worlds_path_with_trailing_slash(self, world_id: str | None = None, leaf: str = "") -> Answer:
        """GET /worlds/, /worlds/<id>/ or /worlds/<id>/<leaf>/: a path a slash-redirecting WorldService redirects."""
        path = "/worlds" + (f"/{_segment(world_id)}" if world_id is not None else "") + (f"/{leaf}" if leaf else "")
        return self.request("GET", path + "/")

    def worlds_encoded_path(self, segments: list[str]) -> Answer:
        """GET /worlds/<segments>, each segment sent exactly as given (already percent-encoded, or not encoded at all)."""
        return self.request("GET", "/".join(["/worlds", *segments]))

    def world_bindings(self, world_id: str) -> Answer:
        return self.request("GET", f"/worlds/{_segment(world_id)}/bindings")

    def decide(self, world_id: str) -> Answer:
        return self.request("GET", f"/worlds/{_segment(world_id)}/decide")

    def put_activation(self, world_id: str, strategy_id: str, side: str, active: bool, weight: float) -> Answer:
        body = {"strategy_id": strategy_id, "side": side, "active": active, "weight": weight}
        return self.request("PUT", f"/worlds/{_segment(world_id)}/activation", json=body)

    def activation(self, world_id: str, strategy_id: str, side: str) -> Answer:
        return self.request("GET", f"/worlds/{_segment(world_id)}/activation", params={"strategy_id": strategy_id, "side": side})

    # -- raw bodies, for bad input
    def submit_raw(self, content: bytes) -> Answer:
        """POST /strategies with a body exactly as given (not necessarily JSON)."""
        return self.request("POST", "/strategies", content=content, headers={"Content-Type": "application/json"})

    def submit_announcing(self, length: int, sent: bytes, wait: float) -> tuple[Answer | None, float]:
        """POST /strategies announcing ``length`` bytes but sending only ``sent``; the answer (None if none in ``wait`` s) and its delay.

        A service that refuses an oversized body from its Content-Length answers at once;
        one that reads the body whole waits for bytes that never come.
        """
        parsed = httpx.URL(self.base_url)
        head = (
            f"POST /strategies HTTP/1.1\r\nHost: {parsed.host}:{parsed.port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
        ).encode()
        started = time.monotonic()
        with socket.create_connection((parsed.host, parsed.port or 80), timeout=wait) as sock:
            sock.sendall(head + sent)
            received = b""
            try:
                while b"\r\n\r\n" not in received or not _complete(received):
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    received += chunk
            except (socket.timeout, ConnectionResetError):
                pass
        took = time.monotonic() - started
        if not received.startswith(b"HTTP/"):
            return None, took
        status_line, _, rest = received.partition(b"\r\n")
        _, _, payload = rest.partition(b"\r\n\r\n")
        try:
            body: Any = json.loads(payload.decode("utf-8", "replace"))
        except ValueError:
            body = payload.decode("utf-8", "replace")
        return Answer(int(status_line.split()[1]), body, {}, took), took


def _complete(received: bytes) -> bool:
    head, _, payload = received.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(payload) >= int(line.split(b":", 1)[1])
    return False
