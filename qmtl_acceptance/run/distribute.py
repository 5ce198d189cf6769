"""How selected scenarios are split: over parallel workers (`-n N`) and over CI machines (`--shard i/N`).

Both use one deterministic split: longest recorded duration first, each
scenario to the bin with the least recorded time so far (ties: the lower bin),
scenarios ordered by (duration, feature, name). A scenario no run has timed
yet counts as the median of the recorded ones (1 s when none is recorded),
so with no durations file at all the split falls back to the names alone.
Every scenario lands in exactly one bin, so the shards 1..N together are one
full run.

Durations live in `<reports_dir>/durations.json` (kept across runs: report
rotation does not move it); every run that ran scenarios updates it.
"""
from __future__ import annotations

import json
import os
import re
import statistics
from pathlib import Path
from typing import Iterable, Sequence

from ..errors import ConfigError
from .outcome import ScenarioKey, ScenarioResult
from .selection import SelectedScenario

DURATIONS = "durations.json"
SERIAL_TAG = "serial"
_UNTIMED_SECONDS = 1.0


def duration_key(key: ScenarioKey) -> str:
    return f"{key.feature} :: {key.name}"


def load_durations(reports_dir: Path) -> dict[str, float]:
    path = reports_dir / DURATIONS
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    return {str(k): float(v) for k, v in raw.items() if isinstance(v, (int, float)) and v >= 0}


def record_durations(reports_dir: Path, results: Iterable[ScenarioResult]) -> Path:
    """Fold a run's passed and failed scenarios' times into the durations file (skips took no time)."""
    durations = load_durations(reports_dir)
    for result in results:
        if result.status in ("passed", "failed"):
            durations[duration_key(result.key)] = round(result.seconds, 3)
    path = reports_dir / DURATIONS
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(durations, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, path)
    return path


def estimates(items: Sequence[SelectedScenario], durations: dict[str, float]) -> dict[ScenarioKey, float]:
    known = [durations[duration_key(i.key)] for i in items if duration_key(i.key) in durations]
    fallback = statistics.median(known) if known else _UNTIMED_SECONDS
    return {i.key: durations.get(duration_key(i.key), fallback) for i in items}


def split(items: Sequence[SelectedScenario], bins: int, durations: dict[str, float]) -> list[list[SelectedScenario]]:
    """`bins` lists whose union is `items`, each scenario in exactly one, balanced by recorded time."""
    if bins < 1:
        raise ValueError("at least one bin")
    seconds = estimates(items, durations)
    ordered = sorted(items, key=lambda i: (-seconds[i.key], i.key.feature, i.key.name, i.location))
    loads = [0.0] * bins
    out: list[list[SelectedScenario]] = [[] for _ in range(bins)]
    for item in ordered:
        target = min(range(bins), key=lambda b: (loads[b], b))
        out[target].append(item)
        loads[target] += seconds[item.key]
    # Within a bin, file order: a feature's scenarios run together, as in a serial run.
    for chosen in out:
        chosen.sort(key=lambda i: _file_order(i.location))
    return out


def _file_order(location: str) -> tuple[str, int]:
    path, _, line = location.rpartition(":")
    return path, int(line) if line.isdigit() else 0


def is_serial(item: SelectedScenario) -> bool:
    return SERIAL_TAG in item.tags


# -- the command line -----------------------------------------------------------------

_SHARD = re.compile(r"^(\d+)/(\d+)$")


def parse_shard(text: str) -> tuple[int, int]:
    match = _SHARD.match(text.strip())
    if not match:
        raise ConfigError(f"--shard {text!r} is not i/N (for example --shard 2/4)")
    index, total = int(match.group(1)), int(match.group(2))
    if total < 1 or not 1 <= index <= total:
        raise ConfigError(f"--shard {text!r}: i must be between 1 and N, and N at least 1")
    return index, total


def parse_workers(text: str) -> int:
    if text.strip() == "auto":
        return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
    if not text.strip().isdigit() or int(text) < 1:
        raise ConfigError(f"-n {text!r} is not a number of workers (a whole number from 1, or auto)")
    return int(text)


def take_run_options(args: list[str]) -> tuple[list[str], int, tuple[int, int] | None]:
    """(behave's arguments, workers, shard) from the acceptance command's arguments."""
    rest: list[str] = []
    workers, shard = 1, None
    items = iter(args)
    for arg in items:
        if arg in ("-n", "--workers", "--shard"):
            value = next(items, None)
            if value is None:
                raise ConfigError(f"{arg} needs a value ({'i/N' if arg == '--shard' else 'N or auto'})")
            if arg == "--shard":
                shard = parse_shard(value)
            else:
                workers = parse_workers(value)
        elif arg.startswith("--shard="):
            shard = parse_shard(arg.split("=", 1)[1])
        elif arg.startswith("--workers="):
            workers = parse_workers(arg.split("=", 1)[1])
        elif re.match(r"^-n(\d+|auto)$", arg):
            workers = parse_workers(arg[2:])
        else:
            rest.append(arg)
    return rest, workers, shard


def location_args(args: list[str], items: Sequence[SelectedScenario], list_file: Path) -> list[str]:
    """behave's arguments with the feature paths replaced by the files holding these scenarios; the
    scenarios themselves go to `list_file`, which the run names in `selection.LIST_ENV`."""
    from .selection import behave_configuration

    paths = set(behave_configuration(args).paths or [])
    kept = [a for a in args if a not in paths and os.path.normpath(a) not in paths]
    list_file.parent.mkdir(parents=True, exist_ok=True)
    list_file.write_text("".join(f"{i.location}\n" for i in items), encoding="utf-8")
    files = list(dict.fromkeys(i.location.rpartition(":")[0] for i in items))
    return kept + files
