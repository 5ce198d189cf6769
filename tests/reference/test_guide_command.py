"""The guide's own command is the installation's: a `qmtl` beside the installation's Python is what runs."""
import sys

from qmtl_acceptance.config import load_config
from qmtl_acceptance.guide_command import GATEWAY_URL_ENV, run_guide_command


def test_the_installations_own_command_runs_with_the_gateway_in_qmtls_variable(tmp_path):
    # A stand-in installation whose command exits 2, as QMTL's `qmtl tools sdk run` does since v2.0.
    fake = tmp_path / "bin"
    fake.mkdir()
    python = fake / "python"
    python.symlink_to(sys.executable)
    qmtl = fake / "qmtl"
    qmtl.write_text(f"#!/bin/sh\necho \"gateway ${{{GATEWAY_URL_ENV}}} args $*\"\necho \"Command 'tools' has been removed\" >&2\nexit 2\n")
    qmtl.chmod(0o755)
    config = load_config({"target": "qmtl", "qmtl_python": str(python)}, environ={})
    run = run_guide_command(config, start=1700000000, end=1700003600, gateway_url="http://127.0.0.1:9", deadline=30)
    assert run.command[0] == str(qmtl) and run.returncode == 2 and "has been removed" in run.stderr
    assert run.stdout.strip() == ("gateway http://127.0.0.1:9 args tools sdk run qmtl_sdk_adapter.samples.sample_strategy:SampleStrategy"
                                  " --start-time 1700000000 --end-time 1700003600")
