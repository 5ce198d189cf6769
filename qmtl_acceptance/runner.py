"""The suite's side of a strategy run: start the runner command, read its report.

The command is the `runner_command` setting, a template: the reference runner
by default, or a team's own QMTL runner. It is run as a separate process (for
the reference runner, `python -m qmtl_reference ...`; nothing is imported)
and it must write the JSON report described by REPORT_SCHEMA to `{report}`.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any, Mapping

from .config import DEFAULT_RUNNER_COMMAND, PROJECT_ROOT, SuiteConfig
from .errors import SuiteError
from .stack.qmtl_install import installation_python

FAULTS_ENV = "QMTL_REFERENCE_FAULTS"
# The reference runner checks a window against this clock when it is set: a scenario can stand
# exactly at a window's end. Only the reference runner honours it (capability runner_clock).
CLOCK_ENV = "QMTL_REFERENCE_RUNNER_NOW"
PLACEHOLDERS = ("python", "qmtl_python", "strategy", "start", "end", "world", "gateway_url", "live_bars", "report", "gateway_timeout")
# The runner's own limit for each Gateway request, scaled like every deadline of the run.
RUNNER_GATEWAY_TIMEOUT_SECONDS = 5.0
ADAPTER_MODULE = "qmtl_sdk_adapter"

# Strategies the backfill features run, by role. A team pointing runner_command
# at its own runner can name its own with -D backfill_strategy_<role>=MODULE:CLASS.
STRATEGIES = {
    "sample": "qmtl_reference.samples.sample_strategy:SampleStrategy",
    "without history": "qmtl_reference.samples.sample_strategy:NoHistoryStrategy",
    "missing module": "qmtl_reference.samples.no_such_strategy_module:SampleStrategy",
    "missing class": "qmtl_reference.samples.sample_strategy:NoSuchStrategy",
    "missing import": "qmtl_reference.samples.broken_import_strategy:SampleStrategy",
    "zero interval": "qmtl_reference.samples.sample_strategy:ZeroIntervalStrategy",
    "bad time at line 2": "qmtl_reference.samples.bad_history_strategy:BadTimeAtLine2Strategy",
    "empty row at line 3": "qmtl_reference.samples.bad_history_strategy:BlankRowAtLine3Strategy",
    "fractional time at line 5": "qmtl_reference.samples.bad_history_strategy:FractionalTimeAtLine5Strategy",
    "header only": "qmtl_reference.samples.bad_history_strategy:HeaderOnlyStrategy",
    "no ts column": "qmtl_reference.samples.bad_history_strategy:NoTimeColumnStrategy",
}
# The same roles written in QMTL's SDK, for the QMTL SDK adapter (the qmtl target's default runner).
ADAPTER_STRATEGIES = {
    "sample": "qmtl_sdk_adapter.samples.sample_strategy:SampleStrategy",
    "without history": "qmtl_sdk_adapter.samples.sample_strategy:NoHistoryStrategy",
    "missing module": "qmtl_sdk_adapter.samples.no_such_strategy_module:SampleStrategy",
    "missing class": "qmtl_sdk_adapter.samples.sample_strategy:NoSuchStrategy",
    "missing import": "qmtl_sdk_adapter.samples.broken_import_strategy:SampleStrategy",
    "zero interval": "qmtl_sdk_adapter.samples.sample_strategy:ZeroIntervalStrategy",
    "bad time at line 2": "qmtl_sdk_adapter.samples.sample_strategy:BadTimeAtLine2Strategy",
    "empty row at line 3": "qmtl_sdk_adapter.samples.sample_strategy:BlankRowAtLine3Strategy",
    "fractional time at line 5": "qmtl_sdk_adapter.samples.sample_strategy:FractionalTimeAtLine5Strategy",
    "header only": "qmtl_sdk_adapter.samples.sample_strategy:HeaderOnlyStrategy",
    "no ts column": "qmtl_sdk_adapter.samples.sample_strategy:NoTimeColumnStrategy",
}
# The missing module the "missing import" strategy's module imports: the runner must name it.
MISSING_IMPORT = "a_dependency_nobody_installed"
# Where a run's report goes, inside the run's own scratch folder: a file (the normal case), or a
# place no report can be written to.
REPORT_PLACES = {
    "a file": lambda folder: os.path.join(folder, "report.json"),
    "a directory": lambda folder: _made_dir(os.path.join(folder, "reports")),
    "a folder that does not exist": lambda folder: os.path.join(folder, "no-such-folder", "report.json"),
}


def _made_dir(path: str) -> str:
    os.makedirs(path)
    return path

_INT = {"type": "integer"}
_INTS = {"type": "array", "items": _INT}
REPORT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["ok"],
    "properties": {"ok": {"type": "boolean"}},
    "if": {"properties": {"ok": {"const": True}}},
    "then": {
        "required": ["window", "submission", "streams", "metrics", "live", "timeline"],
        "properties": {
            "window": {"type": "object", "required": ["start", "end"], "properties": {"start": _INT, "end": _INT}},
            "submission": {"type": "object", "required": ["strategy_id"], "properties": {"strategy_id": {"type": "string", "minLength": 1}}},
            "streams": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["name", "node_id", "interval", "period", "fetch_calls", "loaded_ts", "missing_buckets", "cache"],
                    "properties": {
                        "name": {"type": "string"},
                        "node_id": {"type": "string"},
                        "interval": {"type": "integer", "minimum": 1},
                        "period": {"type": "integer", "minimum": 1},
                        "fetch_calls": {
                            "type": "array",
                            "items": {"type": "object", "required": ["start", "end", "interval"], "properties": {"start": _INT, "end": _INT, "interval": _INT}},
                        },
                        "loaded_ts": _INTS,
                        "missing_buckets": _INTS,
                        "cache": {"type": "array", "items": {"type": "object", "required": ["ts"], "properties": {"ts": _INT}}},
                    },
                },
            },
            "metrics": {"type": "string", "description": "Prometheus text exposition at the end of the run"},
            "live": {
                "type": "object",
                "required": ["processed", "outputs"],
                "properties": {
                    "processed": {
                        "type": "array",
                        "items": {"type": "object", "required": ["seq", "node_id", "ts"], "properties": {"seq": _INT, "ts": _INT}},
                    },
                    "outputs": {"type": "array"},
                },
            },
            "timeline": {
                "type": "array",
                "items": {"type": "object", "required": ["seq", "event"], "properties": {"seq": _INT, "event": {"type": "string"}}},
            },
        },
    },
}


class RunnerReportError(SuiteError):
    pass


@dataclass(frozen=True)
class Stream:
    name: str
    node_id: str
    interval: int
    period: int
    fetch_windows: list[tuple[int, int]]
    loaded_ts: list[int]
    missing_buckets: list[int]
    cache_ts: list[int]
    cache_rows: list[dict[str, Any]]


@dataclass(frozen=True)
class Report:
    raw: dict[str, Any]
    window: tuple[int, int]
    strategy_id: str
    streams: list[Stream]
    metrics: dict[tuple[str, frozenset], float]
    processed: list[dict[str, Any]]
    outputs: list[dict[str, Any]]
    timeline: list[dict[str, Any]]

    def stream(self, name: str) -> Stream:
        for stream in self.streams:
            if stream.name == name:
                return stream
        raise AssertionError(f"the run reported no stream named {name!r}; it reported {[s.name for s in self.streams]}")

    def metric(self, name: str, **labels: Any) -> float | None:
        return self.metrics.get((name, frozenset((k, str(v)) for k, v in labels.items())))

    def first_event_seq(self, event: str) -> int | None:
        return next((e["seq"] for e in self.timeline if e["event"] == event), None)


@dataclass(frozen=True)
class RunnerRun:
    command: list[str]
    returncode: int | None  # None: killed at the deadline
    stdout: str
    stderr: str
    seconds: float
    report_text: str = ""
    report: Report | None = None
    report_problem: str = ""

    def describe(self) -> str:
        outcome = "was killed at its deadline" if self.returncode is None else f"exited {self.returncode}"
        text = (f"runner {outcome} after {self.seconds:.2f} s: {shlex.join(self.command)}\n"
                f"--- stderr ---\n{self.stderr[-2000:]}\n--- stdout ---\n{self.stdout[-2000:]}")
        if self.report_problem:
            text += f"\n--- report ---\n{self.report_problem}"
        return text


def strategy_reference(config: SuiteConfig, role: str) -> str:
    key = "backfill_strategy_" + re.sub(r"[^a-z0-9]+", "_", role.lower()).strip("_")
    return config.extra.get(key) or strategies_for(config.runner_command)[role]


def strategies_for(runner_command: str) -> dict[str, str]:
    """The roles' strategies in the SDK of the runner the command starts."""
    return ADAPTER_STRATEGIES if f"-m {ADAPTER_MODULE}" in runner_command else STRATEGIES


def unreachable_gateway_url() -> str:
    """A loopback URL where nothing listens: the port was free a moment ago and is closed now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def build_command(template: str, values: Mapping[str, Any]) -> list[str]:
    """Split first, then fill: a value with spaces stays one argument."""
    filled = {"python": sys.executable, "gateway_timeout": str(RUNNER_GATEWAY_TIMEOUT_SECONDS), **{k: str(v) for k, v in values.items()}}
    argv = []
    for token in shlex.split(template):
        try:
            argv.append(token.format_map(filled))
        except KeyError as exc:
            raise SuiteError(f"setting runner_command uses an unknown placeholder {{{exc.args[0]}}}; known: {', '.join(PLACEHOLDERS)}") from None
        except (ValueError, IndexError) as exc:
            raise SuiteError(f"setting runner_command is not a valid template: {exc}") from None
    return argv


def runner_clock_settable(config: SuiteConfig) -> bool:
    return config.runner_command == DEFAULT_RUNNER_COMMAND


def runner_env(config: SuiteConfig, clock: int | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop(CLOCK_ENV, None)
    if clock is not None:
        env[CLOCK_ENV] = str(clock)
    if config.target == "reference":
        # The reference runner is part of the reference stack: it gets the same deliberate faults.
        env[FAULTS_ENV] = ",".join(config.reference_faults)
    return env


def run_strategy(
    config: SuiteConfig,
    *,
    strategy: str,
    start: Any,
    end: Any,
    world: str,
    gateway_url: str,
    live_bars: int,
    deadline: float,
    report_place: str = "a file",
    clock: int | None = None,
) -> RunnerRun:
    """Run the command to completion (or kill it at the scaled deadline) and read its report."""
    with tempfile.TemporaryDirectory(prefix="qmtl-run-") as folder:
        report_path = REPORT_PLACES[report_place](folder)
        if "{report}" not in config.runner_command:
            raise SuiteError("setting runner_command lacks the placeholder {report}; the backfill features read the run's JSON report")
        values = {"strategy": strategy, "start": start, "end": end, "world": world, "gateway_url": gateway_url, "live_bars": live_bars,
                  "report": report_path, "gateway_timeout": f"{config.seconds(RUNNER_GATEWAY_TIMEOUT_SECONDS):g}"}
        if "{qmtl_python}" in config.runner_command:
            values["qmtl_python"] = installation_python(config.qmtl_python)
        argv = build_command(config.runner_command, values)
        began = time.monotonic()
        try:
            done = subprocess.run(argv, cwd=PROJECT_ROOT, env=runner_env(config, clock), capture_output=True, text=True, timeout=config.seconds(deadline))
            returncode, stdout, stderr = done.returncode, done.stdout, done.stderr
        except subprocess.TimeoutExpired as exc:
            returncode, stdout, stderr = None, _text(exc.stdout), _text(exc.stderr)
        except OSError as exc:
            raise SuiteError(f"setting runner_command could not be started: {argv[0]}: {exc.strerror}") from None
        seconds = time.monotonic() - began
        text = ""
        if os.path.isfile(report_path):
            with open(report_path, encoding="utf-8") as handle:
                text = handle.read()
    report, problem = None, ""
    if text:
        try:
            report = parse_report(text)
        except RunnerReportError as exc:
            problem = str(exc)
    else:
        problem = "the runner wrote no report"
    return RunnerRun(argv, returncode, stdout, stderr, seconds, text, report, problem)


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw


def parse_report(text: str) -> Report | None:
    """The report of a successful run; None for a run that reported its own failure."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise RunnerReportError(f"the run's report is not JSON: {exc}") from None
    import jsonschema  # only a run that reads a runner's report needs it

    try:
        jsonschema.validate(data, REPORT_SCHEMA)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "the top level"
        raise RunnerReportError(f"the run's report does not match the report schema at {where}: {exc.message}") from None
    if not data["ok"]:
        return None
    streams = [
        Stream(
            name=s["name"],
            node_id=s["node_id"],
            interval=s["interval"],
            period=s["period"],
            fetch_windows=[(c["start"], c["end"]) for c in s["fetch_calls"]],
            loaded_ts=list(s["loaded_ts"]),
            missing_buckets=list(s["missing_buckets"]),
            cache_ts=[row["ts"] for row in s["cache"]],
            cache_rows=list(s["cache"]),
        )
        for s in data["streams"]
    ]
    return Report(
        raw=data,
        window=(data["window"]["start"], data["window"]["end"]),
        strategy_id=data["submission"]["strategy_id"],
        streams=streams,
        metrics=parse_prometheus(data["metrics"]),
        processed=list(data["live"]["processed"]),
        outputs=list(data["live"]["outputs"]),
        timeline=list(data["timeline"]),
    )


_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_prometheus(text: str) -> dict[tuple[str, frozenset], float]:
    """Samples of the Prometheus text format: (name, labels) -> value."""
    samples: dict[tuple[str, frozenset], float] = {}
    for line_no, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _SAMPLE.match(line)
        if not match:
            raise RunnerReportError(f"metrics line {line_no} is not Prometheus text: {line[:120]!r}")
        name, labels, value = match.groups()
        pairs = frozenset((k, bytes(v, "utf-8").decode("unicode_escape")) for k, v in _LABEL.findall(labels or ""))
        try:
            samples[(name, pairs)] = float(value)
        except ValueError:
            raise RunnerReportError(f"metrics line {line_no} has no numeric value: {line[:120]!r}") from None
    return samples


def expected_buckets(start: int, end: int, interval: int) -> list[int]:
    """Every bar time of the half-open window [start, end): epoch seconds divisible by the interval."""
    first = -(-start // interval) * interval
    return list(range(first, end, interval))
