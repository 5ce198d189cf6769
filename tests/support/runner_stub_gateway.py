"""A stand-in Gateway for the runner's own tests: /status and POST /strategies as contract section 5 states.

It checks what it is sent (base64 DAG, CRC32 chain, node ids) the way the
real Gateway does, and remembers every request so a test can prove that a
refused command submitted nothing.
"""
from __future__ import annotations

import base64
import hashlib
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from qmtl_wire.nodeid import compute_node_id, node_ids_crc32


class StubGateway:
    def __init__(self, *, status_code: int = 200) -> None:
        self.status_code = status_code
        self.requests: list[tuple[str, str]] = []
        self.submissions: list[dict[str, Any]] = []
        self.bindings: dict[str, list[str]] = {}
        self._dag_hashes: dict[str, str] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "StubGateway":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _submit(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        dag = json.loads(base64.b64decode(body["dag_json"]))
        ids = [n["node_id"] for n in dag["nodes"]]
        if body.get("node_ids_crc32") != node_ids_crc32(ids):
            return 400, {"detail": {"code": "E_CHECKSUM_MISMATCH"}}
        wrong = [n["node_id"] for n in dag["nodes"] if compute_node_id(n) != n["node_id"]]
        if wrong:
            return 400, {"detail": {"code": "E_NODE_ID_MISMATCH", "node_id_mismatch": wrong}}
        digest = hashlib.sha256(json.dumps(dag, sort_keys=True).encode()).hexdigest()
        with self._lock:
            if digest in self._dag_hashes:
                return 409, {"detail": {"code": "E_DUPLICATE", "strategy_id": self._dag_hashes[digest]}}
            strategy_id = str(uuid.uuid4())
            self._dag_hashes[digest] = strategy_id
            self.submissions.append({"strategy_id": strategy_id, "body": body, "dag": dag})
            for world in body.get("world_ids") or []:
                self.bindings.setdefault(world, []).append(strategy_id)
        return 202, {"strategy_id": strategy_id, "queue_map": {}, "sentinel_id": f"{strategy_id}-sentinel", "node_ids_crc32": body["node_ids_crc32"]}

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, code: int, payload: Any) -> None:
                data = json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                stub.requests.append(("GET", self.path))
                if self.path == "/status":
                    self._answer(stub.status_code, {"status": "ok"})
                else:
                    self._answer(404, {"detail": "not found"})

            def do_POST(self) -> None:
                stub.requests.append(("POST", self.path))
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path == "/strategies":
                    self._answer(*stub._submit(body))
                else:
                    self._answer(404, {"detail": "not found"})

        return Handler
