"""A command under the private-network launcher has a loopback of its own: the qmtl target's second copy.

QMTL's Gateway always dials 127.0.0.1:50051, so a parallel run's @serial
worker runs its QMTL copy in a network namespace of its own. These tests hold
the launcher to that: the same port taken on both sides, neither side reaching
the other, and a plain refusal where no namespace can be had.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys

import pytest

from qmtl_acceptance.stack import private_network

LAUNCHER = [sys.executable, "-m", "qmtl_acceptance.stack.private_network"]
NEEDS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="a network namespace of its own needs root here")

# Run inside the namespace: take PORT, answer one connection, and try the host's listener on OUTSIDE.
INSIDE = """
import socket, sys
port, outside = int(sys.argv[1]), int(sys.argv[2])
with socket.create_server(("127.0.0.1", port)) as server:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        conn, _ = server.accept()
        conn.sendall(b"inside")
        got = client.recv(16).decode()
        conn.close()
try:
    socket.create_connection(("127.0.0.1", outside), timeout=2).close()
    reached = "reached"
except OSError:
    reached = "refused"
print(got, reached)
"""


@NEEDS_ROOT
def test_a_command_takes_a_port_the_host_holds_and_cannot_reach_the_hosts_listeners():
    with socket.create_server(("127.0.0.1", 0)) as host_listener:
        port = host_listener.getsockname()[1]
        done = subprocess.run([*LAUNCHER, "--", sys.executable, "-c", INSIDE, str(port), str(port)],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == ["inside", "refused"], done.stdout
        # The host's listener is still its own: nothing inside took it.
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            conn, _ = host_listener.accept()
            conn.close()


@NEEDS_ROOT
def test_the_command_runs_as_the_launchers_own_process_and_its_exit_code_comes_back():
    done = subprocess.run([*LAUNCHER, "--", sys.executable, "-c", "import os, sys; print(os.getppid()); sys.exit(7)"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 7, done.stderr
    assert private_network.why_unavailable() == ""


@pytest.mark.parametrize("argv", [[], ["--"], ["--probe", "extra"], ["run", "true"]])
def test_a_bad_command_line_is_refused_with_its_usage(argv):
    done = subprocess.run([*LAUNCHER, *argv], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == ("usage: python -m qmtl_acceptance.stack.private_network "
                                   "(--probe | -- COMMAND [ARG...])")


@NEEDS_ROOT
def test_a_missing_command_is_named_in_one_line():
    done = subprocess.run([*LAUNCHER, "--", "no-such-command-anywhere"], capture_output=True, text=True, timeout=60)
    assert done.returncode == private_network.EXIT_UNAVAILABLE
    assert done.stderr.strip().startswith("private-network: ") and "no-such-command-anywhere" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                    reason="dropping to an unprivileged user needs root and setpriv")
def test_without_the_privilege_the_probe_refuses_saying_what_it_needs():
    unprivileged = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"]
    done = subprocess.run([*unprivileged, *LAUNCHER, "--probe"], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert done.returncode == private_network.EXIT_UNAVAILABLE, done.stderr
    assert done.stderr.strip() == ("private-network: unshare(CLONE_NEWNET) failed: Operation not permitted "
                                   "(it needs root or CAP_SYS_ADMIN)")
