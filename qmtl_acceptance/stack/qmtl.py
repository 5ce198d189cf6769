"""The qmtl target: a QMTL installation's own services, as local processes.

Each service is started the way QMTL documents it, from the installation's
own Python (setting `qmtl_python`), all reading one qmtl.yml the suite writes
into the run directory:

- Gateway: `qmtl gw --config qmtl.yml` (run as `python -m qmtl gw`, the same
  entry point as the `qmtl` command);
- DAG Manager: `python -m qmtl.services.dagmanager.server --config qmtl.yml`;
- WorldService: `uvicorn qmtl.services.worldservice.api:create_app --factory`,
  from the directory holding qmtl.yml (it reads no --config).

Redis and Postgres are the same real servers the reference target starts.
QMTL's Gateway always dials its DAG Manager at 127.0.0.1:50051, so that port
must be free before anything starts.
"""
from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from ..errors import StackError
from .local import LocalProcessStack
from .processes import ManagedProcess, free_port, port_is_free
from .qmtl_install import QmtlInstallation, find_installation
from .qmtl_settings import DAGMANAGER_GRPC_PORT, QmtlLayout, merged, qmtl_settings, read_overrides, write_qmtl_yml

# QMTL's services import a large dependency tree: allow more than the reference's boot time.
QMTL_SERVICE_READY_SECONDS = 60.0
CONFIG_NAME = "qmtl.yml"


def require_free_dagmanager_port() -> None:
    if not port_is_free(DAGMANAGER_GRPC_PORT):
        raise StackError(
            f"port {DAGMANAGER_GRPC_PORT} on 127.0.0.1 is in use: QMTL's Gateway always dials its DAG Manager there, "
            "so stop whatever listens on it (another DAG Manager?) before running the qmtl target"
        )


class QmtlProcessStack(LocalProcessStack):
    name = "qmtl"
    service_ready_seconds = QMTL_SERVICE_READY_SECONDS

    def __init__(self, config) -> None:
        super().__init__(config)
        self.installation: QmtlInstallation | None = None
        self.dagmanager_http_port = 0

    def _preflight(self) -> None:
        require_free_dagmanager_port()
        self.installation = find_installation(self.config.qmtl_python, timeout_scale=self.config.timeout_scale)
        # Which QMTL a run tested belongs in its output, not only in the Allure environment.
        print(f"qmtl-acceptance: target qmtl runs {self.installation.describe()}", file=sys.__stderr__, flush=True)

    def _allocate_ports(self) -> dict[str, int]:
        ports = super()._allocate_ports()
        ports["dagmanager"] = DAGMANAGER_GRPC_PORT
        self.dagmanager_http_port = free_port()
        ports["dagmanager_http"] = self.dagmanager_http_port
        return ports

    @property
    def _service_dir(self) -> Path:
        assert self.run_dir is not None
        return self.run_dir / "qmtl"

    def _prepare(self) -> None:
        assert self.endpoints is not None
        layout = QmtlLayout(
            gateway_port=self.ports["gateway"],
            worldservice_port=self.ports["worldservice"],
            dagmanager_http_port=self.dagmanager_http_port,
            redis_url=self.endpoints.redis_url,
            # Its own Redis database, so WorldService's keys never mix with the Gateway's.
            worldservice_redis_url=self.endpoints.redis_url.rsplit("/", 1)[0] + "/1",
            postgres_dsn=self.endpoints.postgres_dsn,
            state_dir=self._service_dir,
            events_secret=secrets.token_hex(32),
            token_ttl_seconds=self.config.token_ttl_seconds,
            timeout_scale=self.config.timeout_scale,
        )
        settings = qmtl_settings(layout)
        if self.config.qmtl_config:
            settings = merged(settings, read_overrides(self.config.qmtl_config))
        write_qmtl_yml(self._service_dir / CONFIG_NAME, settings)

    def _service_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def _process_for(self, service: str) -> ManagedProcess:
        assert self.installation is not None
        python = self.installation.python
        config = str(self._service_dir / CONFIG_NAME)
        if service == "gateway":
            argv = [python, "-m", "qmtl", "gw", "--config", config]
        elif service == "dagmanager":
            argv = [python, "-m", "qmtl.services.dagmanager.server", "--config", config]
        elif service == "worldservice":
            argv = [
                python, "-m", "uvicorn", "qmtl.services.worldservice.api:create_app", "--factory",
                "--host", "127.0.0.1", "--port", str(self.ports["worldservice"]),
            ]
        else:
            raise StackError(f"the qmtl target cannot start {service!r} on its own")
        # Every service runs from the directory holding qmtl.yml: WorldService
        # finds it there, and QMTL's relative paths (caches, snapshots) land in the run directory.
        return ManagedProcess(service, argv, self._log(service), env=self._service_env(), cwd=self._service_dir)
