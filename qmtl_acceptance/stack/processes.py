"""Child processes the suite owns: start, poll until ready, stop (terminate, then kill)."""
from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Mapping, Sequence

from ..errors import StackError

# Why children start through this small program and not with Popen's
# preexec_fn/user/group: either of those makes CPython start the child with a
# real fork() instead of vfork(), and fork() runs gRPC's fork handlers (gRPC is
# live in the suite: readiness probes, DAG Manager steps). In the child they
# restart gRPC's event-engine poller threads; Popen then closes every inherited
# descriptor, the poller's epoll descriptor among them, and the poller aborts
# the child with SIGABRT ("epoll_wait error: Bad file descriptor") before it
# ever runs the service. Started through this program, the child is created by
# vfork() and exec'd at once: no handler runs, nothing is inherited.
#
# After exec it switches user (Postgres refuses root), asks the kernel to
# SIGKILL it when the thread that started it ends (PDEATHSIG, set after the
# user switch, which would clear it), so no child outlives a suite killed with
# SIGKILL, and exec's the service in place: same pid, same log.
_START_CHILD = """
import ctypes, os, signal, sys
# execvp's PATH search imports warnings: import it while the interpreter's files are still readable.
import warnings
parent, user, argv = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
try:
    if user:
        import pwd
        entry = pwd.getpwnam(user)
        os.initgroups(user, entry.pw_gid)
        os.setgid(entry.pw_gid)
        os.setuid(entry.pw_uid)
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    if os.getppid() != parent:
        sys.exit(0)
    os.execvp(argv[0], argv)
except OSError as exc:
    print(f"cannot start {argv[0]!r}: {exc.strerror}", file=sys.stderr)
    sys.exit(127)
"""


def child_argv(argv: Sequence[str], user: str | None = None) -> list[str]:
    """The command line that runs `argv` as `user`, dying with the calling thread (see _START_CHILD)."""
    # -I -S: no site packages, no PYTHON* variables; the service still gets the full environment.
    return [sys.executable, "-I", "-S", "-c", _START_CHILD, str(os.getpid()), user or "", *argv]


def _check_runnable(name: str, program: str, env: Mapping[str, str] | None, cwd: Path | None) -> None:
    # The child reports a missing program only in its log; say it here, in one line.
    path_var = (env if env is not None else os.environ).get("PATH", os.defpath)
    if os.sep in program:
        found = program if os.path.isabs(program) else os.path.join(str(cwd or "."), program)
        if not os.path.exists(found):
            raise StackError(f"{name}: the program {program!r} was not found")
        if not os.access(found, os.X_OK):
            raise StackError(f"{name}: cannot run {program!r}: Permission denied")
    elif shutil.which(program, path=path_var) is None:
        raise StackError(f"{name}: the program {program!r} was not found")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a server could listen on the port now. Asked as servers bind (SO_REUSEADDR), so the
    TIME_WAIT connections a stopped server leaves for a minute do not count, only a listener does."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def unprivileged_user() -> str | None:
    """The account to run servers as when we are root (Postgres refuses root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise StackError("running as root, and neither a 'postgres' nor a 'nobody' account exists to run Postgres as")


def exit_status(code: int | None) -> str:
    """A process's end as a person reads it: "exit code 3", "killed by SIGKILL"."""
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def describe_answer(exc: Exception) -> str:
    """A probe's failure in one line: a NotReady is the service's own answer; anything else, its type and text."""
    text = " ".join(str(exc).split())
    if isinstance(exc, NotReady):
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class NotReady(Exception):
    """Raised by a readiness probe that got an answer meaning "not yet": the text is that answer."""


def tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(text[-lines:])


class ManagedProcess:
    """One service process with its log file; `start` returns once `ready` holds."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        log_path: Path,
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        user: str | None = None,
        stop_signal: int = signal.SIGTERM,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.log_path = log_path
        self.env = dict(env) if env is not None else None
        self.cwd = cwd
        self.user = user
        self.stop_signal = stop_signal
        self.process: subprocess.Popen | None = None
        # Set when the suite itself stops or kills the process: its exit is then no fault.
        self.exit_expected = False

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def exit_problem(self) -> str | None:
        """None while the process runs (or was stopped on purpose), else how it ended."""
        if self.process is None or self.exit_expected or self.process.poll() is None:
            return None
        return exit_status(self.process.returncode)

    def launch(self) -> None:
        self.exit_expected = False
        _check_runnable(self.name, self.argv[0], self.env, self.cwd)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        try:
            self.process = subprocess.Popen(
                child_argv(self.argv, self.user),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                cwd=self.cwd,
            )
        finally:
            log.close()

    def wait_ready(self, ready: Callable[[], bool], within: float) -> float:
        """Poll `ready` until it holds; fail early, with the log's tail, if the process dies."""
        started = time.monotonic()
        deadline = started + within
        last_answer = "no answer yet"
        while True:
            if not self.alive():
                code = self.process.returncode if self.process else None
                raise StackError(
                    f"{self.name} exited ({exit_status(code)}) before it was ready; its last answer: {last_answer}. "
                    f"{self.log_excerpt()}"
                )
            try:
                answer = ready()
                if answer:
                    return time.monotonic() - started
                last_answer = f"answered {answer!r}"
            except Exception as exc:  # readiness probes fail in many ways while a server boots
                last_answer = describe_answer(exc)
            if time.monotonic() >= deadline:
                raise StackError(
                    f"{self.name} did not become ready within {within:.0f} s: its last answer: {last_answer}. "
                    f"{self.log_excerpt()}"
                )
            time.sleep(0.05)

    def log_excerpt(self, lines: int = 8) -> str:
        """The log's last lines, indented under one sentence naming the log, for a one-paragraph report."""
        text = tail(self.log_path, lines)
        body = "\n".join(f"    {line}" for line in text.splitlines()) or "    (empty)"
        return f"Its log {self.log_path} ends:\n{body}"

    def stop(self, grace: float = 10.0) -> None:
        self.exit_expected = True
        if not self.alive():
            return
        assert self.process is not None
        try:
            self.process.send_signal(self.stop_signal)
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        self.exit_expected = True
        if self.alive():
            assert self.process is not None
            self.process.kill()
            self.process.wait(timeout=5)
