"""CI's small fixed sample of the mutation campaign: each of these mutants is killed by its named scenario.

The campaign itself (scripts/mutation.sh) draws a large seeded sample and is
not part of CI. These five are real Cosmic Ray mutants of contract code in
the DAG Manager and the Gateway, each killed within seconds; the test pins the
features whose scenarios may kill each, so a scenario failing elsewhere for
another reason cannot pass for a kill.
"""
from __future__ import annotations

import json
import os

import pytest

from mutation.campaign import main

# key → the feature files (stems) one of whose scenarios must kill it.
FIXED_SAMPLE = {
    # RedoDiff without a sentinel id is refused; the mutant refuses every RedoDiff that names one.
    "qmtl_reference/dagmanager/admin_service.py:15a55274ab3e": {"admin"},
    # A diff without a strategy id is refused; the mutant refuses every diff that names one.
    "qmtl_reference/dagmanager/diff_service.py:350281070e59": {"admin", "diff", "restart", "tag_query"},
    # Releasing a strategy's queues: the mutant skips the release when there are queues to release.
    "qmtl_reference/dagmanager/store.py:c58a3ed5ffea": {"admin"},
    # The Gateway's worker tells a re-sent chunk from a new one; the mutant counts chunk ids wrongly.
    "qmtl_reference/gateway/worker.py:6357dd630c19": {"dry_run", "gateway_restart", "persisted_state", "queues_by_tag",
                                                      "status", "submission_rules", "submission_mutants"},
    # The published activation-frame schema: the mutant refuses a weight of 0.
    "qmtl_reference/gateway/events_frames.py:efca268c3bd2": {"live_events", "stream_control", "subscriptions",
                                                             "world_isolation"},
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
        # The killer reads "[<folder>.]<feature file stem>.<feature name>: <scenario>".
        where = detail.split(": ", 1)[0]
        by_feature = any(where.startswith(f"{stem}.") or f".{stem}." in where for stem in killer)
        assert verdict == "killed" and by_feature, (key, verdict, detail)
    assert code == 0 and results["score"] == 1.0
