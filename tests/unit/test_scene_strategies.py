"""The strategies scene without behave: crafted submissions, answer checks, queue names, and the scene against a fake Gateway."""
from __future__ import annotations

import base64
import json
import threading
import uuid

import pytest

from qmtl_acceptance.clients.gateway import Answer
from qmtl_acceptance.dag import two_node_strategy
from qmtl_acceptance.errors import TargetFailure
from qmtl_acceptance.ids import ScenarioIds
from qmtl_acceptance.scenes import strategies_checks as checks
from qmtl_acceptance.scenes.scenario import Scenario
from qmtl_acceptance.scenes.strategies import CHOICES, StrategiesScene
from qmtl_acceptance.scenes.strategies_cases import CASES, Crafted, decoded
from qmtl_acceptance.scenes.strategies_status import UNKNOWN_IDS
from qmtl_wire.nodeid import compute_node_id, missing_node_fields, node_ids_crc32

WORLDS = {"alpha": "w-alpha", "beta": "w-beta"}


def world(role: str) -> str:
    return WORLDS[role]


@pytest.fixture
def dag():
    return two_node_strategy("unit")


def test_every_case_has_a_phrase_choice():
    assert set(CHOICES["SubmissionCase"]) == set(CASES)
    assert set(CHOICES["SubmissionEvidence"]) == set(checks.EVIDENCE)


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_case_crafts_a_body_with_the_contract_fields(case, dag):
    crafted = CASES[case](dag, world)
    assert {"dag_json", "meta", "node_ids_crc32"} <= set(crafted.body)
    for earlier, status in crafted.earlier:
        assert status in (202, 400, 409) and "dag_json" in earlier


@pytest.mark.parametrize("case", [c for c in CASES if "checksum" in c and "lacking" not in c and "refused" not in c])
def test_checksum_cases_keep_ids_canonical_and_break_only_the_checksum(case, dag):
    crafted = CASES[case](dag, world)
    sent = decoded(crafted.body["dag_json"])
    assert all(compute_node_id(n) == n["node_id"] for n in sent["nodes"])
    assert crafted.sent_crc != node_ids_crc32(crafted.sent_node_ids)


@pytest.mark.parametrize("case", [c for c, f in CASES.items() if "not canonical" in c or "changed after" in c or "prefix" in c])
def test_mismatch_cases_keep_the_checksum_right_and_name_each_canonical_id(case, dag):
    crafted = CASES[case](dag, world)
    sent = decoded(crafted.body["dag_json"])
    assert crafted.sent_crc == node_ids_crc32(crafted.sent_node_ids)
    for index, canonical in crafted.mismatched.items():
        assert sent["nodes"][index]["node_id"] != canonical == compute_node_id(sent["nodes"][index])


@pytest.mark.parametrize("case", [c for c in CASES if "lack" in c or "empty config" in c])
def test_missing_field_cases_name_exactly_what_is_missing(case, dag):
    crafted = CASES[case](dag, world)
    sent = decoded(crafted.body["dag_json"])
    assert crafted.sent_crc == node_ids_crc32(crafted.sent_node_ids) or "bad checksum" in case
    if crafted.missing:
        found = {i: missing_node_fields(n) for i, n in enumerate(sent["nodes"]) if missing_node_fields(n)}
        assert found == crafted.missing


def test_accepted_variants_are_canonical(dag):
    for case in ("a strategy whose nodes carry the legacy schema id", "a strategy whose node params name its world"):
        sent = decoded(CASES[case](dag, world).body["dag_json"])
        assert all(compute_node_id(n) == n["node_id"] and not missing_node_fields(n) for n in sent["nodes"])


def test_reordered_keys_are_the_same_dag_once_sorted(dag):
    crafted = CASES["the same strategy with its keys in another order"](dag, world)
    raw = base64.b64decode(crafted.body["dag_json"]).decode()
    assert raw != json.dumps(dag.as_json())
    assert json.dumps(json.loads(raw), sort_keys=True) == json.dumps(dag.as_json(), sort_keys=True)


def test_new_id_check_names_each_wrong_field(dag):
    crafted = CASES["a valid strategy to world alpha"](dag, world)
    sid = str(uuid.uuid4())
    good = {"strategy_id": sid, "queue_map": {}, "sentinel_id": f"{sid}-sentinel", "node_ids_crc32": dag.crc32,
            "downgraded": False, "downgrade_reason": None, "safe_mode": False}
    assert checks.new_id(good, crafted, []) == []
    assert checks.new_id(good, crafted, [sid])  # the id of an earlier strategy
    assert checks.new_id({**good, "sentinel_id": "x"}, crafted, [])
    assert checks.new_id({**good, "node_ids_crc32": dag.crc32 + 1}, crafted, [])
    assert checks.new_id({**good, "strategy_id": str(uuid.uuid1())}, crafted, [])
    assert checks.new_id({k: v for k, v in good.items() if k != "safe_mode"}, crafted, [])


def test_first_id_check_needs_a_first_id():
    assert checks.first_id({"detail": {"code": "E_DUPLICATE", "strategy_id": "a"}}, Crafted({}), []) != []
    assert checks.first_id({"detail": {"code": "E_DUPLICATE", "strategy_id": "a"}}, Crafted({}), ["a", "b"]) == []
    assert checks.first_id({"detail": {"code": "E_DUPLICATE", "strategy_id": "b"}}, Crafted({}), ["a", "b"]) != []


def test_supported_versions_must_be_exactly_the_contracts():
    def body(supported, path="schema_version"):
        return {"detail": {"errors": [{"path": path, "message": "m", "supported": supported}]}}

    assert checks.supported_versions(body(["v1", "1", "1.0"]), Crafted({}), []) == []
    assert checks.supported_versions(body(["v1"]), Crafted({}), [])
    assert checks.supported_versions(body(["v1", "1", "1.0"], path="nodes"), Crafted({}), [])
    assert checks.supported_versions({"detail": {"errors": []}}, Crafted({}), [])


def test_mismatch_and_missing_checks_want_exactly_the_altered_nodes(dag):
    crafted = CASES["a strategy whose two nodes' ids are not canonical"](dag, world)
    ids = crafted.sent_node_ids
    entries = [{"index": i, "node_id": ids[i], "expected": c} for i, c in crafted.mismatched.items()]
    assert checks.canonical_ids({"detail": {"node_id_mismatch": entries}}, crafted, []) == []
    assert checks.canonical_ids({"detail": {"node_id_mismatch": entries[:1]}}, crafted, [])
    assert checks.canonical_ids({"detail": {"node_id_mismatch": [{**entries[0], "index": 1}, entries[1]]}}, crafted, [])
    crafted = CASES["a strategy whose two nodes each lack two fields"](dag, world)
    ids = crafted.sent_node_ids
    entries = [{"index": i, "missing": list(reversed(f)), "node_id": ids[i]} for i, f in crafted.missing.items()]
    assert checks.missing_fields({"detail": {"missing_fields": entries}}, crafted, []) == []
    assert checks.missing_fields({"detail": {"missing_fields": entries + [{"index": 5, "missing": [], "node_id": ""}]}}, crafted, [])
    assert checks.missing_fields({"detail": {"missing_fields": []}}, crafted, [])


def test_queue_names_need_prefix_node_type_and_digest(dag):
    node = dag.nodes[0]
    digest = node["node_id"].split(":")[1][:22]
    good = [{"queue": f"w-alpha.backtest.asset_StreamInput_{digest}_v1", "global": False}]
    assert checks.queue_name_problems(node, good, ["w-alpha.backtest."]) == []
    assert checks.queue_name_problems(node, good, ["w-alpha.live."])
    assert checks.queue_name_problems(node, [{**good[0], "global": True}], ["w-alpha.backtest."])
    other = dag.nodes[1]["node_id"].split(":")[1][:22]
    assert checks.queue_name_problems(node, [{"queue": f"w-alpha.backtest.asset_StreamInput_{other}_v1", "global": False}],
                                      ["w-alpha.backtest."])
    assert checks.queue_name_problems(node, good, ["w-alpha.backtest.", "w-beta.backtest."])
    assert checks.queue_name_problems(node, [], ["w-alpha.backtest."])


def test_stored_dag_in_either_encoding_with_or_without_sentinel(dag):
    submitted = dag.as_json()
    assert checks.stored_dag(json.dumps(submitted)) == submitted
    assert checks.stored_dag(base64.b64encode(json.dumps(submitted).encode()).decode()) == submitted
    with_sentinel = {**submitted, "nodes": [*submitted["nodes"], {"node_type": "VersionSentinel", "node_id": "s-sentinel"}]}
    assert checks.stored_dag_problems(with_sentinel, submitted, "s") == []
    assert checks.stored_dag_problems({**submitted, "nodes": submitted["nodes"][:1]}, submitted, "s")
    with pytest.raises(AssertionError):
        checks.stored_dag("not a dag")


def test_unknown_ids_are_never_the_accepted_one():
    accepted = str(uuid.uuid4())
    assert all(make(accepted) != accepted for make in UNKNOWN_IDS.values())


# -- the scene against a fake Gateway -------------------------------------------------------


class FakeGateway:
    """Dedupes on the DAG text and binds, as the contract says; enough to drive the scene's bookkeeping."""

    def __init__(self, duplicate_names: str | None = None) -> None:
        self.owners: dict[str, str] = {}
        self.bound: dict[str, set[str]] = {}
        self.duplicate_names = duplicate_names
        self.lock = threading.Lock()

    def submit_body(self, body):
        with self.lock:
            return self._submit(body)

    def _submit(self, body):
        dag = json.dumps(decoded(body["dag_json"]), sort_keys=True)
        if dag in self.owners:
            named = self.duplicate_names or self.owners[dag]
            return Answer(409, {"detail": {"code": "E_DUPLICATE", "strategy_id": named}}, {}, 0.0)
        sid = str(uuid.uuid4())
        self.owners[dag] = sid
        for w in body.get("world_ids") or []:
            self.bound.setdefault(w, set()).add(sid)
        return Answer(202, {"strategy_id": sid, "queue_map": {}, "sentinel_id": f"{sid}-sentinel",
                            "node_ids_crc32": body["node_ids_crc32"], "downgraded": False,
                            "downgrade_reason": None, "safe_mode": False}, {}, 0.0)


class FakeWorlds:
    def __init__(self, gateway: FakeGateway) -> None:
        self.gateway = gateway

    def __getitem__(self, role):
        return WORLDS[role]

    def role_of(self, world_id):
        return next((r for r, w in WORLDS.items() if w == world_id), None)

    def bindings(self, role):
        return set(self.gateway.bound.get(WORLDS[role], set()))


class FakeTarget:
    def __init__(self, gateway):
        self.gateway = gateway


def scene_with(gateway: FakeGateway) -> StrategiesScene:
    scenario = Scenario(ScenarioIds("unit"), add_cleanup=lambda fn: None)
    scene = StrategiesScene(FakeTarget(gateway), scenario, FakeWorlds(gateway))
    scene.build()
    return scene


def test_the_scene_passes_a_faithful_gateway_through_the_matrix():
    scene = scene_with(FakeGateway())
    scene.submit_case("the same strategy a third time")
    scene.answered(409, "E_DUPLICATE")
    scene.shows("the first submission's strategy id")
    scene.worlds_list_scenario_strategies("alpha only", within=0.1)


def test_the_scene_fails_a_duplicate_that_names_another_strategy():
    scene = scene_with(FakeGateway(duplicate_names=str(uuid.uuid4())))
    scene.submit_case("the same strategy to world beta after world alpha")
    scene.answered(409, "E_DUPLICATE")
    with pytest.raises(TargetFailure, match="the duplicate names"):
        scene.shows("the first submission's strategy id")
    with pytest.raises(TargetFailure, match="E_DUPLICATE naming"):
        scene.refused_as_duplicate(["beta"])


def test_a_second_strategy_is_listed_beside_the_first():
    scene = scene_with(FakeGateway())
    scene.submit_case("a second, different strategy to world alpha")
    scene.answered(202, "none")
    scene.shows("a new strategy id, its sentinel and the checksum it was sent")
    scene.worlds_list_scenario_strategies("alpha only", within=0.1)
    assert len(scene.worlds.bindings("alpha")) == 2


def test_the_scene_refuses_a_wrong_status_with_what_it_saw():
    scene = scene_with(FakeGateway())
    scene.submit_case("a valid strategy to world alpha")
    with pytest.raises(TargetFailure, match="expected HTTP 400, got HTTP 202"):
        scene.answered(400, "E_CHECKSUM_MISMATCH")


def test_simultaneous_submissions_need_exactly_one_acceptance():
    scene = scene_with(FakeGateway())
    scene.submit_at_once(["alpha"], 4)
    scene.exactly_one_accepted(3)
    scene.world_lists_only_accepted("alpha", within=0.1)
    scene.state.answers = [Answer(202, {"strategy_id": "a"}, {}, 0.0), Answer(202, {"strategy_id": "b"}, {}, 0.0)]
    with pytest.raises(TargetFailure, match="exactly one HTTP 202"):
        scene.exactly_one_accepted(1)
