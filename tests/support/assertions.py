"""Small checks and settings several rooms share."""
from __future__ import annotations

from pathlib import Path

from qmtl_acceptance.config import SuiteConfig, load_config


def assert_one_line(message: str) -> None:
    assert message and "\n" not in message, f"expected one line, got: {message!r}"
    assert "Traceback" not in message


def config_in(tmp_path: Path, **userdata: str) -> SuiteConfig:
    """Settings as behave would build them from these -D values, reports under tmp_path, the environment ignored."""
    return load_config({"reports_dir": str(tmp_path / "reports"), **userdata}, environ={})
