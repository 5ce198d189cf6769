"""The fault registry: names from the environment and from a faults file that may change while a service runs."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from qmtl_reference import faults
from qmtl_reference.faults import AT_START, ENV_VAR, FILE_ENV_VAR, KNOWN, UnknownFault, active_faults, write_faults_file
from tests.support.shared_stack import SharedStack


@pytest.fixture
def faults_file(tmp_path) -> Path:
    path = tmp_path / "faults"
    write_faults_file(path, ())
    return path


def from_file(path: Path, **env: str) -> frozenset[str]:
    return active_faults({FILE_ENV_VAR: str(path), **env})


def test_the_environment_list_is_read_and_checked():
    assert active_faults({ENV_VAR: " skip_world_binding , wrong_world_claim ,"}) == {"skip_world_binding", "wrong_world_claim"}
    assert active_faults({}) == frozenset()
    with pytest.raises(UnknownFault, match="unknown reference fault\\(s\\): skip_wrold_binding; known: "):
        active_faults({ENV_VAR: "skip_world_binding,skip_wrold_binding"})


def test_a_file_switches_faults_on_and_off_while_the_process_runs(faults_file):
    assert from_file(faults_file) == frozenset()
    write_faults_file(faults_file, ["skip_world_binding", "wrong_world_claim"])
    assert from_file(faults_file) == {"skip_world_binding", "wrong_world_claim"}
    write_faults_file(faults_file, ["wrong_world_claim"])
    assert from_file(faults_file) == {"wrong_world_claim"}
    write_faults_file(faults_file, ())
    assert from_file(faults_file) == frozenset()


def test_the_file_adds_to_the_environment(faults_file):
    write_faults_file(faults_file, ["wrong_world_claim"])
    assert from_file(faults_file, **{ENV_VAR: "skip_world_binding"}) == {"skip_world_binding", "wrong_world_claim"}


def test_an_unchanged_file_is_not_read_again(faults_file, monkeypatch):
    write_faults_file(faults_file, ["wrong_world_claim"])
    assert from_file(faults_file) == {"wrong_world_claim"}
    reads = []
    original = Path.read_text
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: reads.append(self) or original(self, *a, **k))
    for _ in range(3):
        assert from_file(faults_file) == {"wrong_world_claim"}
    assert reads == []
    write_faults_file(faults_file, ["skip_world_binding"])
    assert from_file(faults_file) == {"skip_world_binding"}
    assert reads == [faults_file]


def test_a_rewrite_within_one_clock_tick_of_equal_size_is_still_seen(faults_file):
    # Two names of one length, written back to back: only the mtime tells them apart.
    by_length: dict[int, list[str]] = {}
    for name in sorted(KNOWN):
        by_length.setdefault(len(name), []).append(name)
    first, second = next(names for names in by_length.values() if len(names) >= 2)[:2]
    for name in (first, second, first, second):
        write_faults_file(faults_file, [name])
        assert from_file(faults_file) == {name}


def test_an_unknown_name_in_the_file_fails_every_check_and_says_so_once(faults_file, capsys):
    faults_file.write_text("wrong_world_claim\nno_such_fault\n")
    for _ in range(2):
        with pytest.raises(UnknownFault, match="unknown reference fault\\(s\\): no_such_fault"):
            from_file(faults_file)
    complaints = [line for line in capsys.readouterr().err.splitlines() if "no_such_fault" in line]
    assert len(complaints) == 1 and complaints[0].startswith(f"faults file {faults_file}: unknown reference fault(s)")
    write_faults_file(faults_file, ["wrong_world_claim"])
    assert from_file(faults_file) == {"wrong_world_claim"}


def test_a_missing_faults_file_is_refused(tmp_path):
    with pytest.raises(UnknownFault, match=f"the faults file {tmp_path / 'absent'} named by {FILE_ENV_VAR} cannot be read"):
        from_file(tmp_path / "absent")


def test_writing_an_unknown_name_is_refused_and_leaves_the_file_as_it_was(faults_file):
    write_faults_file(faults_file, ["wrong_world_claim"])
    before = faults_file.read_text()
    with pytest.raises(UnknownFault, match="no_such_fault"):
        write_faults_file(faults_file, ["skip_world_binding", "no_such_fault"])
    assert faults_file.read_text() == before
    assert sorted(p.name for p in faults_file.parent.iterdir()) == ["faults"], "a staging file was left behind"


def test_is_active_reads_the_process_environment(faults_file, monkeypatch):
    monkeypatch.setenv(FILE_ENV_VAR, str(faults_file))
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert not faults.is_active("wrong_world_claim")
    write_faults_file(faults_file, ["wrong_world_claim"])
    assert faults.is_active("wrong_world_claim") and not faults.is_active("skip_world_binding")
    with pytest.raises(UnknownFault, match="'no_such_fault' is not registered"):
        faults.is_active("no_such_fault")


def test_faults_acting_only_at_start_are_registered_and_never_switched_on_a_shared_stack(tmp_path):
    assert AT_START and AT_START <= KNOWN.keys()
    stack = SharedStack(tmp_path)
    for name in sorted(AT_START):
        with pytest.raises(ValueError, match=f"faults \\['{name}'\\] act only when a service starts"):
            stack.run("features/smoke", faults=[name])
    assert not os.path.exists(stack.faults_file), "the refused run touched the stack"
