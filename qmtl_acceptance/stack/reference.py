"""The embedded default target: the reference stack as local processes.

Redis and Postgres are real servers; the DAG Manager, WorldService and Gateway
are the reference services, started as `python -m qmtl_reference.<service>`
on free loopback ports. Nothing of the reference stack is imported here.
"""
from __future__ import annotations

import os
import sys

from ..errors import StackError
from .local import LocalProcessStack
from .processes import ManagedProcess, free_port

FAULTS_ENV = "QMTL_REFERENCE_FAULTS"


class ReferenceStack(LocalProcessStack):
    name = "reference"

    def _allocate_ports(self) -> dict[str, int]:
        # The DAG Manager also serves its HTTP GET /status, as real QMTL's does beside gRPC.
        return {**super()._allocate_ports(), "dagmanager_http": free_port()}

    def _service_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env[FAULTS_ENV] = ",".join(self.config.reference_faults)
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def _python_service(self, service: str, module: str, args: list[str]) -> ManagedProcess:
        return ManagedProcess(service, [sys.executable, "-m", module, *args], self._log(service), env=self._service_env())

    def _gateway_process(self) -> ManagedProcess:
        assert self.endpoints is not None and self.run_dir is not None
        return self._python_service(
            "gateway",
            "qmtl_reference.gateway",
            [
                "--host", "127.0.0.1",
                "--port", str(self.ports["gateway"]),
                "--redis-url", self.endpoints.redis_url,
                "--postgres-dsn", self.endpoints.postgres_dsn,
                "--dagmanager-address", self.endpoints.dagmanager_address,
                "--worldservice-url", self.endpoints.worldservice_url,
                "--key-dir", str(self.run_dir / "gateway-keys"),
                # Two keys, the newer one signing: a token of the older key shows whether rotated kids stay valid.
                "--kids", "reference-0,reference-1",
                "--token-ttl", str(self.config.token_ttl_seconds),
            ],
        )

    def _process_for(self, service: str) -> ManagedProcess:
        assert self.endpoints is not None
        if service == "gateway":
            return self._gateway_process()
        if service == "dagmanager":
            args = ["--grpc-port", str(self.ports["dagmanager"]), "--http-port", str(self.ports["dagmanager_http"])]
        elif service == "worldservice":
            args = ["--port", str(self.ports["worldservice"])]
        else:
            raise StackError(f"the reference target cannot start {service!r} on its own")
        return self._python_service(
            service, f"qmtl_reference.{service}", ["--host", "127.0.0.1", *args, "--redis-url", self.endpoints.redis_url]
        )

    def token_signing_keys(self) -> dict[str, bytes]:
        if self.run_dir is None:
            return {}
        return {path.stem: path.read_bytes() for path in sorted((self.run_dir / "gateway-keys").glob("*.pem"))}
