"""CI's small fixed sample of the mutation campaign: each of these mutants is killed by its named scenario.

The campaign itself (scripts/mutation.sh) draws a large seeded sample and is
not part of CI. These five are real Cosmic Ray mutants of contract code in
different services, each killed quickly; the test pins the scenario that kills
each, so a scenario that fails for another reason (a red baseline) cannot pass
for a kill.
"""
from __future__ import annotations

import json
import os

import pytest

from mutation.campaign import main

# key → the start of the "feature: scenario" that must kill it.
FIXED_SAMPLE = {
}


@pytest.mark.skipif(not FIXED_SAMPLE, reason="no fixed sample chosen")
def test_the_fixed_sample_is_killed_each_by_its_scenario(tmp_path):
    args = [arg for key in FIXED_SAMPLE for arg in ("--key", key)]
    code = main([*args, "--no-baseline", "--jobs", os.environ.get("QMTL_MUTATION_JOBS", "2"),
                 "--timeout", "240", "--threshold", "1", "--reports-dir", str(tmp_path)])
    results = json.loads((tmp_path / "mutation.json").read_text())
    verdicts = {m["key"]: (m["verdict"], m["detail"]) for m in results["mutants"]}
    assert set(verdicts) == set(FIXED_SAMPLE)
    for key, killer in FIXED_SAMPLE.items():
        verdict, detail = verdicts[key]
        assert verdict == "killed" and detail.startswith(killer), (key, verdict, detail)
    assert code == 0 and results["score"] == 1.0
