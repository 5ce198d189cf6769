"""The qmtl target without a QMTL installation: the qmtl.yml it writes, the commands it would run, and its refusals."""
from __future__ import annotations

import socket
import sys

import pytest

from qmtl_acceptance.errors import StackError
from qmtl_acceptance.stack.qmtl import QmtlProcessStack
from qmtl_acceptance.stack.qmtl_settings import QmtlLayout, merged, qmtl_settings, read_overrides
from tests.support.assertions import assert_one_line as _assert_one_line
from tests.support.assertions import config_in as _config


def test_a_busy_port_50051_stops_the_qmtl_target_before_anything_starts(tmp_path):
    holder = socket.socket()
    try:
        holder.bind(("127.0.0.1", 50051))
        holder.listen()
    except OSError:
        pass  # already held by something else on this machine: just as busy
    try:
        stack = QmtlProcessStack(_config(tmp_path, target="qmtl", qmtl_python=sys.executable))
        with pytest.raises(StackError) as caught:
            stack.start()
        message = str(caught.value)
        _assert_one_line(message)
        assert message.startswith("port 50051 on 127.0.0.1 is in use: QMTL's Gateway always dials its DAG Manager there"), message
        assert stack.run_dir is None and stack.running_processes() == {}
    finally:
        holder.close()


def test_without_qmtl_python_the_qmtl_command_on_path_is_looked_for(tmp_path, free_50051, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    stack = QmtlProcessStack(_config(tmp_path, target="qmtl"))
    with pytest.raises(StackError, match=r"none was found \(no qmtl_python set, no qmtl command on PATH\)"):
        stack.start()


def _layout(tmp_path) -> QmtlLayout:
    return QmtlLayout(
        gateway_port=18000,
        worldservice_port=18080,
        dagmanager_http_port=18001,
        redis_url="redis://127.0.0.1:16379/0",
        worldservice_redis_url="redis://127.0.0.1:16379/1",
        postgres_dsn="postgresql://postgres@127.0.0.1:15432/qmtl",
        state_dir=tmp_path,
        events_secret="s3cret",
        token_ttl_seconds=42,
    )


def test_the_qmtl_yml_uses_qmtls_own_keys_for_real_stores(tmp_path):
    settings = qmtl_settings(_layout(tmp_path))
    gateway, dagmanager, worldservice = settings["gateway"], settings["dagmanager"], settings["worldservice"]
    assert (gateway["host"], gateway["port"]) == ("127.0.0.1", 18000)
    assert gateway["redis_dsn"] == "redis://127.0.0.1:16379/0"
    assert (gateway["database_backend"], gateway["database_dsn"]) == ("postgres", "postgresql://postgres@127.0.0.1:15432/qmtl")
    assert gateway["events"]["secret"] == "s3cret" and gateway["events"]["ttl"] == 42
    assert gateway["events"]["stream_url"] == "ws://127.0.0.1:18000/ws/evt"
    assert gateway["worldservice_url"] == worldservice["url"] == "http://127.0.0.1:18080"
    assert (dagmanager["grpc_host"], dagmanager["grpc_port"], dagmanager["http_port"]) == ("127.0.0.1", 50051, 18001)
    assert worldservice["dsn"].startswith("sqlite:///") and worldservice["redis"] == "redis://127.0.0.1:16379/1"
    assert settings["profile"] == "dev"


def test_a_users_qmtl_config_is_merged_over_the_generated_one(tmp_path):
    extra = tmp_path / "extra.yml"
    extra.write_text("dagmanager:\n  neo4j_dsn: bolt://graph:7687\ngateway:\n  events:\n    ttl: 60\n")
    settings = merged(qmtl_settings(_layout(tmp_path)), read_overrides(str(extra)))
    assert settings["dagmanager"]["neo4j_dsn"] == "bolt://graph:7687"
    assert settings["dagmanager"]["grpc_port"] == 50051
    assert settings["gateway"]["events"] == {**qmtl_settings(_layout(tmp_path))["gateway"]["events"], "ttl": 60}
    broken = tmp_path / "broken.yml"
    broken.write_text("gateway: [unclosed\n")
    with pytest.raises(StackError, match="is not valid YAML") as caught:
        read_overrides(str(broken))
    _assert_one_line(str(caught.value))
    listed = tmp_path / "list.yml"
    listed.write_text("- gateway\n")
    with pytest.raises(StackError, match="must hold a mapping of qmtl.yml sections"):
        read_overrides(str(listed))


def test_qmtl_services_run_qmtls_documented_commands_from_the_config_folder(tmp_path):
    from qmtl_acceptance.stack.qmtl_install import QmtlInstallation

    stack = QmtlProcessStack(_config(tmp_path, target="qmtl"))
    stack.installation = QmtlInstallation("/opt/qmtl/bin/python", "0.1.0")
    stack.run_dir = tmp_path
    stack.ports = {"worldservice": 18080}
    config = str(tmp_path / "qmtl" / "qmtl.yml")
    commands = {service: stack._process_for(service) for service in ("gateway", "dagmanager", "worldservice")}
    assert commands["gateway"].argv == ["/opt/qmtl/bin/python", "-m", "qmtl", "gw", "--config", config]
    assert commands["dagmanager"].argv == ["/opt/qmtl/bin/python", "-m", "qmtl.services.dagmanager.server", "--config", config]
    assert commands["worldservice"].argv[:5] == ["/opt/qmtl/bin/python", "-m", "uvicorn", "qmtl.services.worldservice.api:create_app", "--factory"]
    assert commands["worldservice"].argv[-2:] == ["--port", "18080"]
    assert {str(proc.cwd) for proc in commands.values()} == {str(tmp_path / "qmtl")}


def test_without_a_broker_the_qmtl_yml_leaves_the_controlbus_off(tmp_path):
    settings = qmtl_settings(_layout(tmp_path))
    for section in ("gateway", "dagmanager", "worldservice"):
        assert not any(key.startswith("controlbus") for key in settings[section]), settings[section]


def test_with_a_broker_every_service_gets_qmtls_documented_controlbus_layout(tmp_path):
    from dataclasses import replace

    settings = qmtl_settings(replace(_layout(tmp_path), controlbus="127.0.0.1:19092"))
    gateway, dagmanager, worldservice = settings["gateway"], settings["dagmanager"], settings["worldservice"]
    assert gateway["controlbus_brokers"] == worldservice["controlbus_brokers"] == ["127.0.0.1:19092"]
    assert gateway["controlbus_topics"] == ["activation", "policy", "queue"]
    assert gateway["controlbus_ack_topic"] == "control.activation.ack"
    assert worldservice["controlbus_topic"] == "policy"
    assert (dagmanager["controlbus_dsn"], dagmanager["controlbus_queue_topic"]) == ("127.0.0.1:19092", "queue")


def _installation(kafka_client: bool):
    from qmtl_acceptance.stack.qmtl_install import QmtlInstallation

    return QmtlInstallation("/opt/qmtl/bin/python", "0.1.0", kafka_client=kafka_client)


@pytest.mark.parametrize("choice, broker, client, expected", [
    ("auto", "/bin/tansu", True, "/bin/tansu"),
    ("auto", "", True, ""),
    ("auto", "/bin/tansu", False, ""),
    ("off", "/bin/tansu", True, ""),
    ("on", "/bin/tansu", True, "/bin/tansu"),
])
def test_the_controlbus_runs_only_when_a_broker_and_qmtls_kafka_client_are_both_there(
        tmp_path, monkeypatch, capfd, choice, broker, client, expected):
    import qmtl_acceptance.stack.qmtl as qmtl_stack

    monkeypatch.setattr(qmtl_stack, "find_broker", lambda: broker)
    stack = QmtlProcessStack(_config(tmp_path, target="qmtl", qmtl_controlbus=choice))
    stack.installation = _installation(client)
    assert stack._controlbus_broker() == expected
    said = capfd.readouterr().err
    if expected:
        assert "ControlBus is off" not in said
    elif choice == "off":
        assert "QMTL's ControlBus is off (qmtl_controlbus=off)" in said
    else:
        assert "QMTL's ControlBus is off: " in said and "Live events cannot reach subscribers" in said
        assert ("no Kafka-protocol broker" in said) == (not broker)
        assert ("has no aiokafka" in said) == (not client)


@pytest.mark.parametrize("broker, client, missing", [
    ("", True, "no Kafka-protocol broker on this machine"),
    ("/bin/tansu", False, "QMTL's environment has no aiokafka"),
])
def test_controlbus_on_makes_a_missing_piece_an_error_naming_it(tmp_path, monkeypatch, broker, client, missing):
    import qmtl_acceptance.stack.qmtl as qmtl_stack

    monkeypatch.setattr(qmtl_stack, "find_broker", lambda: broker)
    stack = QmtlProcessStack(_config(tmp_path, target="qmtl", qmtl_controlbus="on"))
    stack.installation = _installation(client)
    with pytest.raises(StackError) as caught:
        stack._controlbus_broker()
    assert str(caught.value).startswith("qmtl_controlbus=on, but ") and missing in str(caught.value)
    _assert_one_line(str(caught.value))


def test_a_bad_controlbus_choice_is_refused_naming_the_choices(tmp_path):
    from qmtl_acceptance.config import load_config
    from qmtl_acceptance.errors import ConfigError

    with pytest.raises(ConfigError, match=r"qmtl_controlbus='maybe' is not one of: auto, on, off"):
        load_config({"target": "qmtl", "qmtl_controlbus": "maybe", "reports_dir": str(tmp_path)})
    assert load_config({"qmtl_controlbus": " ON ", "reports_dir": str(tmp_path)}).qmtl_controlbus == "on"


@pytest.mark.parametrize("reason", ["", "unshare(CLONE_NEWNET) failed: Operation not permitted (it needs root or CAP_SYS_ADMIN)"])
def test_the_qmtl_stack_is_copied_beside_itself_only_in_a_network_namespace_of_its_own(reason, monkeypatch, tmp_path):
    """Its Gateway dials 127.0.0.1:50051 whatever it is told: a second copy needs a loopback of its own."""
    from qmtl_acceptance.config import load_config
    from qmtl_acceptance.stack import private_network
    from qmtl_acceptance.stack.reference import ReferenceStack

    monkeypatch.setattr(private_network, "why_unavailable", lambda: reason)
    stack = QmtlProcessStack(load_config({"target": "qmtl", "reports_dir": str(tmp_path)}))
    assert stack.independent_copies is (reason == "")
    assert stack.copy_launcher() == [sys.executable, "-m", "qmtl_acceptance.stack.private_network", "--"]
    if reason:
        assert stack.why_no_copies == f"its Gateway always dials 127.0.0.1:50051 and {reason}"
    else:
        assert stack.why_no_copies == ""
    reference = ReferenceStack(load_config({"reports_dir": str(tmp_path)}))
    assert reference.independent_copies is True and reference.copy_launcher() == [] and reference.why_no_copies == ""
