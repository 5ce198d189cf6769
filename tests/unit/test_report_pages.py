"""The pages rendered from runs' results: the conformance matrix, the living documentation, the console's progress."""
from __future__ import annotations

import json
from pathlib import Path

from qmtl_acceptance.pages import living_docs, matrix
from qmtl_acceptance.pages.__main__ import main as pages_main
from qmtl_acceptance.run.allure_extras import CATEGORIES, qmtl_version
from qmtl_acceptance.run.console import progress_line

ROOT = Path(__file__).resolve().parents[2]
FEATURES = ROOT / "features"
HEALTH = ("Smoke flow of the end-to-end guide", "The Gateway answers its health check")


def _docs():
    return matrix.read_features(FEATURES)


def _run(folder: Path, target: str, results: list[dict]) -> Path:
    folder.mkdir(parents=True)
    (folder / "run.json").write_text(json.dumps({"target": target, "results": results}))
    return folder


def test_a_failed_scenario_tagged_with_a_deviation_is_a_deviation_and_an_untagged_one_a_failure():
    assert matrix.cell(("failed", "boom"), ("status_stays_queued",)) == ("deviation", "status_stays_queued: boom")
    assert matrix.cell(("failed", "boom"), ()) == ("failed", "boom")
    assert matrix.cell(("passed", ""), ("status_stays_queued",)) == ("passed", "")
    assert matrix.cell(None, ()) == ("not run", "")


def test_the_matrix_puts_each_target_in_a_column_with_its_status_and_message(tmp_path):
    docs = _docs()
    plain = next(d for d in docs if not d.deviations)
    deviating = next(d for d in docs if d.deviations)
    healthy = _run(tmp_path / "a", "reference", [
        {"feature": plain.feature, "scenario": plain.name, "status": "passed", "message": ""},
        {"feature": deviating.feature, "scenario": deviating.name, "status": "passed", "message": ""}])
    faulty = _run(tmp_path / "b", "reference+fault", [
        {"feature": plain.feature, "scenario": plain.name, "status": "failed", "message": "Then it answers 200: got 500"},
        {"feature": deviating.feature, "scenario": deviating.name, "status": "failed", "message": "stays queued"}])
    rows = matrix.text_rows([("healthy", healthy), ("faulty", faulty)], FEATURES)
    assert len(matrix.text_rows([("healthy", healthy), ("faulty", faulty)], FEATURES, all_passed_too=False)) == 4
    assert rows[0] == "| scenario | healthy | faulty |" and len(rows) == 4
    assert f"| {plain.name.strip()} | passed | failed: Then it answers 200: got 500 |" in rows
    assert any(r.startswith(f"| {deviating.name.strip()} | passed | deviation: ") for r in rows)
    page = matrix.render([("healthy", healthy), ("faulty", faulty)], FEATURES)
    assert "<th>healthy</th><th>faulty</th>" in page and "got 500" in page


def test_the_matrix_reads_junit_too(tmp_path):
    doc = _docs()[0]
    junit = tmp_path / "junit"
    junit.mkdir()
    (junit / "TESTS-x.xml").write_text(
        f'<testsuite><testcase classname="x.{doc.feature}" name="{doc.name}"><failure message="nope"/></testcase></testsuite>')
    assert matrix.load_run(tmp_path) == {(doc.feature, doc.name): ("failed", "nope")}


def test_the_matrix_command_refuses_a_missing_run_and_a_bare_word(tmp_path, capsys):
    assert pages_main(["matrix", f"a={tmp_path / 'missing'}"]) == 2
    assert pages_main(["matrix", "reports"]) == 2
    assert pages_main(["matrix"]) == 2
    err = capsys.readouterr().err
    assert "no results at" in err and "'reports' is not NAME=RESULTS" in err


def test_living_docs_group_by_area_with_last_result_clauses_and_deviations(tmp_path):
    docs = _docs()
    deviating = next(d for d in docs if d.deviations and d.clauses)
    _run(tmp_path / "r", "reference", [
        {"feature": deviating.feature, "scenario": deviating.name, "status": "failed", "message": "it stayed queued"}])
    page = living_docs.write(FEATURES, tmp_path / "r").read_text()
    assert page.count("<h2>") == len({d.area for d in docs})
    assert f"<code>{deviating.clauses[0]}</code>" in page and f"known deviation {deviating.deviations[0]}" in page
    assert "it stayed queued" in page and page.count("not run") >= len(docs) - 1


def test_progress_counts_from_the_first_scenario_and_estimates_from_those_done():
    assert progress_line(1, 10, 5.0, 0.0) == "[1/10] elapsed 5 s"
    assert progress_line(3, 10, 25.0, 20.0) == "[3/10] elapsed 25 s, about 80 s left"
    assert progress_line(10, 10, 50.0, 45.0) == "[10/10] elapsed 50 s, about 5 s left"


def test_categories_put_stack_failures_and_deviations_before_product_and_suite_defects():
    assert [c["name"] for c in CATEGORIES] == ["Stack failures", "Known deviations", "Suite defects", "Product defects"]
    assert qmtl_version(object()) == ("", "")

    class Installed:
        class installation:
            version = "0.9.1.dev4+g1a2b3c4d"

    assert qmtl_version(Installed()) == ("0.9.1.dev4+g1a2b3c4d", "1a2b3c4d")


def test_the_features_cache_gives_the_parse_back_and_is_refreshed_when_a_feature_changes(tmp_path):
    import shutil

    folder = tmp_path / "features"
    shutil.copytree(FEATURES / "smoke", folder / "smoke")
    cache = tmp_path / "cache.json"
    parsed = matrix.read_features(folder)
    assert matrix.read_features(folder, cache) == parsed and cache.is_file()
    assert matrix.read_features(folder, cache) == parsed, "the cached copy differs from the parse"
    feature = next(folder.rglob("*.feature"))
    text = feature.read_text()
    feature.write_text(text.replace("Scenario: ", "Scenario: Renamed ", 1))
    renamed = matrix.read_features(folder, cache)
    assert renamed != parsed and renamed == matrix.read_features(folder)
    cache.write_text("{not json")
    assert matrix.read_features(folder, cache) == renamed


def test_a_cached_scenario_takes_its_area_from_the_names_of_today_not_of_the_cache(tmp_path, monkeypatch):
    import shutil

    from qmtl_acceptance.pages import features_read

    folder = tmp_path / "features"
    shutil.copytree(FEATURES / "smoke", folder / "smoke")
    cache = tmp_path / "cache.json"
    matrix.read_features(folder, cache)
    monkeypatch.setitem(features_read.EPICS, "smoke", "Renamed area")
    assert {d.area for d in matrix.read_features(folder, cache)} == {"Renamed area"}
