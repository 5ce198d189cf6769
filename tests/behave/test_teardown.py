"""Teardown always happens: Ctrl-C, SIGTERM, a crashed service, even SIGKILL of the suite."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from qmtl_acceptance.eventually import eventually
from qmtl_acceptance.stack.workdirs import PREFIX, sweep_orphans
from tests.support import PROJECT_ROOT as ROOT

# A scenario that waits a long time: bindings never appear (deliberate fault)
# and every deadline is stretched fifty-fold, so the run is mid-step when hit.
HOLD = ["features/smoke/worldservice_smoke.feature", "--name", "bound to that world",
        "-D", "reference_faults=skip_world_binding", "-D", "timeout_scale=50"]


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return children


def descendants(pid: int) -> set[int]:
    tree, found, todo = _children_map(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _run_dirs(pid: int) -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(f"{PREFIX}{pid}-*"))


def _hear_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start_held_run(tmp_path: Path) -> tuple[subprocess.Popen, set[int]]:
    stderr_path = tmp_path / "stderr.txt"
    proc = subprocess.Popen(
        [sys.executable, "-m", "behave", *HOLD, "-f", "plain", "-o", os.devnull, "-D", f"reports_dir={tmp_path}"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(stderr_path, "w"),
        # A shell starting the tests in the background hands them SIGINT ignored; Ctrl-C must reach the run.
        preexec_fn=_hear_ctrl_c,
    )

    gateway_log = tmp_path / "logs" / "gateway.log"

    def stack_is_serving():
        text = stderr_path.read_text()
        assert "first scenario starts" in text, text[-500:] or "no output yet"
        servers = descendants(proc.pid)
        assert len(servers) >= 5, f"only {len(servers)} child processes"
        # Hit the run only once it waits in the held step (it polls the bindings): a signal landing in an
        # earlier step's hook would test another moment than the one each test names.
        assert gateway_log.is_file() and "/bindings" in gateway_log.read_text(errors="replace"), "not in the held step yet"
        return servers

    servers = eventually(stack_is_serving, within=60, what="the held run's stack is up and its scenario running")
    return proc, servers


def _assert_all_gone(proc: subprocess.Popen, servers: set[int]) -> None:
    proc.wait(timeout=60)
    eventually(lambda: _none_alive(servers), within=15, what="every service of the run has exited")
    assert _run_dirs(proc.pid) == [], "the run's temp dir was left behind"


def _none_alive(pids: set[int]) -> None:
    alive = sorted(p for p in pids if _alive(p))
    assert not alive, f"still running: {alive}"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupted_run_tears_the_stack_down(tmp_path, signum):
    proc, servers = _start_held_run(tmp_path)
    assert _run_dirs(proc.pid), "the run made no temp dir to check"
    proc.send_signal(signum)
    _assert_all_gone(proc, servers)
    assert proc.returncode != 0


def test_a_crashed_service_fails_the_run_and_the_rest_is_torn_down(tmp_path):
    proc, servers = _start_held_run(tmp_path)
    gateway = next(p for p in servers if b"qmtl_reference.gateway" in Path(f"/proc/{p}/cmdline").read_bytes())
    os.kill(gateway, signal.SIGKILL)
    _assert_all_gone(proc, servers)
    assert proc.returncode != 0
    evidence = list((tmp_path / "artifacts").rglob("gateway-status.json"))
    assert evidence and "unreachable" in evidence[0].read_text()


def test_a_killed_suite_leaves_no_server_and_its_temp_dir_is_swept(tmp_path):
    proc, servers = _start_held_run(tmp_path)
    proc.kill()
    proc.wait(timeout=10)
    eventually(lambda: _none_alive(servers), within=15, what="every service died with the suite")
    assert _run_dirs(proc.pid), "expected the killed run's temp dir to remain until swept"
    sweep_orphans()
    assert _run_dirs(proc.pid) == []
