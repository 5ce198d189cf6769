"""The qmtl.yml the qmtl target writes for QMTL's services, from QMTL's own configuration keys.

One file serves all three services (QMTL's unified configuration): the
`gateway`, `dagmanager` and `worldservice` sections. The file is written as
JSON, which YAML reads as it is, so writing it needs no YAML library; a
`qmtl_config` file of the user's is read as YAML and merged over it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..errors import StackError

# QMTL's Gateway dials its DAG Manager here, whatever the configuration says.
DAGMANAGER_GRPC_PORT = 50051
# How long QMTL's Gateway waits for each WorldService answer, before timeout_scale. QMTL's own
# default, 0.3 s, is missed by one slow answer on a loaded machine, after which its Gateway answers
# the world call with 500 or silently drops the world binding; the reference Gateway allows 3 s.
WORLDSERVICE_TIMEOUT_SECONDS = 3.0
# QMTL's documented ControlBus layout (operations/config/prod.yml): WorldService publishes every event
# on its one topic, policy; the Gateway consumes activation, policy and queue; the DAG Manager publishes on queue.
WORLDSERVICE_CONTROLBUS_TOPIC = "policy"
GATEWAY_CONTROLBUS_TOPICS = ("activation", "policy", "queue")
DAGMANAGER_CONTROLBUS_TOPIC = "queue"
ACTIVATION_ACK_TOPIC = "control.activation.ack"
CONTROLBUS_TOPICS = (*GATEWAY_CONTROLBUS_TOPICS, ACTIVATION_ACK_TOPIC)


@dataclass(frozen=True)
class QmtlLayout:
    """Where each piece listens and keeps its state, for one run."""

    gateway_port: int
    worldservice_port: int
    dagmanager_http_port: int
    redis_url: str
    worldservice_redis_url: str
    postgres_dsn: str
    state_dir: Path
    events_secret: str
    token_ttl_seconds: int
    timeout_scale: float = 1.0
    # host:port of the Kafka-protocol broker QMTL's ControlBus uses; "" leaves the ControlBus off.
    controlbus: str = ""

    @property
    def worldservice_timeout(self) -> float:
        return round(WORLDSERVICE_TIMEOUT_SECONDS * self.timeout_scale, 3)


def qmtl_settings(layout: QmtlLayout) -> dict[str, Any]:
    settings = _base_settings(layout)
    if layout.controlbus:
        brokers = [layout.controlbus]
        settings["gateway"].update(controlbus_brokers=brokers, controlbus_topics=list(GATEWAY_CONTROLBUS_TOPICS),
                                   controlbus_ack_topic=ACTIVATION_ACK_TOPIC)
        settings["worldservice"].update(controlbus_brokers=brokers, controlbus_topic=WORLDSERVICE_CONTROLBUS_TOPIC)
        settings["dagmanager"].update(controlbus_dsn=layout.controlbus, controlbus_queue_topic=DAGMANAGER_CONTROLBUS_TOPIC)
    return settings


def _base_settings(layout: QmtlLayout) -> dict[str, Any]:
    gateway = f"127.0.0.1:{layout.gateway_port}"
    worldservice_url = f"http://127.0.0.1:{layout.worldservice_port}"
    return {
        "profile": "dev",
        "gateway": {
            "host": "127.0.0.1",
            "port": layout.gateway_port,
            "redis_dsn": layout.redis_url,
            "database_backend": "postgres",
            "database_dsn": layout.postgres_dsn,
            "worldservice_url": worldservice_url,
            "worldservice_timeout": layout.worldservice_timeout,
            "events": {
                # A fixed secret for the run, so a restarted Gateway honours the tokens it issued before.
                "secret": layout.events_secret,
                "ttl": layout.token_ttl_seconds,
                # QMTL's defaults name a host "gateway"; subscribers here must be sent to this one.
                "stream_url": f"ws://{gateway}/ws/evt",
                "fallback_url": f"ws://{gateway}/ws",
            },
        },
        "dagmanager": {
            "grpc_host": "127.0.0.1",
            "grpc_port": DAGMANAGER_GRPC_PORT,
            "http_host": "127.0.0.1",
            "http_port": layout.dagmanager_http_port,
            "memory_repo_path": str(layout.state_dir / "dagmanager-memrepo.gpickle"),
        },
        "worldservice": {
            "url": worldservice_url,
            # The shared WorldService proxy settings, read where the gateway section names none.
            "timeout": layout.worldservice_timeout,
            # WorldService's schema is SQLite-only; its activation cache is the real Redis.
            "dsn": f"sqlite:///{layout.state_dir / 'worldservice.db'}",
            "redis": layout.worldservice_redis_url,
            "bind": {"host": "127.0.0.1", "port": layout.worldservice_port},
        },
    }


def merged(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """`override` over `base`, section by section at every depth."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def read_overrides(path: str) -> dict[str, Any]:
    """A user's qmtl.yml fragment (setting qmtl_config), checked to be a mapping."""
    try:
        import yaml
    except ImportError:
        raise StackError("reading qmtl_config needs PyYAML: pip install pyyaml") from None
    try:
        data = yaml.safe_load(Path(path).expanduser().read_text())
    except OSError as exc:
        raise StackError(f"qmtl_config={path!r} cannot be read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StackError(f"qmtl_config={path!r} is not valid YAML: {first}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise StackError(f"qmtl_config={path!r} must hold a mapping of qmtl.yml sections, not {type(data).__name__}")
    return data


def write_qmtl_yml(path: Path, settings: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # The file holds the event-signing secret: readable by its owner only.
    path.touch(mode=0o600)
    path.write_text("# Written by qmtl-acceptance for one run of the qmtl target.\n" + json.dumps(settings, indent=2) + "\n")
