"""Every command in the README works as written, as far as a test can run it.

The README's ```bash blocks are read line by line; each command is run, or,
for a full acceptance run, checked with --check (settings, paths, tags and a
non-empty selection, without starting a stack). A command this file does not
know how to try fails the test, so a new README example cannot go unchecked.
"""
from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qmtl_acceptance.stack.processes import port_is_free

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
VENV_BIN = Path(sys.executable).parent


def bash_commands(text: str) -> list[str]:
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            line = line.split(" #", 1)[0].strip() if not line.strip().startswith("#") else ""
            if line:
                commands.append(line)
    return commands


COMMANDS = bash_commands(README)


def _venv(argv: list[str]) -> list[str]:
    # `.venv/bin/x` in the README is this test's own environment's x.
    first = argv[0]
    if first.startswith(".venv/bin/"):
        argv = [str(VENV_BIN / first[len(".venv/bin/"):]), *argv[1:]]
    return argv


def test_the_readme_has_commands_and_every_one_is_tried():
    assert len(COMMANDS) >= 10
    unknown = [c for c in COMMANDS if not c.startswith(("bash scripts/acceptance.sh", "bash scripts/test.sh", "bash scripts/stack.sh",
                                                        ".venv/bin/qmtl-reference tools sdk run",
                                                        # report.sh: tried by tests/test_report_browser.py
                                                        "bash scripts/report.sh", ".venv/bin/python -m qmtl_acceptance.pages",
                                                        # docker-engine.sh: run by tests/reference/test_compose_engine.py
                                                        # where an engine may be brought up (QMTL_E2E_DOCKER_ENGINE=1)
                                                        "bash scripts/docker-engine.sh", "sudo bash scripts/docker-engine.sh"))]
    assert unknown == [], f"README commands this test does not try: {unknown}"
    assert not any("@slow" in c for c in COMMANDS)


@pytest.mark.parametrize("line", [c for c in COMMANDS if c.startswith("bash scripts/acceptance.sh")])
def test_each_acceptance_command_is_a_valid_request(line):
    args = shlex.split(line)[2:]
    if "--help" in args:
        done = subprocess.run(shlex.split(line), cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and "settings" in done.stdout, done.stdout + done.stderr
        return
    if "--check" not in args:
        args = ["--check", *args]
    done = subprocess.run([sys.executable, "-m", "qmtl_acceptance.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{line}\n{done.stdout}{done.stderr}"
    assert "scenarios selected; settings accepted" in done.stdout


@pytest.mark.parametrize("line", [c for c in COMMANDS if c.startswith(".venv/bin/python -m qmtl_acceptance.pages")])
def test_each_pages_command_writes_its_page(line, tmp_path):
    import json

    # Two runs where the README's sample has them, each with one result.
    for run in ("reports/runs/healthy", "reports/runs/faulty"):
        (tmp_path / run).mkdir(parents=True)
        (tmp_path / run / "run.json").write_text(json.dumps({"results": [
            {"feature": "Smoke flow of the end-to-end guide", "scenario": "The Gateway answers its health check",
             "status": "passed" if run.endswith("healthy") else "failed", "message": "Then: boom"}]}))
    done = subprocess.run(_venv(shlex.split(line)), cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    written = tmp_path / done.stdout.strip().splitlines()[-1].split(": ", 1)[1]
    assert written.read_text().rstrip().endswith("</html>")


def test_the_benchmarks_run_from_the_environment_the_readme_names():
    named = sorted(set(re.findall(r"`\.venv/bin/python (benchmarks/\w+\.py)`", README)))
    assert len(named) == 4, named
    for script in named:
        extra = ["--repeat", "1"] if script.endswith("backfill_throughput.py") else ["--help"]
        done = subprocess.run([sys.executable, script, *extra], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{script}: {done.stderr}"
        assert "ModuleNotFoundError" not in done.stderr


def test_a_stack_by_hand_serves_the_runner_example_and_stops_on_ctrl_c(tmp_path):
    stack_line = next(c for c in COMMANDS if c.startswith("bash scripts/stack.sh"))
    runner_line = next(c for c in COMMANDS if c.startswith(".venv/bin/qmtl-reference tools sdk run"))
    argv = shlex.split(stack_line)
    runner = _venv(shlex.split(runner_line))
    env_file = tmp_path / "stack.env"
    if not port_is_free(8000):  # another stack on this machine: same command, a free port, its URL passed on
        argv += ["--gateway-port", "0"]
    proc = subprocess.Popen([*argv, "--env-file", str(env_file)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not env_file.exists():
            assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read() if proc.poll() is not None else "no stack"
            time.sleep(0.2)
        urls = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
        if "--gateway-port" in argv:
            runner += ["--gateway-url", urls["gateway_url"]]
        done = subprocess.run(runner, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "backfill: 72 rows" in done.stdout, done.stdout
    finally:
        # Ctrl-C reaches the whole foreground group, as in a terminal.
        try:
            os.killpg(proc.pid, signal.SIGINT)
        except ProcessLookupError:
            pass
        output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, output
    for name in ("gateway_url=http://127.0.0.1:", "redis_url=redis://127.0.0.1:", "bash scripts/acceptance.sh -D target=external",
                 ".venv/bin/qmtl-reference tools sdk run", "qmtl-acceptance stack: stopped"):
        assert name in output, output
    port = int(urls["gateway_url"].rsplit(":", 1)[1])
    assert port_is_free(port) and not env_file.exists()
