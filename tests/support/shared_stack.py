"""One reference stack serving many behave runs, each with its own deliberate faults.

Booting a reference stack (initdb, Postgres, Redis, three services) costs
several seconds; a behave run against a running one costs about one. So the
behave room keeps one stack per test process and switches its faults between
runs through the faults file its services re-read (qmtl_reference/faults.py).

A run attaches with the `external` target given every endpoint and the
Gateway's key folder, so every scenario runs as it would on the reference
target except those needing a restart (`@use.with_restarts`), which the
external target skips. Tests whose scenarios restart services, or whose
faults act only when a service starts (faults.AT_START), start their own
stack instead.

Data cannot leak from one run into the next: every scenario makes its own
ids. What could leak is a fault, or a service broken by one: the faults are
reset after every run, and a stack that lost a process is replaced before
the next run uses it.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable, Mapping

from qmtl_acceptance.config import load_config
from qmtl_acceptance.stack.base import StackEndpoints
from qmtl_acceptance.stack.reference import ReferenceStack
from qmtl_reference.faults import AT_START, FILE_ENV_VAR, write_faults_file

from .behave_runs import BehaveRun, run_behave

STACK_PROCESSES = frozenset({"redis", "postgres", "dagmanager", "worldservice", "gateway"})


class SwitchableReferenceStack(ReferenceStack):
    """The reference stack, its services also reading the faults file named here."""

    def __init__(self, reports_dir: Path, faults_file: Path) -> None:
        super().__init__(load_config({"reports_dir": str(reports_dir)}, environ={}))
        self.faults_file = faults_file

    def _service_env(self) -> dict[str, str]:
        return {**super()._service_env(), FILE_ENV_VAR: str(self.faults_file)}


class SharedStack:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.faults_file = workdir / "faults"
        self.replacements = 0
        self._provider: SwitchableReferenceStack | None = None
        self.endpoints: StackEndpoints | None = None

    # -- life ----------------------------------------------------------------
    def start(self) -> "SharedStack":
        write_faults_file(self.faults_file, ())
        self._provider = SwitchableReferenceStack(self.workdir / "reports", self.faults_file)
        self.endpoints = self._provider.start()
        return self

    def stop(self) -> None:
        if self._provider is not None:
            self._provider.stop()
            self._provider = None

    def running_processes(self) -> dict[str, int]:
        return self._provider.running_processes() if self._provider is not None else {}

    def log_text(self, service: str) -> str:
        assert self._provider is not None
        return Path(self._provider.log_files()[service]).read_text(errors="replace")

    def _ensure_whole(self) -> None:
        missing = STACK_PROCESSES - self.running_processes().keys()
        if missing:
            print(f"shared stack lost {sorted(missing)}: replacing it", file=sys.stderr)
            self.stop()
            self.replacements += 1
            self.start()

    # -- runs ----------------------------------------------------------------
    def userdata(self) -> dict[str, str]:
        """behave -D settings that attach a run to this stack."""
        assert self._provider is not None and self.endpoints is not None and self._provider.run_dir is not None
        e = self.endpoints
        return {
            "target": "external",
            "gateway_url": e.gateway_url,
            "worldservice_url": e.worldservice_url,
            "dagmanager_address": e.dagmanager_address,
            "redis_url": e.redis_url,
            "postgres_dsn": e.postgres_dsn,
            "dagmanager_status_url": e.dagmanager_status_url,
            "token_keys_dir": str(self._provider.run_dir / "gateway-keys"),
        }

    def run(
        self,
        *paths: str,
        faults: Iterable[str] = (),
        userdata: Mapping[str, str] | None = None,
        **options,
    ) -> BehaveRun:
        """One behave run against this stack with exactly these faults on, then none."""
        faults = list(faults)
        late = sorted(set(faults) & AT_START)
        if late:
            raise ValueError(f"faults {late} act only when a service starts: give that test its own stack")
        self._ensure_whole()
        write_faults_file(self.faults_file, faults)
        try:
            # The runner (a child of behave) is part of the reference stack too: it reads the same file.
            return run_behave(
                *paths,
                userdata={**self.userdata(), **dict(userdata or {})},
                env={FILE_ENV_VAR: str(self.faults_file)},
                **options,
            )
        finally:
            self.reset_faults()

    def reset_faults(self) -> None:
        write_faults_file(self.faults_file, ())

    def write_faults_unchecked(self, text: str) -> None:
        """Put text in the faults file as it is: how a typo would reach a running stack."""
        self.faults_file.write_text(text)
