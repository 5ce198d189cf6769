"""Choosing a target, and the external target against a stand-in Gateway: one clear line for each refusal."""
from __future__ import annotations

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from qmtl_acceptance.config import load_config
from qmtl_acceptance.errors import ConfigError, StackError
from qmtl_acceptance.stack import provider_for
from qmtl_acceptance.stack.compose import ComposeStack
from qmtl_acceptance.stack.external import ExternalStack
from qmtl_acceptance.stack.processes import free_port
from qmtl_acceptance.stack.qmtl import QmtlProcessStack
from tests.support.assertions import assert_one_line as _assert_one_line
from tests.support.assertions import config_in as _config


@pytest.mark.parametrize(
    "userdata, message",
    [
        ({"target": "docker"}, "target='docker' is unknown; choose one of: reference, qmtl, compose, external"),
        ({"target": "external"}, "target external needs gateway_url"),
        ({"target": "external", "gateway_url": "localhost:8000"}, "gateway_url='localhost:8000' is not a URL"),
        ({"target": "external", "gateway_url": "http://g:1", "dagmanager_address": "g"}, "dagmanager_address='g' is not host:port"),
        ({"target": "qmtl", "reference_faults": "slow_status"}, "reference_faults apply only to target reference"),
    ],
)
def test_bad_target_settings_are_refused_with_one_line(userdata, message):
    with pytest.raises(ConfigError) as caught:
        load_config(userdata, environ={})
    assert message in str(caught.value)
    _assert_one_line(str(caught.value))


def test_each_target_gets_its_own_provider(tmp_path):
    kinds = {
        "qmtl": QmtlProcessStack,
        "compose": ComposeStack,
        "external": ExternalStack,
    }
    for target, kind in kinds.items():
        extra = {"gateway_url": "http://127.0.0.1:1"} if target == "external" else {}
        assert isinstance(provider_for(_config(tmp_path, target=target, **extra)), kind)


def test_the_qmtl_python_setting_comes_from_userdata_or_the_environment():
    assert load_config({}, environ={"QMTL_E2E_QMTL_PYTHON": " /opt/qmtl/bin/python "}).qmtl_python == "/opt/qmtl/bin/python"
    assert load_config({"qmtl_python": "/a/python"}, environ={"QMTL_E2E_QMTL_PYTHON": "/b/python"}).qmtl_python == "/a/python"


class _StatusHandler(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self):  # noqa: N802 (the http.server API)
        body = b'{"status": "ok"}'
        self.send_response(self.status if self.path == "/status" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tiny_gateway():
    """An HTTP server that answers /status with the status its handler class says."""
    servers = []

    def serve(status: int) -> str:
        handler = type("Handler", (_StatusHandler,), {"status": status})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def test_an_unreachable_external_gateway_is_one_line_and_fast(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    stack = ExternalStack(_config(tmp_path, target="external", gateway_url=url, timeout_scale="0.1"))
    started = time.monotonic()
    with pytest.raises(StackError) as caught:
        stack.start()
    elapsed = time.monotonic() - started
    message = str(caught.value)
    _assert_one_line(message)
    assert message.startswith(f"the Gateway at {url} is unreachable: ConnectError"), message
    assert "refused" in message.lower(), message
    assert elapsed < 3, f"refusing took {elapsed:.1f} s"
    stack.stop()  # nothing was started, and stopping must be harmless


def test_an_external_gateway_that_answers_badly_is_named_with_its_answer(tmp_path, tiny_gateway):
    url = tiny_gateway(503)
    stack = ExternalStack(_config(tmp_path, target="external", gateway_url=url, timeout_scale="0.1"))
    with pytest.raises(StackError, match=re.escape(f"the Gateway at {url} is unreachable: GET /status answered HTTP 503")):
        stack.start()


def test_the_external_target_uses_the_given_endpoints_and_never_touches_the_deployment(tmp_path, tiny_gateway):
    url = tiny_gateway(200)
    stack = ExternalStack(
        _config(tmp_path, target="external", gateway_url=url, redis_url="redis://cache:6379/0", dagmanager_address="dm:50051")
    )
    endpoints = stack.start()
    assert (endpoints.gateway_url, endpoints.redis_url, endpoints.dagmanager_address) == (url, "redis://cache:6379/0", "dm:50051")
    for action in (stack.restart, stack.kill):
        with pytest.raises(StackError, match="the external target cannot .* gateway: it did not start the deployment") as caught:
            action("gateway")
        _assert_one_line(str(caught.value))
    stack.stop()
    assert httpx.get(url + "/status").status_code == 200, "stopping the external target touched the deployment"
    assert stack.running_processes() == {}


def test_the_external_target_signs_with_the_keys_in_token_keys_dir(tmp_path, tiny_gateway):
    url = tiny_gateway(200)
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "kid-a.pem").write_bytes(b"-----BEGIN PRIVATE KEY-----\na\n")
    (keys / "kid-b.pem").write_bytes(b"-----BEGIN PRIVATE KEY-----\nb\n")
    (keys / "notes.txt").write_text("not a key")
    stack = ExternalStack(_config(tmp_path, target="external", gateway_url=url, token_keys_dir=str(keys)))
    assert stack.token_signing_keys() == {"kid-a": b"-----BEGIN PRIVATE KEY-----\na\n", "kid-b": b"-----BEGIN PRIVATE KEY-----\nb\n"}
    assert ExternalStack(_config(tmp_path, target="external", gateway_url=url)).token_signing_keys() == {}


def test_a_token_keys_dir_that_is_not_a_folder_is_refused_with_one_line(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config({"target": "external", "gateway_url": "http://g:1", "token_keys_dir": str(tmp_path / "absent")}, environ={})
    assert f"setting token_keys_dir={str(tmp_path / 'absent')!r} is not a folder" in str(caught.value)
    _assert_one_line(str(caught.value))
