"""The suite talks to targets over the wire only: it never imports the reference stack."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUITE_SOURCES = [*sorted((ROOT / "features").rglob("*.py")), *sorted((ROOT / "qmtl_acceptance").rglob("*.py"))]
REFERENCE_SOURCES = sorted((ROOT / "qmtl_reference").rglob("*.py"))


def _imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _offenders(sources, forbidden: str) -> list[str]:
    return [
        f"{path.name} imports {module}"
        for path in sources
        for module in sorted(_imported_modules(path))
        if module == forbidden or module.startswith(forbidden + ".")
    ]


def test_suite_never_imports_the_reference_stack():
    assert len(SUITE_SOURCES) > 5
    assert _offenders(SUITE_SOURCES, "qmtl_reference") == []


def test_reference_stack_never_imports_the_suite():
    assert len(REFERENCE_SOURCES) > 5
    assert _offenders(REFERENCE_SOURCES, "qmtl_acceptance") == []


def test_the_check_sees_an_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from qmtl_reference.gateway import app\nimport qmtl_reference\n")
    assert len(_offenders([probe], "qmtl_reference")) == 2


ADAPTER_SOURCES = sorted((ROOT / "qmtl_sdk_adapter").rglob("*.py"))


def test_the_qmtl_sdk_adapter_imports_neither_the_suite_nor_the_reference_stack():
    # It runs in the QMTL installation's Python, where neither is installed; the shipped history is read as files.
    assert len(ADAPTER_SOURCES) > 5
    assert _offenders(ADAPTER_SOURCES, "qmtl_acceptance") == []
    assert _offenders(ADAPTER_SOURCES, "qmtl_reference") == []


def test_the_suite_never_imports_the_qmtl_sdk_adapter():
    assert _offenders(SUITE_SOURCES, "qmtl_sdk_adapter") == []
