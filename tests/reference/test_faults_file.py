"""A running reference service follows its faults file: a fault switched on shows at once, switched off is gone,
and an unknown name written into the file makes the service fail its calls and say why."""
from __future__ import annotations

import uuid

import pytest

from qmtl_acceptance.clients.dagmanager import DagManagerClient, DagManagerError
from qmtl_acceptance.dag import DagBuilder
from qmtl_reference.faults import FILE_ENV_VAR, write_faults_file
from tests.support.servers import start_dagmanager


def bare_queues(client: DagManagerClient) -> list[str]:
    """Queues of a fresh diff for world w1 that lack the w1.live. prefix."""
    builder = DagBuilder(f"file-{uuid.uuid4().hex[:8]}")
    builder.stream_input("price", tags=["t"])
    dag = builder.build().as_json()
    queues = client.diff(f"s-{uuid.uuid4().hex[:8]}", dag, world_id="w1", execution_domain="live").queue_map.values()
    return [q for q in queues if not q.startswith("w1.live.")]


@pytest.fixture
def switchable_dagmanager(redis_url, tmp_path):
    faults_file = tmp_path / "faults"
    write_faults_file(faults_file, ())
    log = tmp_path / "dagmanager.log"
    proc, address = start_dagmanager(redis_url, log, env={FILE_ENV_VAR: str(faults_file)})
    try:
        with DagManagerClient(address, timeout=5.0) as client:
            yield client, faults_file, log
    finally:
        proc.stop()


def test_a_fault_switched_in_the_file_shows_on_the_next_call_and_goes_when_switched_off(switchable_dagmanager):
    client, faults_file, _ = switchable_dagmanager
    assert bare_queues(client) == []
    write_faults_file(faults_file, ["dagmanager_unnamespaced_queues"])
    assert bare_queues(client), "the switched-on fault did not show"
    write_faults_file(faults_file, ())
    assert bare_queues(client) == []


def test_an_unknown_name_in_the_file_fails_the_calls_and_names_it(switchable_dagmanager):
    client, faults_file, log = switchable_dagmanager
    faults_file.write_text("dagmanager_unnamespaced_queues\ndagmanager_no_such_fault\n")
    with pytest.raises(DagManagerError) as caught:
        bare_queues(client)
    assert "unknown reference fault(s): dagmanager_no_such_fault" in caught.value.details
    assert "unknown reference fault(s): dagmanager_no_such_fault" in log.read_text()
    write_faults_file(faults_file, ())
    assert bare_queues(client) == [], "the service did not recover once the file was put right"
