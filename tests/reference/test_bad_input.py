"""A reference service given bad input at start says so in one line, never a traceback wall."""
import socket
import subprocess
import sys

import pytest

from tests.support import PROJECT_ROOT as ROOT


@pytest.mark.parametrize(
    "module, port_flag",
    [("qmtl_reference.gateway", "--port"), ("qmtl_reference.worldservice", "--port"), ("qmtl_reference.dagmanager", "--grpc-port")],
)
def test_reference_service_on_a_busy_port_says_so(module, port_flag, tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        args = [sys.executable, "-m", module, "--host", "127.0.0.1", port_flag, str(port), "--redis-url", "redis://127.0.0.1:1/0"]
        if module.endswith("gateway"):
            args += ["--postgres-dsn", "postgresql://x@127.0.0.1:1/x", "--key-dir", str(tmp_path)]
        done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert str(port) in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) <= 2, done.stderr


def test_unknown_fault_name_stops_a_reference_service(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "qmtl_reference.gateway", "--redis-url", "redis://127.0.0.1:1/0",
         "--postgres-dsn", "postgresql://x@127.0.0.1:1/x", "--key-dir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=60, env={"QMTL_REFERENCE_FAULTS": "no_such_fault", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 2
    assert "unknown reference fault(s): no_such_fault" in done.stderr
