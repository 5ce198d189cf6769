"""A failed run keeps tokens out of what it writes: its output, its evidence and the services' logs."""
from tests.support.behave_runs import run_behave


def test_a_failed_run_keeps_tokens_out_of_its_output_evidence_and_logs(tmp_path):
    run = run_behave("features/smoke/worldservice_smoke.feature", faults=["wrong_world_claim"], userdata={"reports_dir": str(tmp_path)})
    assert run.returncode != 0, run.explain()
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.parent.name == "logs" for p in written) and any("artifacts" in p.parts for p in written)
    for path in written:
        assert "eyJ" not in path.read_text(errors="replace"), f"a token in {path}"
    assert "eyJ" not in run.output
