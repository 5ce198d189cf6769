"""The Allure report a product owner opens: built by scripts/report.sh, rendered in headless Chromium.

A real run of the smoke feature, then the report command, then the report
served on loopback and rendered by Chromium (Debian's package; installed here
when it is missing and the tests run as root). The screenshot stays under
reports/screenshots/.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "reports" / "screenshots"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("no chromium on PATH, and apt-get cannot install it here (not root, or no apt)")
    install = subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "chromium"],
                             capture_output=True, text=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    if install.returncode != 0 or not shutil.which("chromium"):
        pytest.skip(f"apt-get could not install chromium: {install.stderr.strip().splitlines()[-1:]}")
    return shutil.which("chromium")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    if not shutil.which("java") or not (shutil.which("npm") or (ROOT / ".tools/node_modules/.bin/allure").exists()):
        pytest.skip("the Allure command line needs Java and, once, npm; neither is here")
    chromium = _chromium()
    reports = tmp_path_factory.mktemp("report") / "reports"
    run = subprocess.run([sys.executable, "-m", "qmtl_acceptance.cli", "features/smoke", "-D", f"reports_dir={reports}",
                          "-D", "timeout_scale=3"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    built = subprocess.run(["bash", "scripts/report.sh"], cwd=ROOT, capture_output=True, text=True, timeout=180,
                           env={**os.environ, "QMTL_E2E_REPORTS_DIR": str(reports)})
    assert built.returncode == 0, built.stdout + built.stderr
    assert f"Allure report: {reports}/allure-report/index.html" in built.stdout
    assert (reports / "allure-single" / "index.html").stat().st_size > 100_000
    handler = partial(SimpleHTTPRequestHandler, directory=str(reports / "allure-report"))
    handler.log_message = lambda *a, **k: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield reports, f"http://127.0.0.1:{server.server_address[1]}/", chromium, tmp_path_factory.mktemp("chromium")
    finally:
        server.shutdown()
        server.server_close()


def _render(chromium: str, profile: Path, url: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=6000",
                           "--window-size=1600,1000", *extra, url], capture_output=True, text=True, timeout=60)


def _visible_text(dom: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", "", dom, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def _leaf_with_http_exchange(report_dir: Path) -> tuple[str, str, str]:
    """(group uid, test uid, test name) of a scenario that has an HTTP exchange attached."""
    with_exchange = {}
    for case in (report_dir / "data" / "test-cases").glob("*.json"):
        data = json.loads(case.read_text())
        names = [a["name"] for s in data["testStage"]["steps"] for a in s.get("attachments", [])]
        if "HTTP exchanges" in names:
            with_exchange[data["uid"]] = data["name"]

    def walk(node):
        for child in node.get("children", []):
            if "children" in child:
                found = walk(child)
                if found:
                    return found
            elif child["uid"] in with_exchange:
                return child["parentUid"], child["uid"], with_exchange[child["uid"]]
        return None

    found = walk(json.loads((report_dir / "data" / "behaviors.json").read_text()))
    assert found, "no scenario of the report has an HTTP exchange attached"
    return found


def _labels(reports: Path, name: str) -> set[str]:
    results = [json.loads(p.read_text()) for p in (reports / "allure-results").glob("*-result.json")]
    return {label["value"] for r in results for label in r["labels"] if label["name"] == name}


def test_the_behaviors_page_groups_the_features_under_their_epic(report):
    reports, url, chromium, profile = report
    epics, features = _labels(reports, "epic"), _labels(reports, "feature")
    assert epics == {"Smoke flow of the end-to-end guide"} and features
    text = _visible_text(_render(chromium, profile, url + "#behaviors", "--dump-dom").stdout)
    assert all(epic in text for epic in epics), text[:2000]
    group, test, _ = _leaf_with_http_exchange(reports / "allure-report")
    opened = _visible_text(_render(chromium, profile, url + f"#behaviors/{group}/{test}", "--dump-dom").stdout)
    assert all(feature in opened for feature in features), (features, opened[:3000])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "allure-behaviors.png"
    shot.unlink(missing_ok=True)
    _render(chromium, profile, url + f"#behaviors/{group}/{test}", f"--screenshot={shot}")
    assert shot.stat().st_size > 20_000


def test_a_scenario_page_shows_its_steps_and_an_attached_http_exchange(report):
    reports, url, chromium, profile = report
    group, test, name = _leaf_with_http_exchange(reports / "allure-report")
    rendered = _render(chromium, profile, url + f"#behaviors/{group}/{test}", "--dump-dom")
    text = _visible_text(rendered.stdout)
    assert name in text and "Given the QMTL stack is running" in text, text[-2000:]
    assert "HTTP exchanges" in text and "Passed" in text, text[-2000:]


def test_the_report_command_serves_the_report_on_loopback(report):
    import signal
    import time
    import urllib.request

    from qmtl_acceptance.stack.processes import free_port

    reports, _, _, _ = report
    port = free_port()
    proc = subprocess.Popen(["bash", "scripts/report.sh", "--serve"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            env={**os.environ, "QMTL_E2E_REPORTS_DIR": str(reports), "ALLURE_PORT": str(port)})
    try:
        deadline, page = time.monotonic() + 90, ""
        while time.monotonic() < deadline and proc.poll() is None and not page:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read().decode()
            except OSError:
                time.sleep(0.5)
        assert "<html" in page.lower(), proc.stdout.read() if proc.poll() is not None else "nothing served"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        proc.communicate(timeout=30)
