"""Each registered DAG Manager fault really breaks what it says, and a healthy DAG Manager does not.

Every probe returns a description of the defect it observed, or None. Under
its fault the probe must observe the defect; against a healthy process it must
not, so the probe cannot pass by accident.
"""
from __future__ import annotations

import uuid
from typing import Callable

import grpc
import pytest

from qmtl_acceptance.clients.dagmanager import DagManagerClient, DagManagerError
from qmtl_acceptance.dag import DagBuilder
from qmtl_reference.faults import KNOWN
from tests.support.servers import start_dagmanager

Probe = Callable[[DagManagerClient], "str | None"]


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def tagged_dag(tag_a: str, tag_b: str) -> dict:
    b = DagBuilder(uid("fault"))
    b.stream_input("both", tags=[tag_a, tag_b])
    b.stream_input("only_a", tags=[tag_a])
    return b.build().as_json()


def never_resends(c: DagManagerClient) -> str | None:
    outcome = c.diff_without_acks(uid("s"), tagged_dag("a", "b"), world_id="w1", execution_domain="live", observe_for=0.8)
    return None if outcome.resends else f"an unacknowledged chunk was never sent again ({outcome.describe()})"


def unnamespaced(c: DagManagerClient) -> str | None:
    queues = c.diff(uid("s"), tagged_dag("a", "b"), world_id="w1", execution_domain="live").queue_map.values()
    bare = [q for q in queues if not q.startswith("w1.live.")]
    return f"queues without the world/domain prefix: {bare}" if bare else None


def ignores_meta(c: DagManagerClient) -> str | None:
    dag = {**tagged_dag("a", "b"), "meta": {"world_id": "w1", "execution_domain": "backtest"}}
    queues = c.diff(uid("s"), dag).queue_map.values()
    elsewhere = [q for q in queues if not q.startswith("w1.backtest.")]
    return f"queues of a DAG whose meta names w1/backtest, named elsewhere: {elsewhere}" if elsewhere else None


def cleanup_keeps(c: DagManagerClient) -> str | None:
    sid = uid("s")
    queues = list(c.diff(sid, tagged_dag("a", "b"), world_id="w1", execution_domain="live").queue_map.values())
    c.cleanup(sid)
    left = [q for q in queues if c.queue_stats(filter=q)]
    return f"queues left after cleanup: {left}" if left else None


def redo_fails(c: DagManagerClient) -> str | None:
    sid = uid("s")
    c.diff(sid, tagged_dag("a", "b"), world_id="w1", execution_domain="live")
    try:
        c.redo_diff(f"{sid}-sentinel")
    except DagManagerError as exc:
        return str(exc)
    return None


def bad_dag_unknown(c: DagManagerClient) -> str | None:
    outcome = c.diff_without_acks(uid("s"), "{not json", observe_for=2)
    code = outcome.ended_with.name if outcome.ended_with is not None else "OK"
    return None if code == "INVALID_ARGUMENT" and outcome.end_details else f"a malformed DAG answered {code}: {outcome.end_details!r}"


def no_standard_health(c: DagManagerClient) -> str | None:
    try:
        c.standard_health()
    except DagManagerError as exc:
        return str(exc) if exc.code == grpc.StatusCode.UNIMPLEMENTED else None
    return None


def all_means_any(c: DagManagerClient) -> str | None:
    tag_a, tag_b = uid("a"), uid("b")
    c.diff(uid("s"), tagged_dag(tag_a, tag_b), world_id="w1", execution_domain="live")
    found = c.get_queues([tag_a, tag_b], 60, "all")
    return f"match_mode all found {len(found)} queues, one carries both tags" if len(found) != 1 else None


def forgets_nodes(c: DagManagerClient) -> str | None:
    tag = uid("t")
    c.diff(uid("s"), tagged_dag(tag, uid("u")), world_id="w1", execution_domain="live")
    return None if c.get_queues([tag], 60) else "a tag query found nothing after a diff"


def params_refused(c: DagManagerClient) -> str | None:
    dag = tagged_dag("a", "b")
    dag["nodes"][0]["params"] = ["BTC-USD", 60]
    try:
        c.diff(uid("s"), dag, world_id="w1", execution_domain="live")
    except DagManagerError as exc:
        return f"a DAG whose node params is a list was refused: {exc}"
    return None


def rebuffers(c: DagManagerClient) -> str | None:
    sid, dag = uid("s"), tagged_dag("a", "b")
    first = c.diff(sid, dag, world_id="w1", execution_domain="live").buffer_nodes
    again = c.diff(sid, dag, world_id="w1", execution_domain="live").buffer_nodes
    if not first:
        return "a first diff asked to buffer nothing"
    return f"an unchanged second diff asked to buffer {len(again)} nodes again" if again else None


PROBES: dict[str, Probe] = {
    "dagmanager_no_ack_resend": never_resends,
    "dagmanager_unnamespaced_queues": unnamespaced,
    "dagmanager_namespace_ignores_meta": ignores_meta,
    "dagmanager_cleanup_keeps_queues": cleanup_keeps,
    "dagmanager_redo_diff_fails": redo_fails,
    "dagmanager_no_standard_health": no_standard_health,
    "tagquery_ignores_match_mode": all_means_any,
    "dagmanager_bad_dag_unknown": bad_dag_unknown,
    "tagquery_forgets_diffed_nodes": forgets_nodes,
    "dagmanager_params_must_be_objects": params_refused,
    "dagmanager_rebuffers_known_queues": rebuffers,
}


def test_every_dagmanager_fault_is_registered_and_probed():
    registered = {name for name in KNOWN if name.startswith(("dagmanager_", "tagquery_"))}
    # Only a Redis outage shows this one: the outage features catch it (tests/behave/test_outage_faults.py).
    registered -= {"dagmanager_health_ignores_redis"}
    assert registered == set(PROBES)


@pytest.fixture(scope="module")
def healthy(redis_url, tmp_path_factory):
    proc, address = start_dagmanager(redis_url, tmp_path_factory.mktemp("healthy") / "dagmanager.log")
    try:
        with DagManagerClient(address) as client:
            yield client
    finally:
        proc.stop()


@pytest.mark.parametrize("fault", sorted(PROBES))
def test_the_fault_shows_and_the_healthy_service_does_not_show_it(fault, healthy, redis_url, tmp_path):
    probe = PROBES[fault]
    assert probe(healthy) is None, f"the healthy DAG Manager already shows the defect of {fault}"
    proc, address = start_dagmanager(redis_url, tmp_path / "dagmanager.log", faults=fault)
    try:
        with DagManagerClient(address) as client:
            seen = probe(client)
    finally:
        proc.stop()
    assert seen, f"under {fault} ({KNOWN[fault]}) the probe saw nothing wrong"
