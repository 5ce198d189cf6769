"""The robustness scene without behave: bad bodies, refusal checks, leak detection, fuzz messages."""
from __future__ import annotations

import base64
import itertools
import json
import re
from types import SimpleNamespace

import pytest

from qmtl_acceptance.clients.gateway import Answer
from qmtl_acceptance.errors import TargetFailure
from qmtl_acceptance.fuzz import FuzzFinding, FuzzReport, FuzzSetupError
from qmtl_acceptance.ids import ScenarioIds
from qmtl_acceptance.scenes import robustness
from qmtl_acceptance.scenes.robustness import BAD_SUBMISSIONS, CHOICES, RobustnessScene, fuzz_failure, leaks
from qmtl_acceptance.scenes.robustness_dags import DAG_TEXT_CASES, NODE_FIELD_CASES, NODE_FIELD_VALUES, ORDINALS
from qmtl_acceptance.scenes.scenario import Scenario

WS = "127.0.0.1:8701"
DM = "127.0.0.1:50051"


class FakeGateway:
    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.sent: list[bytes] = []

    def submission_body(self, dag, world_ids, crc, meta=None):
        # The real client sends the DAG as base64 of its JSON.
        return {"dag_json": base64.b64encode(json.dumps(dag).encode()).decode(), "meta": {"execution_domain": "dryrun"},
                "node_ids_crc32": crc, "world_ids": world_ids}

    def submit_raw(self, content: bytes) -> Answer:
        self.sent.append(content)
        return self.answers.pop(0)


def _scene(*answers: Answer, worldservice_url: str = f"http://{WS}") -> RobustnessScene:
    endpoints = SimpleNamespace(gateway_url="http://127.0.0.1:8000", worldservice_url=worldservice_url, dagmanager_address=DM)
    config = SimpleNamespace(fuzz_examples=2, fuzz_seconds=1.0, fuzz_seed=1)
    target = SimpleNamespace(gateway=FakeGateway(*answers), endpoints=endpoints, config=config)
    scenario = Scenario(ScenarioIds("unit"), add_cleanup=lambda fn: None)
    worlds = {"alpha": "world-alpha"}
    return RobustnessScene(target, scenario, worlds)  # type: ignore[arg-type]


def _answer(status: int, body) -> Answer:
    return Answer(status, body, {}, 0.01)


def test_every_phrase_is_a_choice_and_every_case_changes_the_good_body():
    assert set(CHOICES["BadSubmission"]) == set(BAD_SUBMISSIONS)
    # Base64 of a two-node DAG, as the scene's good body is.
    dag_json = base64.b64encode(json.dumps({"schema_version": "v1", "nodes": [{"node_id": "a"}, {"node_id": "b"}]}).encode()).decode()
    good = {"dag_json": dag_json, "meta": {}, "node_ids_crc32": 12345, "world_ids": ["a"]}
    for phrase, case in BAD_SUBMISSIONS.items():
        spoiled = case.spoil(dict(good))
        assert spoiled != good, phrase
        assert case.status in (400, 413, 422) and case.code.startswith("E_"), phrase
    assert good == {"dag_json": dag_json, "meta": {}, "node_ids_crc32": 12345, "world_ids": ["a"]}


@pytest.mark.parametrize("phrase, limit", [("101 world ids", 100), ("a DAG of 1,001 nodes", 1000)])
def test_limit_cases_sit_just_past_the_limit(phrase, limit):
    case = BAD_SUBMISSIONS[phrase]
    spoiled = case.spoil({"world_ids": ["a"], "dag_json": ""})
    count = len(spoiled["world_ids"]) if "world" in phrase else len(json.loads(spoiled["dag_json"])["nodes"])
    assert count == limit + 1 and case.limit == limit


def test_oversized_dag_is_just_over_a_mebibyte_but_under_the_body_limit():
    spoiled = BAD_SUBMISSIONS["a DAG of just over 1 MiB"].spoil({"world_ids": ["a"]})
    assert 1024 * 1024 < len(spoiled["dag_json"]) < 2 * 1024 * 1024


def test_a_refusal_must_match_status_code_and_say_why():
    scene = _scene(_answer(422, {"detail": {"code": "E_WORLD_ID_INVALID", "message": "bad"}}))
    scene.submit_bad("a world id with a NUL")
    scene.refused_with(422, "E_WORLD_ID_INVALID")
    with pytest.raises(TargetFailure, match="HTTP 400 with code E_WORLD_ID_INVALID"):
        scene.refused_with(400, "E_WORLD_ID_INVALID")
    with pytest.raises(TargetFailure, match="E_OTHER"):
        scene.refused_with(422, "E_OTHER")
    silent = _scene(_answer(422, {"detail": {"code": "E_WORLD_ID_INVALID", "message": " "}}))
    silent.submit_bad("a world id with a NUL")
    with pytest.raises(TargetFailure, match="non-empty message"):
        silent.refused_with(422, "E_WORLD_ID_INVALID")


def test_a_crash_is_not_a_refusal():
    scene = _scene(_answer(500, "Internal Server Error"))
    scene.submit_bad("a body whose DAG is not JSON")
    with pytest.raises(TargetFailure, match="HTTP 500"):
        scene.refused_with(400, "E_DAG_JSON_INVALID")


def test_the_limit_must_be_stated():
    scene = _scene(_answer(422, {"detail": {"code": "E_TOO_MANY_WORLDS", "message": "m", "limit": 101}}))
    scene.submit_bad("101 world ids")
    with pytest.raises(TargetFailure, match="limit 100"):
        scene.states_limit(100)


def test_raw_bodies_go_out_as_given_and_json_bodies_as_json():
    scene = _scene(_answer(400, {}), _answer(422, {}))
    scene.submit_bad("a body that is not JSON")
    scene.submit_bad("a world id ending in a newline")
    raw, spoiled = scene.target.gateway.sent
    assert raw == b"{not json"
    assert json.loads(spoiled)["world_ids"] == ["world-alpha", "world\n"]


def test_the_good_retry_must_be_accepted_with_an_id():
    scene = _scene(_answer(409, {"detail": {"code": "E_DUPLICATE"}}))
    with pytest.raises(TargetFailure, match="202"):
        scene.good_retry_accepted()
    _scene(_answer(202, {"strategy_id": "s1"})).good_retry_accepted()


@pytest.mark.parametrize("text, what", [
    ('Traceback (most recent call last):\n  File "x.py", line 3', "stack trace"),
    ("boom in /srv/app/gateway/strategies.py", "file path"),
    (f"WorldService at {WS} refused", "internal address"),
    (f"dial {DM} failed", "internal address"),
    ("connect to 127.0.0.1:6379 failed", "internal address"),
    ("see localhost:5432", "internal address"),
])
def test_leaks_are_found(text, what):
    found = leaks(text, [WS, DM], 8000)
    assert any(what in item for item in found), found


@pytest.mark.parametrize("text", [
    '{"detail": {"code": "E_WORLD_ID_INVALID", "message": "world id \'w.dot\' must be 1-128 characters"}}',
    '{"detail": "the request body exceeds 2097152 bytes"}',
    "the Gateway at 127.0.0.1:8000 says no",
    "version 1.0.2",
])
def test_ordinary_messages_are_not_leaks(text):
    assert leaks(text, [WS, DM], 8000) == []


def test_a_leaking_error_body_fails_naming_the_leak():
    scene = _scene(_answer(500, {"detail": f"WorldService {WS} timed out"}))
    scene.submit_bad("a body that is not JSON")
    with pytest.raises(TargetFailure, match="internal address"):
        scene.no_leak()


def test_fuzz_findings_become_one_failure_with_their_reproducers():
    finding = FuzzFinding("GET /worlds/{id}", "not_a_server_error", "Server error", "500", 500, "curl -X GET http://g/worlds/%00")
    failure = fuzz_failure("Gateway", FuzzReport("http://g", 40, 3, 1.0, "completed", (finding,)))
    assert "1 finding(s) in 40 generated requests" in str(failure)
    assert "curl -X GET http://g/worlds/%00" in str(failure) and "GET /worlds/{id}" in str(failure)


def test_a_target_without_an_openapi_fails_naming_it(monkeypatch):
    def no_schema(url, settings):
        raise FuzzSetupError(f"cannot load the OpenAPI of {url}: HTTP 404")

    monkeypatch.setattr(robustness, "fuzz_openapi", no_schema)
    with pytest.raises(TargetFailure, match=r"publishes no usable OpenAPI at http://127.0.0.1:8701/openapi.json"):
        _scene().fuzz("WorldService")


def test_an_empty_fuzz_is_not_a_pass(monkeypatch):
    monkeypatch.setattr(robustness, "fuzz_openapi", lambda url, s: FuzzReport(url, 0, 0, 0.1, "completed"))
    with pytest.raises(TargetFailure, match="no request to send"):
        _scene().fuzz("Gateway")


def test_fuzz_settings_default_to_a_bounded_run_and_refuse_bad_values():
    from qmtl_acceptance.config import load_config
    from qmtl_acceptance.errors import ConfigError

    config = load_config({}, environ={})
    # Two services within about 60 s in the default run.
    assert (config.fuzz_examples, config.fuzz_seconds, config.fuzz_seed) == (8, 25.0, 20260401)
    assert load_config({"fuzz_seconds": "5", "fuzz_seed": "7"}, environ={}).fuzz_seconds == 5.0
    with pytest.raises(ConfigError, match="fuzz_examples='many' is not a whole number"):
        load_config({"fuzz_examples": "many"}, environ={})
    with pytest.raises(ConfigError, match="fuzz_seconds must be at least 1"):
        load_config({"fuzz_seconds": "0"}, environ={})


GOOD_TWO_NODES = {"dag_json": json.dumps({"schema_version": "v1", "nodes": [{"node_id": "a", "interval": 60}, {"node_id": "b", "period": 5}]}),
                  "meta": {}, "node_ids_crc32": 1, "world_ids": ["a"]}


def _decodes_as_utf8_json(text: str) -> bool:
    try:
        raw = text if text.lstrip()[:1] in ("{", "[") else base64.b64decode(text, validate=True).decode("utf-8")
        json.dumps(json.loads(raw), ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeError):
        return False
    return True


def test_each_dag_text_case_is_neither_json_nor_base64_or_holds_a_lone_surrogate():
    for phrase, spoil in DAG_TEXT_CASES.items():
        text = spoil(dict(GOOD_TWO_NODES))["dag_json"]
        assert not _decodes_as_utf8_json(text), phrase
        if "surrogate" in phrase:
            raw = text if text.startswith("{") else base64.b64decode(text).decode("ascii")
            assert re.search(r"\\ud[89a-f][0-9a-f]{2}", raw), phrase  # the escape itself, as a client sends it
            assert json.loads(raw)["nodes"], phrase  # otherwise the good DAG


def test_each_node_field_case_changes_exactly_that_field_of_that_node():
    for (ordinal, index), field, (phrase, value) in itertools.product(ORDINALS.items(), ("interval", "period"), NODE_FIELD_VALUES.items()):
        spoiled = NODE_FIELD_CASES[f"a DAG whose {ordinal} node has {phrase} as its {field}"](dict(GOOD_TWO_NODES))
        nodes = json.loads(spoiled["dag_json"])["nodes"]
        wanted = [dict(n) for n in json.loads(GOOD_TWO_NODES["dag_json"])["nodes"]]
        wanted[index][field] = value
        assert nodes == wanted, (ordinal, field, phrase)


def test_an_exact_refusal_needs_its_status_code_and_message():
    body = {"detail": {"code": "E_DAG_JSON_INVALID", "message": "dag_json is neither JSON nor base64 of JSON", "extra": 1}}
    scene = _scene(_answer(400, body))
    scene.submit_bad("a body whose DAG is text that is not base64")
    scene.refused_with_message(400, "E_DAG_JSON_INVALID", "dag_json is neither JSON nor base64 of JSON")  # extra fields are benign
    for status, code, message in ((401, "E_DAG_JSON_INVALID", body["detail"]["message"]), (400, "E_OTHER", body["detail"]["message"]),
                                  (400, "E_DAG_JSON_INVALID", "dag_json is not valid JSON")):
        with pytest.raises(TargetFailure):
            scene.refused_with_message(status, code, message)


def test_a_refusal_with_one_error_needs_exactly_that_one_error_at_its_path():
    one = {"path": "nodes", "message": "node 0: interval must be an integer"}
    cases = {
        "right": ({"code": "E_SCHEMA_INVALID", "errors": [one]}, True),
        "two errors": ({"code": "E_SCHEMA_INVALID", "errors": [one, one]}, False),
        "other path": ({"code": "E_SCHEMA_INVALID", "errors": [{**one, "path": "schema_version"}]}, False),
        "other message": ({"code": "E_SCHEMA_INVALID", "errors": [{**one, "message": "node 0 cannot be read: ValueError"}]}, False),
        "no errors": ({"code": "E_SCHEMA_INVALID"}, False),
    }
    for label, (detail, passes) in cases.items():
        scene = _scene(_answer(400, {"detail": detail}))
        scene.submit_bad("a DAG whose first node has a word as its interval")
        if passes:
            scene.refused_with_one_error(400, "E_SCHEMA_INVALID", one["message"], "nodes")
        else:
            with pytest.raises(TargetFailure, match="the bad submission's answer"):
                scene.refused_with_one_error(400, "E_SCHEMA_INVALID", one["message"], "nodes")
            assert label != "right"
