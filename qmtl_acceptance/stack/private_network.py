"""A command in a network namespace of its own: its own loopback, so a fixed port never meets another copy's.

QMTL's Gateway dials its DAG Manager at 127.0.0.1:50051 whatever it is told, so
a second QMTL stack on one machine needs a loopback of its own. Linux gives one
to a process that unshares its network namespace (root, or CAP_SYS_ADMIN):
files, processes and everything else stay shared, so the command's reports,
logs and temp folders land where they would anyway, and its ports vanish with
it. Nothing outside the namespace can reach what listens inside.

    python -m qmtl_acceptance.stack.private_network -- COMMAND [ARG...]
    python -m qmtl_acceptance.stack.private_network --probe

exits 126 with one line when no namespace can be had.
"""
from __future__ import annotations

import ctypes
import fcntl
import functools
import os
import socket
import struct
import subprocess
import sys

CLONE_NEWNET = 0x40000000
_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914
_IFF_UP = 0x1
_IFREQ = "16sH22x"
EXIT_UNAVAILABLE = 126
_PROBE_SECONDS = 20.0


class Unavailable(OSError):
    """No network namespace of its own for this process."""


def enter() -> None:
    """Move this process into a new network namespace and bring its loopback up."""
    if not sys.platform.startswith("linux"):
        raise Unavailable("a network namespace of its own needs Linux")
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0:
        errno = ctypes.get_errno()
        raise Unavailable(f"unshare(CLONE_NEWNET) failed: {os.strerror(errno)} (it needs root or CAP_SYS_ADMIN)")
    # A new namespace's loopback starts down: 127.0.0.1 answers nothing until it is up.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        request = struct.pack(_IFREQ, b"lo", 0)
        flags = struct.unpack(_IFREQ, fcntl.ioctl(probe, _SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(probe, _SIOCSIFFLAGS, struct.pack(_IFREQ, b"lo", flags | _IFF_UP))


def launcher() -> list[str]:
    """The prefix that runs a command in a namespace of its own."""
    return [sys.executable, "-m", __name__, "--"]


@functools.lru_cache(maxsize=1)
def why_unavailable() -> str:
    """Empty when a command can have a network namespace of its own here, else why not (asked once per process)."""
    if not sys.platform.startswith("linux"):
        return "a network namespace of its own needs Linux"
    try:
        done = subprocess.run([sys.executable, "-m", __name__, "--probe"], capture_output=True, text=True,
                              timeout=_PROBE_SECONDS, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"the network namespace probe did not run: {exc}"
    if done.returncode == 0:
        return ""
    lines = (done.stderr.strip() or f"the probe exited with code {done.returncode}").splitlines()
    return lines[-1].removeprefix("private-network: ")


def main(argv: list[str]) -> int:
    if argv not in (["--probe"],) and (len(argv) < 2 or argv[0] != "--"):
        print("usage: python -m qmtl_acceptance.stack.private_network (--probe | -- COMMAND [ARG...])", file=sys.stderr)
        return 2
    try:
        enter()
        if argv == ["--probe"]:
            with socket.create_server(("127.0.0.1", 0)):
                return 0
        os.execvp(argv[1], argv[1:])
    except FileNotFoundError:
        print(f"private-network: {argv[1]}: no such command", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except OSError as exc:
        print(f"private-network: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    return 0  # not reached: execvp replaced this process


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
