"""`qmtl-acceptance --help`: the suite's own settings, targets, tags, fault names and exit codes."""
from __future__ import annotations

import subprocess
import sys

from .config import SETTINGS, TARGETS

TARGET_NOTES = {
    "reference": "the suite's reference stack as local processes, with real Redis and Postgres (default)",
    "qmtl": "a QMTL installation's own services as local processes (-D qmtl_python=...)",
    "compose": "docker-compose.e2e.yml through the Docker SDK (needs a Docker engine)",
    "external": "a running deployment; nothing is started (-D gateway_url=...)",
}

EXIT_CODES = [
    ("0", "every selected scenario that ran passed (and at least one ran)"),
    ("1", "a scenario failed, or a service of the stack died during the run"),
    ("2", "not run: an unknown setting or bad value, an unknown tag or path, an empty selection, "
          "a stack that would not start, or every selected scenario skipped"),
    ("130", "interrupted (Ctrl-C, SIGTERM)"),
]


def _fault_names() -> list[str]:
    # The reference stack's registry, asked of its own module: the suite never imports it.
    try:
        listed = subprocess.run([sys.executable, "-m", "qmtl_reference.faults"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [line.split("\t", 1)[0] for line in listed.stdout.splitlines() if line.strip()]


def _wrapped(words: list[str], indent: str = "  ", width: int = 100) -> list[str]:
    lines, line = [], indent
    for word in words:
        if len(line) + len(word) + 1 > width and line.strip():
            lines.append(line.rstrip())
            line = indent
        line += word + " "
    if line.strip():
        lines.append(line.rstrip())
    return lines


def help_text() -> str:
    from .run.selection import all_tags

    out = [
        "usage: bash scripts/acceptance.sh [--check] [-n N|auto] [--shard i/N] [-D name=value ...] [behave options] [feature paths]",
        "       bash scripts/stack.sh [-D name=value ...]   start a stack by hand, print its URLs, Ctrl-C stops it",
        "",
        "Runs the QMTL acceptance features and ends with one verdict line. --check only checks the",
        "settings, paths and tags and counts the selected scenarios; nothing starts.",
        "-n N (or auto: one per core) runs N workers against one stack, then the @serial scenarios alone;",
        "--shard i/N runs the i-th of N deterministic parts (by reports/durations.json, else by name).",
        "",
        "settings (-D name=value, or the environment variable QMTL_E2E_<NAME>):",
    ]
    width = max(len(n) for n in SETTINGS)
    for name, (default, meaning) in SETTINGS.items():
        shown = f" [default: {default}]" if default else ""
        out.append(f"  {name:<{width}}  {meaning}{shown}")
    out += ["", "targets (-D target=NAME):"]
    for target in TARGETS:
        out.append(f"  {target:<10} {TARGET_NOTES.get(target, '')}")
    out += ["", "tags the features carry (--tags=@tag, --tags='not @tag', wildcards like @deviation.*):"]
    out += _wrapped([f"@{t}" for t in all_tags()])
    faults = _fault_names()
    out += ["", "reference faults (-D reference_faults=name[,name]; deliberate defects of the reference stack):"]
    out += _wrapped(faults) if faults else ["  (could not list them: run python -m qmtl_reference.faults)"]
    out += ["", "exit codes:"]
    out += [f"  {code:<4} {meaning}" for code, meaning in EXIT_CODES]
    out += [
        "",
        "reports: reports/junit/, reports/allure-results/, reports/html/index.html, reports/logs/, reports/artifacts/;",
        "the previous run's are kept in reports/previous/.",
        "",
        "Other options are behave's (paths, --tags, --name, -f, ...): .venv/bin/behave --help lists them.",
    ]
    return "\n".join(out)
