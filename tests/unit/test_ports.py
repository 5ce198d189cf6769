"""Whether a port is free is asked as a server would bind it: a listener holds it, a closed connection's TIME_WAIT does not."""
from __future__ import annotations

import socket

from qmtl_acceptance.stack.processes import free_port, port_is_free


def _listening() -> tuple[socket.socket, int]:
    port = free_port()
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen()
    return listener, port


def test_a_listening_port_is_not_free_and_is_free_once_its_listener_closes():
    listener, port = _listening()
    try:
        assert not port_is_free(port)
    finally:
        listener.close()
    assert port_is_free(port)


def test_the_time_wait_a_stopped_server_leaves_does_not_hold_its_port():
    """The server side closes first, as a stopped server does: its end of the connection waits a minute."""
    listener, port = _listening()
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = listener.accept()
    accepted.close()
    listener.close()
    client.recv(1)  # the server's close has arrived
    client.close()
    plain = socket.socket()
    try:
        plain.bind(("127.0.0.1", port))
        waiting = False
    except OSError:
        waiting = True
    finally:
        plain.close()
    assert waiting, "the kernel kept no TIME_WAIT on the server's port: this machine cannot show the case"
    assert port_is_free(port), "a TIME_WAIT left by a stopped server was taken for a listener"
