"""Backfills (contract §8): the guide's `sdk run` command, the report it writes, and what the Gateway saw.

The runner is the `runner_command` setting, started as its own process; this
scene reads its exit code, its stderr and its JSON report, and asks the
Gateway what the run left behind.
"""
from __future__ import annotations

import json
import time
from typing import Any, Callable

from ..broken_gateway import FAILURES, BrokenGateway
from ..errors import TargetFailure
from ..eventually import eventually, never
from ..guide_command import GuideRun, run_guide_command
from ..runner import Report, RunnerRun, expected_buckets, run_strategy, strategy_reference, unreachable_gateway_url
from .backfill_input import MORE_BAD_INPUT, password_shown
from .scenario import Scenario
from .target import Target
from .worlds import Worlds

# The runner's own limit, far above any deadline a scenario states: a hung
# runner is killed, and the scenario's stated deadline then fails it.
RUN_LIMIT_SECONDS = 120
GUIDE_WINDOW = {"start": 1700000000, "end": 1700003600}
WORLD_ROLE = "backfill"


def _future_window() -> dict[str, Any]:
    now = int(time.time())
    return {"start": now + 3600, "end": now + 7200}


# Each way the guide's command can be wrong, as the runner's arguments.
BAD_INPUT: dict[str, Callable[[], dict[str, Any]]] = {
    "an end time before the start time": lambda: {"start": 1700003600, "end": 1700000000},
    "equal start and end times": lambda: {"start": 1700000000, "end": 1700000000},
    "a start time that is not a whole number": lambda: {"start": "1700000000.5"},
    "an end time that is not a whole number": lambda: {"end": "an hour later"},
    "a negative start time": lambda: {"start": "-60"},
    "a start time one second before the epoch": lambda: {"start": "-1"},
    "a window in the future": _future_window,
    "a strategy module that does not exist": lambda: {"strategy_role": "missing module"},
    "a strategy class that does not exist": lambda: {"strategy_role": "missing class"},
    "a strategy without a history provider": lambda: {"strategy_role": "without history"},
    "a strategy module that imports a module that does not exist": lambda: {"strategy_role": "missing import"},
    "a strategy whose stream has an interval of 0 seconds": lambda: {"strategy_role": "zero interval"},
    "a report path that is a directory": lambda: {"report_place": "a directory"},
    "a report path in a folder that does not exist": lambda: {"report_place": "a folder that does not exist"},
    "a Gateway that cannot be reached": lambda: {"gateway_url": unreachable_gateway_url()},
    **MORE_BAD_INPUT,
}

CHOICES = {"BadRunInput": tuple(BAD_INPUT), "StreamName": ("price", "trend"), "GatewayFailure": tuple(FAILURES)}


class BackfillScene:
    def __init__(self, target: Target, scenario: Scenario, worlds: Worlds) -> None:
        self.target = target
        self.scenario = scenario
        self.worlds = worlds
        self.runs: list[RunnerRun] = []
        self.by_world: dict[str, RunnerRun] = {}
        self.guide_run: GuideRun | None = None
        self.guide_gateway_url = ""

    # -- running
    def run(self, *, start: Any, end: Any, live_bars: int = 3, strategy_role: str = "sample",
            gateway_url: str | None = None, world_role: str = WORLD_ROLE, label: str = "run",
            report_place: str = "a file", clock: int | None = None) -> RunnerRun:
        run = run_strategy(
            self.target.config,
            strategy=strategy_reference(self.target.config, strategy_role),
            start=start,
            end=end,
            world=self.worlds[world_role],
            gateway_url=gateway_url or self.target.endpoints.gateway_url,
            live_bars=live_bars,
            deadline=RUN_LIMIT_SECONDS,
            report_place=report_place,
            clock=clock,
        )
        self.scenario.observe(f"backfill {label}", run.describe())
        if run.report_text:
            self.scenario.observe(f"backfill {label} report", run.report_text[-20000:])
        self.runs.append(run)
        self.by_world[world_role] = run
        return run

    def run_bad_input(self, problem: str) -> None:
        self.run(**{**GUIDE_WINDOW, **BAD_INPUT[problem]()}, label=problem)

    def run_against_broken_gateway(self, failure: str) -> None:
        gateway = BrokenGateway(failure)
        self.scenario.add_cleanup(gateway.close)
        self.run(start=GUIDE_WINDOW["start"], end=GUIDE_WINDOW["end"], gateway_url=gateway.url,
                 label=f"against a Gateway that {failure}")

    @property
    def last(self) -> RunnerRun:
        if not self.runs:
            raise AssertionError("no backfill run was started in this scenario")
        return self.runs[-1]

    def report(self, run: RunnerRun | None = None) -> Report:
        run = run or self.last
        if run.report is None:
            raise TargetFailure("the backfill run left no usable report", observed=run.report_problem or run.describe())
        return run.report

    # -- how a run ended
    def finished_within(self, seconds: float) -> None:
        limit = self.scenario.seconds(seconds)
        for run in self.runs:
            if run.returncode != 0:
                raise TargetFailure("the backfill run", expected="exit 0", observed=run.describe())
            if run.seconds > limit:
                raise TargetFailure("the backfill run", expected=f"done within {limit:.2f} s", observed=f"{run.seconds:.2f} s")
            self.report(run)

    def refused_with_exit(self, code: int, seconds: float) -> None:
        run = self.last
        if run.returncode is None:
            raise TargetFailure("the runner did not stop", observed=run.describe())
        if run.returncode != code:
            raise TargetFailure("the runner's exit code", expected=str(code), observed=run.describe())
        limit = self.scenario.seconds(seconds)
        if run.seconds > limit:
            raise TargetFailure("the runner's refusal", expected=f"within {limit:.2f} s", observed=f"{run.seconds:.2f} s")

    def explained_in_one_line(self, *mentions: str) -> None:
        stderr = self.last.stderr
        lines = [line for line in stderr.splitlines() if line.strip()]
        if "Traceback" in stderr:
            raise TargetFailure("the runner printed a traceback", observed=stderr[-1500:])
        if len(lines) != 1:
            raise TargetFailure("the runner's explanation", expected="one line", observed=f"{len(lines)} lines: {stderr[-1500:]!r}")
        for mention in mentions:
            if mention.lower() not in lines[0].lower():
                raise TargetFailure("the runner's explanation", expected=f"a line mentioning {mention!r}", observed=repr(lines[0]))

    def reported_failure(self, code: int) -> None:
        """A refused run still writes its report: ok false, its exit code, and the same reason as its one line."""
        run = self.last
        try:
            data = json.loads(run.report_text) if run.report_text else None
        except ValueError:
            data = None
        line = next((ln for ln in run.stderr.splitlines() if ln.strip()), "")
        wanted = f'a report {{"ok": false, "exit_code": {code}, "error": <the reason its line gives>}}'
        if not isinstance(data, dict):
            raise TargetFailure("the refused run's report", expected=wanted, observed=run.report_text[:300] or "no report written")
        error = data.get("error")
        if data.get("ok") is not False or data.get("exit_code") != code or type(data.get("exit_code")) is not int \
                or not isinstance(error, str) or not error.strip() or error.strip() not in line:
            raise TargetFailure("the refused run's report", expected=f"{wanted}; its line {line!r}",
                                observed=json.dumps({k: data.get(k) for k in ("ok", "exit_code", "error")}))

    def password_never_shown(self) -> None:
        password_shown(self.last)

    def world_stays_unbound(self, seconds: float, world_role: str = WORLD_ROLE) -> None:
        world_id = self.worlds[world_role]

        def bound() -> str | None:
            answer = self.target.gateway.world_bindings(world_id)
            if answer.status == 404:
                return None
            listed = answer.body.get("strategies") if isinstance(answer.body, dict) else answer.body
            return f"world {world_role} answers {answer.describe()}" if listed or answer.status != 200 else None

        never(bound, for_seconds=self.scenario.seconds(seconds), what=f"nothing is bound to world {world_role}")

    # -- the window
    def asked_once_for(self, start: int, end: int) -> None:
        wrong = {s.name: s.fetch_windows for s in self.report().streams if s.fetch_windows != [(start, end)]}
        if wrong:
            raise TargetFailure("each stream's history request", expected=f"one request for [{start}, {end})",
                                observed=f"these streams asked for {wrong}")

    def bars_complete(self) -> None:
        report = self.report()
        start, end = report.window
        problems = []
        for stream in report.streams:
            loaded = stream.loaded_ts
            expected = expected_buckets(start, end, stream.interval)
            if loaded != expected:
                backwards = [(a, b) for a, b in zip(loaded, loaded[1:], strict=False) if b <= a]
                misaligned = [t for t in loaded if t % stream.interval]
                outside = [t for t in loaded if not start <= t < end]
                missing = sorted(set(expected) - set(loaded))
                problems.append(f"{stream.name}: loaded {len(loaded)} bars, expected {len(expected)}; "
                                f"out of order {backwards[:3]}, off-bucket {misaligned[:5]}, outside [{start}, {end}) "
                                f"{outside[:5]}, missing {missing[:5]}")
            if stream.missing_buckets:
                problems.append(f"{stream.name}: the runner itself reported missing bars {stream.missing_buckets[:5]}")
        if problems:
            raise TargetFailure("; ".join(problems))

    def cache_keeps_period(self, name: str, count: int) -> None:
        stream = self.report().stream(name)
        if stream.period != count:
            raise TargetFailure(f"the {name} stream's period", expected=str(count), observed=str(stream.period))
        if len(stream.cache_ts) != count:
            raise TargetFailure(f"the {name} stream's cache", expected=f"{count} bars", observed=f"{stream.cache_ts}")

    def cache_holds(self, name: str, first: int, last: int) -> None:
        stream = self.report().stream(name)
        expected = list(range(first, last + 1, stream.interval))
        if stream.cache_ts != expected:
            raise TargetFailure(f"the {name} stream's cache after the backfill", expected=str(expected), observed=str(stream.cache_ts))
        rows_ts = [row.get("ts") for row in stream.cache_rows]
        loaded_tail = stream.loaded_ts[-len(expected):] if expected else []
        if rows_ts != loaded_tail:
            raise TargetFailure(f"the {name} stream's cache", expected=f"the last loaded bars {loaded_tail}", observed=str(rows_ts))

    def cache_holds_nothing(self, name: str) -> None:
        stream = self.report().stream(name)
        if stream.cache_ts or stream.loaded_ts:
            raise TargetFailure(f"the {name} stream after a window without history", expected="no bar loaded or cached",
                                observed=f"loaded {stream.loaded_ts[:5]}, cached {stream.cache_ts}")

    def reports_every_bar_missing(self, name: str) -> None:
        start, end = self.report().window
        self.reports_missing(name, expected_buckets(start, end, self.report().stream(name).interval))

    def complete_up_to(self, end: int) -> None:
        report = self.report()
        wrong = {s.name: report.metric("backfill_last_timestamp", node_id=s.node_id, interval=s.interval)
                 for s in report.streams}
        wrong = {name: value for name, value in wrong.items() if value != end}
        if wrong:
            raise TargetFailure("backfill_last_timestamp{node_id,interval}", expected=str(end),
                                observed=f"{wrong} (None: no such sample)")

    def jobs_gauge_rises_and_falls(self) -> None:
        report = self.report()
        while_loading = [e.get("jobs_in_progress") for e in report.timeline if e["event"] == "stream_backfill_started"]
        if len(while_loading) != len(report.streams) or not all(isinstance(v, int) and v >= 1 for v in while_loading):
            raise TargetFailure("backfill jobs in progress while loading", expected=f"at least 1 at each of {len(report.streams)} stream starts",
                                observed=str(while_loading))
        final = report.metric("backfill_jobs_in_progress")
        if final != 0:
            raise TargetFailure("backfill_jobs_in_progress after the run", expected="0", observed=str(final))

    # -- live processing
    def live_bars_per_stream(self, count: int) -> None:
        report = self.report()
        counts = {s.name: sum(1 for e in report.processed if e["node_id"] == s.node_id) for s in report.streams}
        if any(n != count for n in counts.values()):
            raise TargetFailure("live bars processed per stream", expected=str(count), observed=str(counts))

    def live_after_backfilled_bars(self) -> None:
        report = self.report()
        early = []
        for stream in report.streams:
            last = max(stream.loaded_ts, default=None)
            live = [e["ts"] for e in report.processed if e["node_id"] == stream.node_id]
            early += [f"{stream.name} {ts} (last backfilled {last})" for ts in live if last is not None and ts <= last]
            if live != sorted(set(live)):
                early.append(f"{stream.name} live bars out of order or repeated: {live}")
            misaligned = [ts for ts in live if ts % stream.interval]
            if misaligned:
                early.append(f"{stream.name} live bars off their {stream.interval} s buckets: {misaligned}")
        if early:
            raise TargetFailure(f"live bars later than the backfill, in order: {early[:6]}")

    def no_live_before_backfill_finished(self) -> None:
        report = self.report()
        finished = report.first_event_seq("backfill_finished")
        if finished is None:
            raise TargetFailure("the run never recorded the end of its backfill", observed=str([e["event"] for e in report.timeline][:20]))
        early = [f"{e.get('stream', e['node_id'])} bar {e['ts']} (event {e['seq']})" for e in report.processed if e["seq"] < finished]
        if early:
            raise TargetFailure(f"{len(early)} live bar(s) were processed before the backfill finished (event {finished}): {early[:6]}")

    def signal_from_live_bars(self) -> None:
        report = self.report()
        live_ts = {e["ts"] for e in report.processed}
        values = [o for o in report.outputs if o.get("node") == "momentum"]
        if not values:
            raise TargetFailure("no momentum value was computed", observed=str(report.outputs[:5]))
        loose = [o for o in values if o["ts"] not in live_ts or not isinstance(o.get("value"), (int, float))]
        if loose:
            raise TargetFailure(f"momentum values not tied to live bars: {loose[:5]}")

    # -- the Gateway's view
    def bound_within(self, seconds: float, world_role: str = WORLD_ROLE, run_index: int = -1) -> None:
        strategy_id = self.report(self.runs[run_index]).strategy_id
        world_id = self.worlds[world_role]

        def bound() -> None:
            listed = self.worlds.bindings(world_role)
            if strategy_id not in listed:
                raise TargetFailure(f"world {world_role} ({world_id}) lists {sorted(listed)}, without {strategy_id}")

        eventually(bound, within=self.scenario.seconds(seconds), what=f"world {world_role} lists strategy {strategy_id}")

    def gateway_knows_strategy(self) -> None:
        strategy_id = self.report().strategy_id
        answer = self.target.gateway.strategy_status(strategy_id)
        if answer.status != 200:
            raise TargetFailure(f"the status of strategy {strategy_id}", expected="HTTP 200", observed=answer.describe())

    def runs_in_worlds(self, roles: list[str], start: int, end: int) -> None:
        for role in roles:
            self.run(start=start, end=end, world_role=role, label=f"run in world {role}")

    def each_world_lists_only_its_run(self, roles: list[str], seconds: float) -> None:
        missing = [role for role in roles if role not in self.by_world]
        if missing:
            raise AssertionError(f"no backfill ran in worlds {missing}")
        ids = {role: self.report(self.by_world[role]).strategy_id for role in roles}
        if len(set(ids.values())) != len(ids):
            raise TargetFailure("each world's run", expected="its own strategy id", observed=str(ids))
        for role in roles:
            others = {s for r, s in ids.items() if r != role}

            def listed_alone(role: str = role, others: set[str] = others) -> None:
                listed = self.worlds.bindings(role)
                if ids[role] not in listed or listed & others:
                    raise TargetFailure(f"world {role} lists {sorted(listed)}; its own run is {ids[role]}, the others {sorted(others)}")

            eventually(listed_alone, within=self.scenario.seconds(seconds), what=f"world {role} lists only its own run")

    # -- gaps and repeats
    def reports_missing(self, name: str, bars: list[int]) -> None:
        stream = self.report().stream(name)
        if stream.missing_buckets != bars:
            raise TargetFailure(f"the {name} stream's missing bars", expected=str(bars), observed=str(stream.missing_buckets))
        absent = set(bars) & set(stream.loaded_ts)
        if absent:
            raise TargetFailure(f"bars reported missing were loaded anyway: {sorted(absent)}")
        start, end = self.report().window
        present = [t for t in expected_buckets(start, end, stream.interval) if t not in bars]
        if stream.loaded_ts != present:
            raise TargetFailure(f"the {name} stream's loaded bars around the gap", expected=f"{len(present)} bars, every bucket but the missing",
                                observed=f"{len(stream.loaded_ts)} bars")

    def warns_each_missing_bar(self) -> None:
        run = self.last
        missing = [b for s in self.report().streams for b in s.missing_buckets]
        unnamed = [b for b in missing if str(b) not in run.stderr]
        if not missing or unnamed:
            raise TargetFailure(f"the runner's warning names each missing bar {missing}; it did not name {unnamed}", observed=repr(run.stderr.strip()))

    def second_run_says_already_registered(self) -> None:
        """The duplicate answer is news to the user: the second run's summary says so, the first's does not."""
        if len(self.runs) < 2:
            raise AssertionError("the scenario ran the backfill fewer than twice")
        said = [any(line.startswith("submitted ") and "already registered" in line for line in run.stdout.splitlines())
                for run in self.runs[:2]]
        if said != [False, True]:
            raise TargetFailure("the runs' summaries say whether the strategy was already registered",
                                expected="the second run's only", observed=" | ".join(
                                    next((ln for ln in run.stdout.splitlines() if ln.startswith("submitted ")), "(no submitted line)")
                                    for run in self.runs[:2]))

    def runs_identical(self) -> None:
        if len(self.runs) < 2:
            raise AssertionError("the scenario ran the backfill fewer than twice")

        def essence(report: Report) -> dict[str, Any]:
            return {
                "streams": [(s.name, s.node_id, s.fetch_windows, s.loaded_ts, s.missing_buckets, s.cache_rows) for s in report.streams],
                "live": [(e["node_id"], e["ts"]) for e in report.processed],
                "outputs": [(o.get("node"), o.get("ts"), o.get("value")) for o in report.outputs],
                "metrics": sorted((n, sorted(labels), v) for (n, labels), v in report.metrics.items()),
                "strategy": report.strategy_id,
            }

        one, two = (essence(self.report(run)) for run in self.runs[:2])
        differing = [key for key in one if one[key] != two[key]]
        if differing:
            raise TargetFailure(f"the two runs differ in {differing}: first {[one[k] for k in differing]!s:.600} "
                                f"second {[two[k] for k in differing]!s:.600}")

    # -- the guide's own command
    def run_guide_command(self, start: int, end: int, *, gateway_url: str | None = None) -> None:
        self.guide_gateway_url = gateway_url or self.target.endpoints.gateway_url
        self.guide_run = run_guide_command(self.target.config, start=start, end=end,
                                           gateway_url=self.guide_gateway_url, deadline=RUN_LIMIT_SECONDS)
        self.scenario.observe("the guide's command", self.guide_run.describe())

    def run_guide_command_unreachable(self, start: int, end: int) -> None:
        """QMTL_GATEWAY_URL names a loopback port where nothing listens: only a command that reads it goes there."""
        self.run_guide_command(start, end, gateway_url=unreachable_gateway_url())

    def guide_command_could_not_reach(self, code: int) -> None:
        run = self.guide_run
        if run is None:
            raise AssertionError("the guide's command was not run in this scenario")
        address = self.guide_gateway_url.split("://", 1)[-1]
        if run.returncode != code:
            raise TargetFailure(f"the guide's command with QMTL_GATEWAY_URL={self.guide_gateway_url} (nothing listens there)",
                                expected=f"exit {code}", observed=run.describe())
        named = [line for line in run.stderr.splitlines() if address in line]
        if not named:
            raise TargetFailure(f"the guide's command names the Gateway QMTL_GATEWAY_URL gave ({address}) in its error line",
                                observed=repr(run.stderr.strip()[-1500:]))

    def guide_command_finished(self, seconds: float) -> None:
        run = self.guide_run
        if run is None:
            raise AssertionError("the guide's command was not run in this scenario")
        if run.returncode != 0:
            raise TargetFailure("the guide's command", expected="exit 0", observed=run.describe())
        limit = self.scenario.seconds(seconds)
        if run.seconds > limit:
            raise TargetFailure("the guide's command", expected=f"done within {limit:.2f} s", observed=f"{run.seconds:.2f} s")
        errors = [line for line in run.stderr.splitlines() if "error" in line.lower() or "Traceback" in line]
        if errors:
            raise TargetFailure("the guide's command succeeded, but it reported errors", observed=" | ".join(errors[:5]))

    def guide_command_backfilled(self, streams: list[str], start: int, end: int) -> None:
        assert self.guide_run is not None
        window = f"[{start}, {end})"
        lines = self.guide_run.stdout.splitlines()
        missing = [name for name in streams
                   if not any(line.startswith(f"backfilled {name} ") and f" for {window}" in line for line in lines)]
        if missing:
            raise TargetFailure(f"the guide's command says it backfilled streams {missing} for {window}",
                                observed=repr(self.guide_run.stdout[-1500:]))
