"""More ways a backfill command or its history can be wrong, and what a refusal must never show.

Kept beside ``backfill.py``: each entry is the runner's arguments for one
phrase of the features, as there.
"""
from __future__ import annotations

from typing import Any, Callable

from ..errors import TargetFailure
from ..runner import RunnerRun, unreachable_gateway_url

# The password a Gateway address carries in the redaction rows: it must never be printed.
GATEWAY_PASSWORD = "pw-never-printed-7c1e"
_CREDENTIALS = f"ops:{GATEWAY_PASSWORD}@"


def _with_credentials(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{_CREDENTIALS}{rest}"


MORE_BAD_INPUT: dict[str, Callable[[], dict[str, Any]]] = {
    "a live bar count of -1": lambda: {"live_bars": "-1"},
    "a live bar count that is a word": lambda: {"live_bars": "several"},
    "a Gateway address with a password where nothing listens": lambda: {"gateway_url": _with_credentials(unreachable_gateway_url())},
    "a Gateway address with a password that is not http": lambda: {"gateway_url": f"ftp://{_CREDENTIALS}127.0.0.1:8000"},
    "a Gateway address with a password and a port out of range": lambda: {"gateway_url": f"http://{_CREDENTIALS}127.0.0.1:99999"},
    "a history file whose line 2 has a word for its time": lambda: {"strategy_role": "bad time at line 2"},
    "a history file whose line 3 is empty": lambda: {"strategy_role": "empty row at line 3"},
    "a history file whose line 5 has a fractional time": lambda: {"strategy_role": "fractional time at line 5"},
    "a history file of only a header": lambda: {"strategy_role": "header only"},
    "a history file without a ts column": lambda: {"strategy_role": "no ts column"},
}


def password_shown(run: RunnerRun) -> None:
    """The Gateway address's password appears in none of what the run printed or wrote."""
    if not any(GATEWAY_PASSWORD in arg for arg in run.command):
        raise AssertionError("this run was not given a Gateway address with a password")
    places = {"stderr": run.stderr, "stdout": run.stdout, "report": run.report_text}
    shown = [place for place, text in places.items() if GATEWAY_PASSWORD in text]
    if shown:
        redacted = {p: t.replace(GATEWAY_PASSWORD, "<the password>")[-400:] for p, t in places.items() if p in shown}
        raise TargetFailure("the Gateway address's password was printed", expected="***@ in its place", observed=str(redacted))
