"""Bad input and generated input: the Gateway, WorldService and the DAG Manager refuse it cleanly.

Three kinds of check: a fuzz of each HTTP service from its own published
OpenAPI (``qmtl_acceptance.fuzz``), hand-made bad submissions where no schema
reaches (each answered with its exact status and error code, nothing half
recorded, nothing internal leaked), and malformed DAGs sent to the DAG
Manager's Diff RPC.
"""
from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlparse

from ..clients.dagmanager import DagManagerClient, DagManagerError
from ..clients.gateway import Answer
from ..dag import Dag, DagBuilder, two_node_strategy
from ..errors import SuiteError, TargetFailure
from ..fuzz import FuzzReport, FuzzSettings, FuzzSetupError, fuzz_openapi
from .robustness_dags import DAG_TEXT_CASES, NODE_FIELD_CASES
from .scenario import Scenario
from .target import Target
from .worlds import Worlds

Body = dict[str, Any]


@dataclass(frozen=True)
class BadSubmission:
    # Turns a good submission body (of world alpha) into the bad one; bytes are sent as they are.
    spoil: Callable[[Body], Body | list | bytes]
    status: int
    code: str
    limit: int | None = None


def _without(key: str) -> Callable[[Body], Body]:
    return lambda body: {k: v for k, v in body.items() if k != key}


def _with(key: str, value: Any) -> Callable[[Body], Body]:
    return lambda body: {**body, key: value}


def _world(world_id: str) -> Callable[[Body], Body]:
    return lambda body: {**body, "world_ids": [*body["world_ids"], world_id]}


def _first_world(world_id: str) -> Callable[[Body], Body]:
    return lambda body: {**body, "world_ids": [world_id, *body["world_ids"]]}


def _nodes(count: int) -> Callable[[Body], Body]:
    nodes = [{"node_id": f"n{i}", "node_type": "pad"} for i in range(count)]
    return lambda body: {**body, "dag_json": json.dumps({"schema_version": "v1", "nodes": nodes})}


def _padded_dag(size: int) -> Callable[[Body], Body]:
    return lambda body: {**body, "dag_json": json.dumps({"schema_version": "v1", "nodes": [], "pad": "x" * size})}


_NO_NODES = object()


def _dag_nodes(nodes: Any) -> Callable[[Body], Body]:
    """The good DAG, sent as plain JSON text, with its ``nodes`` replaced (or left out for ``_NO_NODES``)."""
    def spoil(body: Body) -> Body:
        dag = json.loads(base64.b64decode(body["dag_json"])) if not str(body["dag_json"]).lstrip().startswith("{") \
            else json.loads(body["dag_json"])
        first = (dag.get("nodes") or [{}])[0]
        dag = {k: v for k, v in dag.items() if k != "nodes"}
        if nodes is not _NO_NODES:
            dag["nodes"] = nodes(first) if callable(nodes) else nodes
        return {**body, "dag_json": json.dumps(dag)}
    return spoil


MIB = 1024 * 1024
# phrase → the DAG's nodes when they are not a list of objects (contract §5's rules presuppose one)
BAD_NODE_LISTS: dict[str, Callable[[Body], Body]] = {
    "a DAG without nodes": _dag_nodes(_NO_NODES),
    "a DAG whose nodes are null": _dag_nodes(None),
    "a DAG whose nodes are a string": _dag_nodes("StreamInput"),
    "a DAG whose nodes are one object": _dag_nodes(lambda first: first),
    "a DAG whose nodes are a list holding a number": _dag_nodes([5]),
    "a DAG whose nodes are a list holding null": _dag_nodes([None]),
    "a DAG whose nodes are a list holding a list": _dag_nodes(lambda first: [[first]]),
    "a DAG whose second node is a string": _dag_nodes(lambda first: [first, "StreamInput"]),
}
BAD_SUBMISSIONS: dict[str, BadSubmission] = {
    **{case: BadSubmission(spoil, 400, "E_SCHEMA_INVALID") for case, spoil in BAD_NODE_LISTS.items()},
    "a body that is not JSON": BadSubmission(lambda b: b"{not json", 400, "E_BODY_INVALID"),
    "a body that is a JSON list": BadSubmission(lambda b: [b], 422, "E_BODY_INVALID"),
    "a body without world ids": BadSubmission(_without("world_ids"), 422, "E_WORLD_IDS_REQUIRED"),
    "a body whose world ids are one string": BadSubmission(lambda b: {**b, "world_ids": b["world_ids"][0]}, 422, "E_WORLD_IDS_REQUIRED"),
    "a body whose world ids are empty": BadSubmission(_with("world_ids", []), 422, "E_WORLD_IDS_REQUIRED"),
    "a body whose second world id is a number": BadSubmission(lambda b: {**b, "world_ids": [*b["world_ids"], 7]}, 422, "E_WORLD_IDS_REQUIRED"),
    "a body without a node-id checksum": BadSubmission(_without("node_ids_crc32"), 422, "E_CHECKSUM_REQUIRED"),
    "a body whose checksum is a string": BadSubmission(lambda b: {**b, "node_ids_crc32": str(b["node_ids_crc32"])}, 422, "E_CHECKSUM_REQUIRED"),
    "a body whose checksum is a boolean": BadSubmission(_with("node_ids_crc32", True), 422, "E_CHECKSUM_REQUIRED"),
    "a body whose checksum is null": BadSubmission(_with("node_ids_crc32", None), 422, "E_CHECKSUM_REQUIRED"),
    "a body whose checksum is the right one plus a half": BadSubmission(
        lambda b: {**b, "node_ids_crc32": b["node_ids_crc32"] + 0.5}, 422, "E_CHECKSUM_REQUIRED"),
    "a body whose meta is a list": BadSubmission(_with("meta", ["dryrun"]), 422, "E_META_INVALID"),
    "a body whose meta holds a NUL": BadSubmission(lambda b: {**b, "meta": {**b["meta"], "note": "a\x00b"}}, 422, "E_META_INVALID"),
    "a body without a DAG": BadSubmission(_without("dag_json"), 400, "E_DAG_JSON_INVALID"),
    "a body whose DAG is a number": BadSubmission(_with("dag_json", 5), 400, "E_DAG_JSON_INVALID"),
    "a body whose DAG is empty": BadSubmission(_with("dag_json", ""), 400, "E_DAG_JSON_INVALID"),
    "a body whose DAG is not JSON": BadSubmission(_with("dag_json", "{not json"), 400, "E_DAG_JSON_INVALID"),
    "a body whose DAG is a JSON list": BadSubmission(_with("dag_json", "[]"), 400, "E_DAG_NOT_OBJECT"),
    "a world id with a control character": BadSubmission(_world("w\x07bell"), 422, "E_WORLD_ID_INVALID"),
    "a world id with a NUL": BadSubmission(_world("w\x00nul"), 422, "E_WORLD_ID_INVALID"),
    "a world id ending in a newline": BadSubmission(_world("world\n"), 422, "E_WORLD_ID_INVALID"),
    "a first world id ending in a newline": BadSubmission(_first_world("world\n"), 422, "E_WORLD_ID_INVALID"),
    "a world id with a space": BadSubmission(_world("two words"), 422, "E_WORLD_ID_INVALID"),
    "a world id of non-ASCII letters": BadSubmission(_world("wörld"), 422, "E_WORLD_ID_INVALID"),
    "a world id of 129 characters": BadSubmission(_world("w" * 129), 422, "E_WORLD_ID_INVALID"),
    "a world id of 100,000 characters": BadSubmission(_world("w" * 100_000), 422, "E_WORLD_ID_INVALID"),
    "a world id with a dot": BadSubmission(_world("w.dot"), 422, "E_WORLD_ID_INVALID"),
    "a world id starting with a dash": BadSubmission(_world("-w"), 422, "E_WORLD_ID_INVALID"),
    "101 world ids": BadSubmission(lambda b: {**b, "world_ids": [f"w{i}" for i in range(101)]}, 422, "E_TOO_MANY_WORLDS", 100),
    "10,000 world ids": BadSubmission(lambda b: {**b, "world_ids": [f"w{i}" for i in range(10_000)]}, 422, "E_TOO_MANY_WORLDS", 100),
    "a DAG of 1,001 nodes": BadSubmission(_nodes(1001), 413, "E_DAG_TOO_LARGE", 1000),
    "a DAG of just over 1 MiB": BadSubmission(_padded_dag(MIB + 1), 413, "E_DAG_TOO_LARGE", MIB),
    **{case: BadSubmission(spoil, 400, "E_DAG_JSON_INVALID") for case, spoil in DAG_TEXT_CASES.items()},
    **{case: BadSubmission(spoil, 400, "E_SCHEMA_INVALID") for case, spoil in NODE_FIELD_CASES.items()},
}

def _wide_dag(label: str, count: int) -> Dag:
    builder = DagBuilder(label)
    for index in range(count):
        builder.stream_input(f"s{index}")
    return builder.build()


# The accepted side of each limit: (the DAG, the world ids) from a label unique to the scenario.
EDGE_SUBMISSIONS: dict[str, Callable[[str], tuple[Dag, list[str]]]] = {
    "a strategy to a world id of exactly 128 characters": lambda label: (two_node_strategy(label), [label.ljust(128, "w")[:128]]),
    "a strategy to exactly 100 world ids": lambda label: (two_node_strategy(label), [f"{label}-{i}" for i in range(100)]),
    "a strategy of exactly 1,000 nodes": lambda label: (_wide_dag(label, 1000), [label]),
    "a strategy to a world id of letters, digits, underscores and dashes": lambda label: (two_node_strategy(label), [f"A9_z-{label}"]),
}

MALFORMED_DAGS: dict[str, str] = {
    "a DAG that is not JSON": "{not json",
    "a DAG that is a JSON list": "[]",
    "a DAG whose nodes are not a list": json.dumps({"schema_version": "v1", "nodes": 5}),
    "a DAG whose second node is a number": json.dumps({"schema_version": "v1", "nodes": [{"node_id": "a", "node_type": "x"}, 5]}),
    "a DAG whose first node is a string": json.dumps({"schema_version": "v1", "nodes": ["a"]}),
    "a DAG whose node has an interval that is not a number": json.dumps(
        {"schema_version": "v1", "nodes": [{"node_id": "a", "node_type": "StreamInput", "interval": "soon"}]}),
    "a DAG whose node has an interval past 64 bits": json.dumps(
        {"schema_version": "v1", "nodes": [{"node_id": "a", "node_type": "StreamInput", "interval": 2**64}]}),
    "an empty DAG text": "",
    "a DAG whose node's id is empty": json.dumps({"schema_version": "v1", "nodes": [{"node_id": "", "node_type": "StreamInput"}]}),
    "a DAG whose node's id is a number": json.dumps({"schema_version": "v1", "nodes": [{"node_id": 7, "node_type": "StreamInput"}]}),
    "a DAG whose second node's id is null": json.dumps(
        {"schema_version": "v1", "nodes": [{"node_id": "a", "node_type": "StreamInput"}, {"node_id": None, "node_type": "StreamInput"}]}),
    "a DAG whose node's interval is one past the largest 64-bit integer": json.dumps(
        {"schema_version": "v1", "nodes": [{"node_id": "a", "node_type": "StreamInput", "interval": 2**63, "period": 0}]}),
    "a DAG whose node's interval is one below the smallest 64-bit integer": json.dumps(
        {"schema_version": "v1", "nodes": [{"node_id": "a", "node_type": "StreamInput", "interval": -(2**63) - 1, "period": 0}]}),
    "a DAG whose node's period is one past the largest 64-bit integer": json.dumps(
        {"schema_version": "v1", "nodes": [{"node_id": "a", "node_type": "StreamInput", "interval": 60, "period": 2**63}]}),
    # Python's JSON reader takes the NaN literal; a number that is no number is no integer either.
    "a DAG whose node's interval is NaN": json.dumps(
        {"schema_version": "v1", "nodes": [{"node_id": "a", "node_type": "StreamInput", "interval": float("nan"), "period": 0}]}),
    "a DAG whose node's period is NaN": json.dumps(
        {"schema_version": "v1", "nodes": [{"node_id": "a", "node_type": "StreamInput", "interval": 60, "period": float("nan")}]}),
}
# The other side of each 64-bit bound: a value the field can hold is diffed like any other.
EDGE_NODE_ID = "blake3:" + "ab" * 32
EDGE_64_DAGS: dict[str, dict] = {
    "the largest 64-bit integer as its interval": {"interval": 2**63 - 1, "period": 0},
    "the smallest 64-bit integer as its interval": {"interval": -(2**63), "period": 0},
    # JSON has one number type: 60.0 is the integer 60, as the node-id pre-image reads it.
    "an interval of 60 written as 60.0": {"interval": 60.0, "period": 0},
    "a period of 5 written as 5.0": {"interval": 60, "period": 5.0},
}

SERVICES = ("Gateway", "WorldService")

CHOICES: dict[str, tuple[str, ...]] = {
    "BadSubmission": tuple(BAD_SUBMISSIONS),
    "MalformedDagText": tuple(MALFORMED_DAGS),
    "Int64Edge": tuple(EDGE_64_DAGS),
    "EdgeSubmission": tuple(EDGE_SUBMISSIONS),
    "FuzzedService": SERVICES,
}

# What an error body must never show: a Python traceback, a source file path, a host:port.
TRACE = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+")
SOURCE_PATH = re.compile(r"(?:/[\w.-]+){2,}\.py\b|[A-Za-z]:\\[\w\\.-]+\.py\b")
HOST_PORT = re.compile(r"\b((?:\d{1,3}\.){3}\d{1,3}|localhost)(?::(\d{1,5}))?\b")


def leaks(text: str, internal: list[str], gateway_port: int | None) -> list[str]:
    """What an error body shows that it must not: traces, source paths, internal addresses."""
    found = [f"a stack trace ({m.group(0)[:60]!r})" for m in TRACE.finditer(text)]
    found += [f"a file path ({m.group(0)[:80]!r})" for m in SOURCE_PATH.finditer(text)]
    found += [f"an internal address ({address})" for address in internal if address and address in text]
    for match in HOST_PORT.finditer(text):
        port = match.group(2)
        if port and int(port) != gateway_port and not any(match.group(0) in a for a in internal):
            found.append(f"an internal address ({match.group(0)})")
    return found


def fuzz_failure(service: str, report: FuzzReport) -> TargetFailure:
    lines = [f"{service}: {len(report.findings)} finding(s) in {report.cases} generated requests"]
    lines += [f.describe() for f in report.findings[:10]]
    return TargetFailure("\n".join(lines))


class RobustnessScene:
    def __init__(self, target: Target, scenario: Scenario, worlds: Worlds) -> None:
        self.target = target
        self.scenario = scenario
        self.worlds = worlds
        self.dag: Dag | None = None
        self.answer: Answer | None = None
        self.case: BadSubmission | None = None
        self.announced: tuple[Answer | None, float] | None = None
        self.refusal: tuple[str, str] | None = None
        self.edge_diff: tuple[str | None, dict[str, str]] = (None, {})

    # -- fuzz
    def service_url(self, service: str) -> str:
        url = self.target.endpoints.gateway_url if service == "Gateway" else self.target.endpoints.worldservice_url
        if not url:
            raise SuiteError(f"the target gives no {service} address to fuzz")
        return url

    def fuzz(self, service: str) -> None:
        config = self.target.config
        url = self.service_url(service)
        settings = FuzzSettings(max_examples=config.fuzz_examples, max_seconds=config.fuzz_seconds, seed=config.fuzz_seed)
        try:
            report = fuzz_openapi(url, settings)
        except FuzzSetupError as exc:
            raise TargetFailure(f"the {service} publishes no usable OpenAPI at {url}/openapi.json: {exc}") from None
        self.scenario.observe(f"fuzz {service}", report.describe())
        if not report.ok:
            raise fuzz_failure(service, report)
        if report.cases == 0:
            raise TargetFailure(f"the {service}'s OpenAPI gave no request to send", observed=report.describe())

    # -- bad submissions
    def good_body(self) -> Body:
        if self.dag is None:
            self.dag = two_node_strategy(self.scenario.ids("robust dag"))
        return self.target.gateway.submission_body(self.dag.as_json(), [self.worlds["alpha"]], self.dag.crc32)

    def submit_bad(self, case: str) -> None:
        self.case = BAD_SUBMISSIONS[case]
        spoiled = self.case.spoil(self.good_body())
        if isinstance(spoiled, bytes):
            self.answer = self.target.gateway.submit_raw(spoiled)
        else:
            self.answer = self.target.gateway.submit_raw(json.dumps(spoiled).encode())
        self.scenario.observe("bad submission", self.answer.describe())

    def refused_with(self, status: int, code: str) -> None:
        answer = self._answer()
        detail = answer.detail
        observed_code = detail.get("code") if isinstance(detail, dict) else None
        if answer.status != status or observed_code != code:
            raise TargetFailure("the bad submission's answer", expected=f"HTTP {status} with code {code}", observed=answer.describe())
        if not (isinstance(detail.get("message"), str) and detail["message"].strip()):
            raise TargetFailure("the refusal says why", expected="a non-empty message in the detail", observed=answer.describe())

    def refused_with_message(self, status: int, code: str, message: str) -> None:
        answer = self._answer()
        detail = answer.detail if isinstance(answer.detail, dict) else {}
        if answer.status != status or detail.get("code") != code or detail.get("message") != message:
            raise TargetFailure("the bad submission's answer", observed=answer.describe(),
                                expected=f'HTTP {status} {{"detail": {{"code": "{code}", "message": "{message}"}}}}')

    def refused_with_one_error(self, status: int, code: str, message: str, path: str) -> None:
        answer = self._answer()
        detail = answer.detail if isinstance(answer.detail, dict) else {}
        errors = detail.get("errors")
        one = errors[0] if isinstance(errors, list) and len(errors) == 1 and isinstance(errors[0], dict) else {}
        if answer.status != status or detail.get("code") != code or one.get("path") not in (path, [path]) \
                or one.get("message") != message:
            raise TargetFailure("the bad submission's answer", observed=answer.describe(),
                                expected=f'HTTP {status} {{"detail": {{"code": "{code}", "errors": [{{"path": "{path}", "message": "{message}"}}]}}}}')

    def refused_naming_path(self, status: int, code: str, path: str) -> None:
        """The schema refusal's shape (contract §5): ``{"detail":{"code", "errors":[{path, message, …}]}}``."""
        answer = self._answer()
        detail = answer.detail if isinstance(answer.detail, dict) else {}
        errors = detail.get("errors")
        wanted = f'HTTP {status} {{"detail": {{"code": "{code}", "errors": [{{"path": "{path}", "message": …}}]}}}}'
        if answer.status != status or detail.get("code") != code:
            raise TargetFailure("the bad submission's answer", expected=wanted, observed=answer.describe())
        if not isinstance(errors, list) or not errors:
            raise TargetFailure("the refusal lists its errors", expected=wanted, observed=answer.describe())
        wrong = [e for e in errors if not isinstance(e, dict) or e.get("path") not in (path, [path])
                 or not (isinstance(e.get("message"), str) and e["message"].strip())]
        if wrong:
            raise TargetFailure(f"every error names the path {path!r} and says why", expected=wanted,
                                observed=f"{wrong[:2]} in {answer.describe()}")

    def states_limit(self, limit: int) -> None:
        detail = self._answer().detail
        if not isinstance(detail, dict) or detail.get("limit") != limit:
            raise TargetFailure("the refusal states the limit", expected=f"limit {limit}", observed=self._answer().describe())

    def no_leak(self) -> None:
        answer = self._answer() if self.announced is None else self.announced[0]
        if answer is None:
            raise TargetFailure("the Gateway gave no answer to look at")
        text = answer.body if isinstance(answer.body, str) else json.dumps(answer.body)
        endpoints = self.target.endpoints
        internal = [urlparse(endpoints.worldservice_url).netloc if endpoints.worldservice_url else "", endpoints.dagmanager_address]
        found = leaks(text, internal, urlparse(endpoints.gateway_url).port)
        if found:
            raise TargetFailure(f"the Gateway's error body shows {', '.join(sorted(set(found)))}", observed=answer.describe())

    def good_retry_accepted(self) -> None:
        answer = self.target.gateway.submit_raw(json.dumps(self.good_body()).encode())
        self.scenario.observe("good retry", answer.describe())
        if answer.status != 202 or not isinstance(answer.body, dict) or not answer.body.get("strategy_id"):
            raise TargetFailure("the good submission after the bad one", expected="202 with a new strategy id", observed=answer.describe())

    def submit_edge(self, case: str) -> None:
        dag, world_ids = EDGE_SUBMISSIONS[case](self.scenario.ids("edge"))
        self.answer = self.target.gateway.submit_strategy(dag.as_json(), world_ids, dag.crc32)
        self.scenario.observe("edge submission", self.answer.describe())

    def accepted(self) -> None:
        answer = self._answer()
        if answer.status != 202 or not isinstance(answer.body, dict) or not answer.body.get("strategy_id"):
            raise TargetFailure("the submission at the edge of the limit", expected="202 with a new strategy id", observed=answer.describe())

    def _answer(self) -> Answer:
        if self.answer is None:
            raise SuiteError("no bad submission was sent yet")
        return self.answer

    # -- oversized bodies
    def announce_oversized(self, mebibytes: int) -> None:
        self.announced = self.target.gateway.submit_announcing(mebibytes * 1024 * 1024, b'{"world_ids": [', wait=self.scenario.seconds(5))
        answer, took = self.announced
        self.scenario.observe("oversized body", f"{answer.describe() if answer else 'no answer'} after {took:.2f} s")

    def submit_oversized(self, mebibytes: int) -> None:
        body = {**self.good_body(), "meta": {"execution_domain": "dryrun", "pad": "x" * (mebibytes * 1024 * 1024 + 1)}}
        self.answer = self.target.gateway.submit_raw(json.dumps(body).encode())
        self.scenario.observe("oversized submission", self.answer.describe())

    def refused_naming_size(self, status: int, limit_bytes: int) -> None:
        answer = self._answer()
        detail = answer.detail
        if answer.status != status or not (isinstance(detail, str) and str(limit_bytes) in detail):
            raise TargetFailure("the oversized submission's answer", expected=f"HTTP {status} with a detail naming {limit_bytes} bytes",
                                observed=answer.describe())

    def refused_unread(self, status: int, within: float) -> None:
        if self.announced is None:
            raise SuiteError("no oversized body was announced yet")
        answer, took = self.announced
        limit = self.scenario.seconds(within)
        if answer is None or took > limit:
            raise TargetFailure(
                f"the Gateway refuses an oversized body from its announced length within {limit:.2f} s",
                expected=f"HTTP {status}", observed=f"{answer.describe() if answer else 'no answer'} after {took:.2f} s (it waited for the body)",
            )
        if answer.status != status:
            raise TargetFailure("the oversized body's answer", expected=f"HTTP {status}", observed=answer.describe())

    # -- the DAG Manager
    def diff_malformed(self, case: str) -> None:
        address = self.target.endpoints.dagmanager_address
        if not address:
            raise SuiteError("the target gives no DAG Manager address")
        client = DagManagerClient(address)
        self.scenario.add_cleanup(client.close)
        outcome = client.diff_without_acks(self.scenario.ids("robust strategy"), MALFORMED_DAGS[case], observe_for=self.scenario.seconds(5))
        code = outcome.ended_with.name if outcome.ended_with is not None else "OK"
        self.refusal = (code, outcome.end_details)
        self.scenario.observe("diff of a malformed DAG", f"{code}: {outcome.end_details} ({outcome.describe()})")

    def diff_at_int64_edge(self, case: str) -> None:
        address = self.target.endpoints.dagmanager_address
        if not address:
            raise SuiteError("the target gives no DAG Manager address")
        client = DagManagerClient(address, timeout=self.scenario.seconds(10))
        self.scenario.add_cleanup(client.close)
        dag = {"schema_version": "v1", "nodes": [{"node_id": EDGE_NODE_ID, "node_type": "StreamInput",
                                                  "code_hash": "c", "config_hash": "f", "schema_hash": "s", **EDGE_64_DAGS[case]}]}
        try:
            outcome = client.diff(self.scenario.ids("edge strategy"), dag, world_id=self.scenario.ids("edge world"), execution_domain="live")
        except DagManagerError as exc:
            raise TargetFailure(f"the DAG Manager diffs a DAG whose node has {case}", expected="a diff", observed=str(exc)) from None
        self.edge_diff = (case, dict(outcome.queue_map))

    def edge_diff_has_its_queue(self) -> None:
        case, queue_map = self.edge_diff
        if case is None:
            raise SuiteError("no DAG at a 64-bit edge was diffed yet")
        keys = [k for k in queue_map if k.startswith(EDGE_NODE_ID + ":")]
        if len(keys) != 1:
            raise TargetFailure(f"the diff of a DAG whose node has {case}", expected="one queue-map key for its node",
                                observed=str(sorted(queue_map)) if queue_map else "an empty queue map")

    def edge_diff_key_names_interval(self, interval: int) -> None:
        self.edge_diff_has_its_queue()
        case, queue_map = self.edge_diff
        key = next(k for k in queue_map if k.startswith(EDGE_NODE_ID + ":"))
        if not key.startswith(f"{EDGE_NODE_ID}:{interval}:"):
            raise TargetFailure(f"the queue-map key of a node with {case}", expected=f"<node_id>:{interval}:<bucket>#ck=...",
                                observed=key)

    def dagmanager_refused(self, code: str) -> None:
        if self.refusal is None:
            raise SuiteError("no malformed DAG was sent yet")
        observed, reason = self.refusal
        if observed != code:
            raise TargetFailure("the DAG Manager's answer to a malformed DAG", expected=code, observed=f"{observed}: {reason}")
        if not reason.strip():
            raise TargetFailure("the DAG Manager says why it refused the DAG", expected="a reason", observed=f"{observed} with no details")
