"""The strategies DAG Manager scenarios diff, and the malformed DAGs they must be refused with."""
from __future__ import annotations

import json
from typing import Callable

from qmtl_wire.nodeid import compute_node_id

from ..dag import Dag, DagBuilder, two_node_strategy

# Enough nodes for at least three chunks at the usual chunk size of 100 queue-map entries.
LARGE_PAIRS = 120


def _four_node(label: str) -> DagBuilder:
    """Two streams and two computations with distinct intervals, periods and tags, one without a window."""
    builder = DagBuilder(label)
    price = builder.stream_input("price", interval=60, period=5, tags=["crypto"])
    volume = builder.stream_input("volume", interval=300, period=3, tags=["spot", "crypto"])
    builder.processing("spread", [price, volume], interval=60, period=2)
    builder.processing("signal", [price], interval=60, period=0)
    return builder


def _own_compat_ids(dag: Dag) -> Dag:
    """Give each node a schema_compat_id of its own, unlike its schema_hash, so an answer that
    swaps the two is seen; node ids (and the dependencies naming them) are recomputed to match."""
    renamed: dict[str, str] = {}
    for node in dag.nodes:
        node["schema_compat_id"] = f"compat-{node['name']}-{node['schema_hash'][:8]}"
        node["dependencies"] = [renamed[d] for d in node["dependencies"]]
        node["inputs"] = [renamed[d] for d in node["inputs"]]
        renamed[node["node_id"]] = node["node_id"] = compute_node_id(node)
    return dag


def four_node(label: str) -> Dag:
    return _own_compat_ids(_four_node(label).build())


def computations_first(label: str) -> Dag:
    """The same strategy with the computations listed before the streams they read,
    so the submitted order differs from any topological order."""
    dag = four_node(label)
    streams = [n for n in dag.nodes if n["node_type"] == "StreamInput"]
    computations = [n for n in dag.nodes if n["node_type"] != "StreamInput"]
    return Dag(list(reversed(computations)) + streams)


def large(label: str) -> Dag:
    builder = DagBuilder(label)
    for i in range(LARGE_PAIRS):
        stream = builder.stream_input(f"s{i:03d}", interval=60, period=1 + i % 5, tags=[f"t{i % 3}"])
        builder.processing(f"c{i:03d}", [stream], interval=60, period=0 if i % 2 == 0 else 3)
    return builder.build()


def three_streams(label: str) -> Dag:
    """Three streams read by nothing, each with a window: replacing one changes no other node's id."""
    builder = DagBuilder(label)
    for name, interval, period in (("price", 60, 5), ("volume", 300, 3), ("spread", 60, 2)):
        builder.stream_input(name, interval=interval, period=period, tags=["crypto"])
    return builder.build()


STREAM_POSITIONS = {"first": 0, "middle": 1, "last": 2}


def with_stream_replaced(dag: Dag, position: str, label: str) -> tuple[Dag, str]:
    """The DAG with its stream at ``position`` replaced by a new one (same interval and period, a
    new id); the others stay exactly as they were. Returns the DAG and the new stream's id."""
    index = STREAM_POSITIONS[position]
    old = dag.nodes[index]
    builder = DagBuilder(label)
    builder.stream_input(f"{old['name']}_new", interval=old["interval"], period=old["period"], tags=old["tags"])
    new = builder.build().nodes[0]
    nodes = [dict(n) for n in dag.nodes]
    nodes[index] = new
    return Dag(nodes, dag.schema_version), new["node_id"]


def two_node(label: str) -> Dag:
    return two_node_strategy(label)


def _unstated(label: str, unstated: object) -> Dag:
    """A stream stating no interval, a computation stating no period and one stating neither. Each id is
    computed with 0 for what the node leaves out, before the field is removed (``unstated`` is
    ``_REMOVED``) or set to null, so the ids say "missing = 0" whatever the suite's own id code does."""
    builder = DagBuilder(label)
    price = builder.stream_input("price", interval=0, period=5, tags=["crypto"])
    builder.processing("signal", [price], interval=60, period=0)
    builder.processing("flat", [price], interval=0, period=0)
    dag = builder.build()
    for name, fields in (("price", ("interval",)), ("signal", ("period",)), ("flat", ("interval", "period"))):
        node = dag.node(name)
        for field_name in fields:
            if unstated is _REMOVED:
                node.pop(field_name)
            else:
                node[field_name] = unstated
    return dag


def _params_not_object(label: str, params: object, config: object = None) -> Dag:
    """A price stream and one computation whose params are not a JSON object. Each id is computed by
    the contract's pre-image for such params (the JSON text of the list or string, or the config when
    params is null), so the DAG is one a Gateway accepts; the DAG Manager must diff it like any other."""
    dag = two_node_strategy(label)
    renamed: dict[str, str] = {}
    for node in dag.nodes:
        node["params"] = params
        if config is not None:
            node["config"] = config
        node["dependencies"] = [renamed[d] for d in node["dependencies"]]
        node["inputs"] = [renamed[d] for d in node["inputs"]]
        renamed[node["node_id"]] = node["node_id"] = compute_node_id(node)
    return dag


PARAMS_NOT_OBJECT_SHAPES = {
    "a price stream and one computation whose params are a list": lambda label: _params_not_object(label, ["BTC-USD", 60, {"window": 5}]),
    "a price stream and one computation whose params are a string": lambda label: _params_not_object(label, "symbol=BTC-USD; källa=référence"),
    "a price stream and one computation whose params are null, their settings in config":
        lambda label: _params_not_object(label, None, {"symbol": "BTC-USD", "window": 5}),
}

_REMOVED = object()
UNSTATED_SHAPES = (
    "nodes that leave out their interval or their period",
    "nodes whose interval or period is null",
)


SHAPES: dict[str, Callable[[str], Dag]] = {
    "a price stream, a volume stream and two computations": four_node,
    "two computations listed before the price and volume streams they read": computations_first,
    f"{LARGE_PAIRS} streams each feeding one computation": large,
    "a price stream and one computation": two_node,
    "three streams read by no computation": three_streams,
    UNSTATED_SHAPES[0]: lambda label: _unstated(label, _REMOVED),
    UNSTATED_SHAPES[1]: lambda label: _unstated(label, None),
    **PARAMS_NOT_OBJECT_SHAPES,
}


def _body(dag: Dag) -> dict:
    # A copy: crafting a malformed DAG must not change the DAG it starts from.
    return json.loads(json.dumps(dag.as_json()))


def _without(field: str, index: int) -> Callable[[Dag], str]:
    def craft(dag: Dag) -> str:
        body = _body(dag)
        body["nodes"][index].pop(field)
        return json.dumps(body)
    return craft


def _word_interval(dag: Dag) -> str:
    body = _body(dag)
    body["nodes"][-1]["interval"] = "soon"
    return json.dumps(body)


def _node_twice(dag: Dag) -> str:
    body = _body(dag)
    body["nodes"].append(dict(body["nodes"][0]))
    return json.dumps(body)


# phrase → (does the request name a strategy?, the dag_json text made from a valid four-node DAG)
MALFORMED: dict[str, tuple[bool, Callable[[Dag], str]]] = {
    "text that is not JSON": (True, lambda dag: "{nodes: [not json"),
    "an empty DAG text": (True, lambda dag: ""),
    "a JSON list instead of a DAG": (True, lambda dag: json.dumps(dag.nodes)),
    "a DAG without a node list": (True, lambda dag: json.dumps({"schema_version": "v1"})),
    "a DAG whose second node has no id": (True, _without("node_id", 1)),
    "a DAG whose first node has no type": (True, _without("node_type", 0)),
    "a DAG whose last node's interval is a word": (True, _word_interval),
    "a DAG that lists one node twice": (True, _node_twice),
    "a valid DAG for a strategy without an id": (False, lambda dag: json.dumps(dag.as_json())),
}

CHOICES = {
    "StrategyShape": tuple(SHAPES),
    "MalformedDag": tuple(MALFORMED),
    "StreamPosition": tuple(STREAM_POSITIONS),
}
