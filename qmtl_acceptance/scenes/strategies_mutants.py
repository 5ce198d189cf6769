"""Submissions written to kill mutants of the reference Gateway that the submission matrix let through."""
from __future__ import annotations

from .strategies_cases import body


def nested_dag_json(depth: int) -> str:
    """A JSON object nested `depth` levels deep: valid JSON text no recursive decoder can take whole."""
    return '{"a":' * depth + "1" + "}" * depth


def submit_nested(scene, depth: int) -> None:
    """Send a DAG nested `depth` levels deep to world alpha and keep the answer as the one under test."""
    sent = body(nested_dag_json(depth), [scene.worlds["alpha"]], 0)
    scene.state.answer = scene.post(sent, f"a DAG nested {depth} levels deep")
