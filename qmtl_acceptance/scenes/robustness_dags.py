"""Bad ``dag_json`` texts and unreadable node fields: the bad submissions whose refusal the features pin exactly.

Each case turns a good submission body into a bad one: a ``dag_json`` that is
neither JSON nor base64 of JSON, one whose JSON holds a lone surrogate (no
UTF-8 text can hold it), and a node whose ``interval`` or ``period`` is no
integer of 64 bits (the pre-image takes both as integers, contract §5). The
features name the status, code and message each refusal carries.
"""
from __future__ import annotations

import base64
import json
from typing import Any, Callable

Body = dict[str, Any]


def decoded_dag(body: Body) -> dict:
    """The good body's DAG, whichever encoding the client used for it."""
    text = str(body["dag_json"]).lstrip()
    return json.loads(text if text.startswith("{") else base64.b64decode(text))


def _dag_text(text: str) -> Callable[[Body], Body]:
    return lambda body: {**body, "dag_json": text}


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _with_top_level(value: str, *, as_base64: bool = False) -> Callable[[Body], Body]:
    def spoil(body: Body) -> Body:
        text = json.dumps({**decoded_dag(body), "note": value})  # ensure_ascii: a lone surrogate becomes its \u escape
        return {**body, "dag_json": _b64(text.encode("ascii")) if as_base64 else text}
    return spoil


def _in_node_params(index: int, value: str) -> Callable[[Body], Body]:
    def spoil(body: Body) -> Body:
        dag = decoded_dag(body)
        node = dag["nodes"][index]
        node["params"] = {**(node.get("params") or {}), "label": value}
        return {**body, "dag_json": json.dumps(dag)}
    return spoil


def _node_field(index: int, field: str, value: Any) -> Callable[[Body], Body]:
    def spoil(body: Body) -> Body:
        dag = decoded_dag(body)
        dag["nodes"][index][field] = value
        return {**body, "dag_json": json.dumps(dag)}
    return spoil


DAG_TEXT_CASES: dict[str, Callable[[Body], Body]] = {
    "a body whose DAG is text that is not base64": _dag_text("not base64 at all!"),
    "a body whose DAG is base64 missing its padding": _dag_text(_b64(b"{}").rstrip("=")),
    "a body whose DAG is base64 of bytes that are not UTF-8": _dag_text(_b64(b'\xff\xfe{"nodes":[]}')),
    "a body whose DAG is non-ASCII text": _dag_text("é漢🙂"),
    "a DAG holding an unpaired high surrogate escape": _with_top_level("\ud800"),
    "a DAG holding an unpaired low surrogate escape": _with_top_level("a\udc00b"),
    "a DAG whose second node's params hold an unpaired surrogate escape": _in_node_params(1, "\udbff"),
    "base64 of a DAG holding an unpaired surrogate escape": _with_top_level("\ud83d", as_base64=True),
}

# Phrase → the JSON value put in a node's interval or period.
NODE_FIELD_VALUES: dict[str, Any] = {
    "a word": "soon",
    "a list": [60],
    "an object": {"seconds": 60},
    "true": True,
    "false": False,
    "9223372036854775808": 2**63,
    "-9223372036854775809": -(2**63) - 1,
}
ORDINALS = {"first": 0, "second": 1}

NODE_FIELD_CASES: dict[str, Callable[[Body], Body]] = {
    f"a DAG whose {ordinal} node has {phrase} as its {field}": _node_field(index, field, value)
    for ordinal, index in ORDINALS.items() for field in ("interval", "period") for phrase, value in NODE_FIELD_VALUES.items()
}
