"""The tests keep to their rooms: each test module lives in one, and none imports another."""
from __future__ import annotations

import ast
from pathlib import Path

from tests.support import PROJECT_ROOT

TESTS = PROJECT_ROOT / "tests"
ROOMS = ("unit", "reference", "behave")


def all_test_modules() -> list[Path]:
    return sorted(TESTS.rglob("test_*.py"))


def imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.add(base)
            found.update(f"{base}.{alias.name}" if node.module else base + alias.name for alias in node.names)
    return found


def imports_a_test_module(path: Path) -> list[str]:
    return sorted(
        name for name in imported(path) if any(part.startswith("test_") for part in name.split(".")) or name.startswith(".")
    )


def test_every_test_module_lives_in_a_room():
    modules = all_test_modules()
    assert len(modules) > 20
    outside = [str(p.relative_to(TESTS)) for p in modules if p.relative_to(TESTS).parts[0] not in ROOMS]
    assert outside == [], f"test modules outside tests/unit, tests/reference, tests/behave: {outside}"


def test_no_test_module_imports_another():
    offenders = {str(p.relative_to(TESTS)): imports_a_test_module(p) for p in all_test_modules()}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_import_check_sees_each_way_of_importing_a_test_module(tmp_path):
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "import test_other\nfrom test_other import helper\nfrom tests.unit.test_config import x\n"
        "from . import test_sibling\nfrom .conftest import fixture\nfrom tests.support.servers import start_redis\n"
    )
    assert imports_a_test_module(probe) == [
        ".", ".conftest", ".conftest.fixture", ".test_sibling",
        "test_other", "test_other.helper", "tests.unit.test_config", "tests.unit.test_config.x",
    ]
