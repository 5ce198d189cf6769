"""Finding the QMTL installation the qmtl target runs, and saying clearly when there is none.

The suite never imports QMTL: it runs QMTL's services with the Python of the
environment QMTL is installed in, so a QMTL installation with its own
dependencies never meets the suite's.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import StackError

HOW_TO_POINT = (
    "install QMTL into a Python environment and point the suite at it with "
    "-D qmtl_python=/path/to/that/env/bin/python (or QMTL_E2E_QMTL_PYTHON)"
)
# What the three services are run from; all must import for the target to work.
SERVICE_MODULES = (
    "qmtl",
    "qmtl.services.gateway.cli",
    "qmtl.services.dagmanager.server",
    "qmtl.services.worldservice.api",
    "uvicorn",
)
_PROBE = """
import importlib.metadata, importlib.util, sys
missing = []
for name in sys.argv[1:]:
    try:
        found = importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        found = False
    except Exception as exc:
        print(f"importing {name} failed: {type(exc).__name__}: {exc}")
        sys.exit(3)
    if not found:
        missing.append(name)
        if name == "qmtl":
            break
if missing:
    print("no module " + ", ".join(missing))
    sys.exit(3)
import json, subprocess, urllib.parse
try:
    dist = importlib.metadata.distribution("qmtl")
    version = dist.version
except importlib.metadata.PackageNotFoundError:
    dist, version = None, "unknown version"
commit, source = "", ""
try:
    origin = json.loads((dist.read_text("direct_url.json") if dist else None) or "{}")
except ValueError:
    origin = {}
commit = (origin.get("vcs_info") or {}).get("commit_id", "")
url = origin.get("url", "")
if url.startswith("file://"):
    source = urllib.parse.unquote(url[len("file://"):])
if not commit:
    import qmtl, os
    for where in (source, os.path.dirname(os.path.dirname(qmtl.__file__))):
        if not where:
            continue
        try:
            described = subprocess.run(["git", "-C", where, "describe", "--always", "--dirty", "--tags"],
                                       capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            break
        if described.returncode == 0 and described.stdout.strip():
            commit = described.stdout.strip()
            break
kafka_client = importlib.util.find_spec("aiokafka") is not None
print(json.dumps({"version": version, "commit": commit, "source": source, "kafka_client": kafka_client}))
"""
PROBE_SECONDS = 60.0


@dataclass(frozen=True)
class QmtlInstallation:
    python: str
    version: str
    # Where it was installed from, and that source's revision (a VCS install's commit, or
    # `git describe` of the source folder); "" when the installation does not say.
    commit: str = ""
    source: str = ""
    # Whether its environment has aiokafka, the Kafka client QMTL's ControlBus imports when it is configured.
    kafka_client: bool = False

    def describe(self) -> str:
        revision = f" at {self.commit}" if self.commit else " (revision unknown: installed from no git checkout)"
        return f"QMTL {self.version}{revision}" + (f" from {self.source}" if self.source else "")


def _default_python() -> str:
    """The Python beside a `qmtl` command on PATH, if there is one."""
    command = shutil.which("qmtl")
    if not command:
        return ""
    # Not resolved: a virtualenv's bin/python is a symlink, and only the link
    # (not its target) sees the environment's packages.
    beside = Path(command).parent / "python"
    return str(beside) if beside.exists() else ""


def installation_python(qmtl_python: str) -> str:
    """The Python of the QMTL installation the run uses, or StackError when there is none."""
    python = qmtl_python or _default_python()
    if not python:
        raise StackError(f"the QMTL SDK adapter needs a QMTL installation and none was found: {HOW_TO_POINT}")
    return python


def find_installation(qmtl_python: str, *, timeout_scale: float = 1.0) -> QmtlInstallation:
    """The QMTL installation to run, or StackError with one line on what to do."""
    python = qmtl_python or _default_python()
    if not python:
        raise StackError(f"target qmtl needs a QMTL installation and none was found (no qmtl_python set, no qmtl command on PATH): {HOW_TO_POINT}")
    path = Path(python).expanduser()
    if not path.is_file() or not os.access(path, os.X_OK):
        raise StackError(f"qmtl_python={python!r} is not an executable Python: {HOW_TO_POINT}")
    try:
        probe = subprocess.run(
            [str(path), "-c", _PROBE, *SERVICE_MODULES],
            capture_output=True,
            text=True,
            timeout=PROBE_SECONDS * timeout_scale,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise StackError(f"{python} did not answer within {PROBE_SECONDS * timeout_scale:.0f} s when asked for QMTL") from None
    except OSError as exc:
        raise StackError(f"qmtl_python={python!r} cannot be run ({exc.strerror}): {HOW_TO_POINT}") from None
    lines = probe.stdout.strip().splitlines()
    if probe.returncode != 0:
        found = lines[-1] if lines else (probe.stderr.strip().splitlines() or ["no answer"])[-1]
        raise StackError(f"{python} has no usable QMTL installation ({found}): {HOW_TO_POINT}")
    return installation_from_probe(str(path), lines[-1] if lines else "")


def installation_from_probe(python: str, answer: str) -> QmtlInstallation:
    """The probe's last line: JSON with version, commit and source (a bare version from an older probe)."""
    import json

    try:
        found = json.loads(answer)
    except ValueError:
        found = {"version": answer}
    if not isinstance(found, dict):
        found = {"version": str(found)}
    return QmtlInstallation(python=python, version=str(found.get("version") or "unknown version"),
                            commit=str(found.get("commit") or ""), source=str(found.get("source") or ""),
                            kafka_client=found.get("kafka_client") is True)
