"""A stack started once by the acceptance command and shared by its parallel phase and its serial phase.

`SharedStack` is the running provider as the in-process (serial) run sees it:
its start returns the endpoints already up and its stop does nothing, because
the command that started the stack stops it. Restarts go to the real provider.

`AttachedStack` is the same stack as a worker process sees it: it reads a
handoff file the command wrote (endpoints, service logs, the Gateway's signing
keys) and watches the stack from outside, like the external target. Workers
cannot restart what they did not start; `@serial` scenarios never run there.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..config import SuiteConfig
from .base import StackEndpoints, StackProvider
from .external import ExternalStack

ATTACH_ENV = "QMTL_E2E_ATTACH"
_ENDPOINT_FIELDS = ("gateway_url", "worldservice_url", "dagmanager_address", "redis_url", "postgres_dsn", "dagmanager_status_url")
_shared: "SharedStack | None" = None


class SharedStack(StackProvider):
    def __init__(self, inner: StackProvider, endpoints: StackEndpoints) -> None:
        self.inner, self.endpoints = inner, endpoints
        self.name, self.restartable = inner.name, inner.restartable

    def start(self) -> StackEndpoints:
        return self.endpoints

    def stop(self) -> None:
        """The command that started the stack stops it, after every phase."""

    def restart(self, service: str) -> StackEndpoints:
        self.endpoints = self.inner.restart(service)
        return self.endpoints

    def kill(self, service: str) -> None:
        self.inner.kill(service)

    def stop_service(self, service: str) -> None:
        self.inner.stop_service(service)

    def start_service(self, service: str) -> StackEndpoints:
        self.endpoints = self.inner.start_service(service)
        return self.endpoints

    def pause(self, service: str) -> None:
        self.inner.pause(service)

    def resume(self, service: str) -> None:
        self.inner.resume(service)

    def running_processes(self) -> dict[str, int]:
        return self.inner.running_processes()

    def liveness_checks(self) -> list:
        return self.inner.liveness_checks()

    def log_files(self) -> dict[str, str]:
        return self.inner.log_files()

    def startup_timings(self) -> dict[str, float]:
        return self.inner.startup_timings()

    def token_signing_keys(self) -> dict[str, bytes]:
        return self.inner.token_signing_keys()


def share(inner: StackProvider, endpoints: StackEndpoints) -> SharedStack:
    global _shared
    _shared = SharedStack(inner, endpoints)
    return _shared


def unshare() -> None:
    global _shared
    _shared = None


def shared() -> SharedStack | None:
    return _shared


def beside_other_workers() -> bool:
    """Whether this process is a worker on a stack other workers use at the same time."""
    return bool(os.environ.get(ATTACH_ENV, "").strip())


@dataclass(frozen=True)
class Handoff:
    target: str
    endpoints: StackEndpoints
    log_files: dict[str, str]
    keys_dir: str

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"target": self.target, "endpoints": {f: getattr(self.endpoints, f) for f in _ENDPOINT_FIELDS},
                "log_files": self.log_files, "keys_dir": self.keys_dir}
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
        return path

    @classmethod
    def read(cls, path: Path) -> "Handoff":
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["target"], StackEndpoints(**data["endpoints"]), dict(data["log_files"]), data["keys_dir"])


def hand_off(provider: StackProvider, endpoints: StackEndpoints, folder: Path) -> Path:
    """Write what a worker needs to attach; the signing keys go to files only the owner can read."""
    keys_dir = folder / "gateway-keys"
    keys_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(keys_dir, 0o700)
    for kid, pem in provider.token_signing_keys().items():
        key_file = keys_dir / f"{kid}.pem"
        key_file.write_bytes(pem)
        os.chmod(key_file, 0o600)
    return Handoff(provider.name, endpoints, provider.log_files(), str(keys_dir)).write(folder / "stack.json")


class AttachedStack(ExternalStack):
    restartable = False

    def __init__(self, config: SuiteConfig, handoff: Handoff) -> None:
        super().__init__(config)
        self.handoff = handoff
        self.name = handoff.target

    def _endpoints(self) -> StackEndpoints:
        return self.handoff.endpoints

    def log_files(self) -> dict[str, str]:
        return dict(self.handoff.log_files)

    def token_signing_keys(self) -> dict[str, bytes]:
        return {p.stem: p.read_bytes() for p in sorted(Path(self.handoff.keys_dir).glob("*.pem"))}


def attached_provider(config: SuiteConfig) -> StackProvider | None:
    """The provider of a run inside the acceptance command's parallel run, else None."""
    if _shared is not None:
        return _shared
    handoff = os.environ.get(ATTACH_ENV, "").strip()
    if handoff:
        return AttachedStack(config, Handoff.read(Path(handoff)))
    return None
