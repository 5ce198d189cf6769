"""The Gherkin's vocabulary: a phrase no step knows is an undefined step, found by a dry run."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qmtl_acceptance import vocabulary

ROOT = Path(__file__).resolve().parents[2]

KNOWN = '''Feature: vocabulary probe
  Scenario: known phrases
    Given the QMTL stack is running
    When I ask the Gateway for its status
    Then the Gateway's status reports each of "redis" and "postgres" as "ok"
    When the guide's strategy runner is started with a window in the future
'''
MISSPELT = {
    "a case phrase": "    When the guide's strategy runner is started with a window in the futur\n",
    "a choice value": "    Then the Gateway's status reports the overall status as \"okay\"\n",
    "a route": "    When I ask the Gateway for its statuses\n",
}


def _dry_run(tmp_path: Path, text: str) -> subprocess.CompletedProcess:
    # A features folder of its own that borrows the project's steps and hooks.
    folder = tmp_path / "features"
    folder.mkdir()
    (folder / "steps").symlink_to(ROOT / "features" / "steps")
    (folder / "environment.py").symlink_to(ROOT / "features" / "environment.py")
    (folder / "probe.feature").write_text(text)
    return subprocess.run([sys.executable, "-m", "behave", "--dry-run", "--no-summary", "-f", "steps.missing", str(folder)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, env=os.environ.copy())


def test_known_phrases_are_defined(tmp_path):
    run = _dry_run(tmp_path, KNOWN)
    assert "@" not in run.stdout and run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("kind", sorted(MISSPELT))
def test_a_misspelt_phrase_is_an_undefined_step(tmp_path, kind):
    run = _dry_run(tmp_path, KNOWN + MISSPELT[kind])
    undefined = [line for line in run.stdout.splitlines() if line.startswith(("@given", "@when", "@then", "@step"))]
    assert len(undefined) == 1, f"{kind}: {run.stdout}{run.stderr}"


@pytest.mark.parametrize("text, expected", [
    ('"alpha"', ["alpha"]),
    ('"alpha" and "beta"', ["alpha", "beta"]),
    ('"a", "b" and "c"', ["a", "b", "c"]),
])
def test_one_grammar_for_lists_of_names(text, expected):
    assert vocabulary.parse_names(text) == expected


def test_numbers_and_durations():
    assert vocabulary.parse_numbers("1700007180, 1700007240 and 1700007300") == [1700007180, 1700007240, 1700007300]
    assert vocabulary.parse_duration("1 second") == 1.0 and vocabulary.parse_duration("2.5 seconds") == 2.5
    assert vocabulary.parse_world_roles('worlds "alpha" and "beta"') == ["alpha", "beta"]


def test_a_choice_matches_whole_phrases_only():
    import parse

    pick = vocabulary.choice(["a token", "a token that has expired"])
    pattern = parse.compile("presenting {presented:Token}", extra_types={"Token": pick})
    assert pattern.parse("presenting a token that has expired")["presented"] == "a token that has expired"
    assert pattern.parse("presenting a token")["presented"] == "a token"
    assert pattern.parse("presenting a token that has expire") is None
