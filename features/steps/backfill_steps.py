"""Backfills: the guide's `sdk run` command, its report, and what the Gateway saw."""
import re
import time

from behave import given, then, when

from qmtl_acceptance.eventually import eventually, never
from qmtl_acceptance.runner import expected_buckets, run_strategy, strategy_reference, unreachable_gateway_url

DEFAULT_LIVE_BARS = 3
# The runner's own limit, far above any deadline a scenario states: a hung
# runner is killed, and the scenario's stated deadline then fails it.
RUN_LIMIT_SECONDS = 120


def _run(context, *, strategy_role="sample", start, end, live_bars=DEFAULT_LIVE_BARS, gateway_url=None, label="run"):
    run = run_strategy(
        context.suite,
        strategy=strategy_reference(context.suite, strategy_role),
        start=start,
        end=end,
        world=context.backfill_world,
        gateway_url=gateway_url or context.stack.gateway_url,
        live_bars=live_bars,
        deadline=RUN_LIMIT_SECONDS,
    )
    context.observations[f"backfill {label}"] = run.describe()
    if run.report_text:
        context.observations[f"backfill {label} report"] = run.report_text[-20000:]
    return run


def _bar_list(text):
    return [int(v) for v in re.split(r"\s*(?:,|\band\b)\s*", text.strip()) if v]


def _finished(run, seconds, limit):
    assert run.returncode == 0, f"the backfill run did not succeed: {run.describe()}"
    assert run.seconds <= limit, f"the backfill run took {run.seconds:.2f} s, more than {limit:.2f} s"
    assert run.report is not None, f"the backfill run left no usable report: {run.report_problem or 'it reported a failure'}"


def _report(context):
    report = context.backfill_run.report
    assert report is not None, f"the backfill run left no usable report: {context.backfill_run.describe()}"
    return report


@given("a world for the backfill runs")
def step_backfill_world(context):
    world_id = context.ids("backfill world")
    answer = context.gateway.create_world(world_id, "acceptance backfill world")
    assert answer.status == 200, f"creating world {world_id} through the Gateway: {answer.describe()}"
    context.backfill_world = world_id


@when("the guide's sample strategy runs with a backfill from {start:d} to {end:d}")
def step_run_backfill(context, start, end):
    context.backfill_run = _run(context, start=start, end=end)


@when("the guide's sample strategy runs with a backfill from {start:d} to {end:d} and {bars:d} live bars per stream")
def step_run_backfill_live(context, start, end, bars):
    context.backfill_live_bars = bars
    context.backfill_run = _run(context, start=start, end=end, live_bars=bars)


@when("the guide's sample strategy runs twice with a backfill from {start:d} to {end:d}")
def step_run_backfill_twice(context, start, end):
    context.backfill_runs = [_run(context, start=start, end=end, label=f"run {n}") for n in (1, 2)]
    context.backfill_run = context.backfill_runs[0]


def _bad_input(problem):
    now = int(time.time())
    cases = {
        "an end time before the start time": {"start": 1700003600, "end": 1700000000},
        "equal start and end times": {"start": 1700000000, "end": 1700000000},
        "a start time that is not a whole number": {"start": "1700000000.5"},
        "an end time that is not a whole number": {"end": "an hour later"},
        "a window in the future": {"start": now + 3600, "end": now + 7200},
        "a strategy module that does not exist": {"strategy_role": "missing module"},
        "a strategy class that does not exist": {"strategy_role": "missing class"},
        "a strategy without a history provider": {"strategy_role": "without history"},
        "a Gateway that cannot be reached": {"gateway_url": unreachable_gateway_url()},
    }
    assert problem in cases, f"no such bad-input case {problem!r}; known: {sorted(cases)}"
    return {"start": 1700000000, "end": 1700003600, **cases[problem]}


@when("the guide's strategy runner is started with {problem}")
def step_run_bad_input(context, problem):
    context.backfill_run = _run(context, **_bad_input(problem), label=problem)


@then("the backfill run finishes successfully within {seconds:d} seconds")
def step_run_finished(context, seconds):
    _finished(context.backfill_run, seconds, context.suite.seconds(seconds))


@then("both backfill runs finish successfully within {seconds:d} seconds each")
def step_runs_finished(context, seconds):
    for run in context.backfill_runs:
        _finished(run, seconds, context.suite.seconds(seconds))


@then("each stream's history was asked for once, for exactly {start:d} to {end:d}")
def step_asked_once(context, start, end):
    wrong = {s.name: s.fetch_windows for s in _report(context).streams if s.fetch_windows != [(start, end)]}
    assert not wrong, f"expected one request per stream for [{start}, {end}); these streams asked for: {wrong}"


@then("each stream's backfilled bars are strictly increasing and bucket-aligned, without gaps or duplicates")
def step_bars_complete(context):
    report = _report(context)
    start, end = report.window
    problems = []
    for stream in report.streams:
        loaded = stream.loaded_ts
        expected = expected_buckets(start, end, stream.interval)
        backwards = [(a, b) for a, b in zip(loaded, loaded[1:]) if b <= a]
        misaligned = [t for t in loaded if t % stream.interval]
        outside = [t for t in loaded if not start <= t < end]
        missing = sorted(set(expected) - set(loaded))
        if backwards:
            problems.append(f"{stream.name}: not strictly increasing at {backwards[:3]}")
        if misaligned:
            problems.append(f"{stream.name}: not on {stream.interval} s buckets: {misaligned[:5]}")
        if outside:
            problems.append(f"{stream.name}: outside [{start}, {end}): {outside[:5]}")
        if missing:
            problems.append(f"{stream.name}: missing {len(missing)} bar(s): {missing[:5]}")
        if stream.missing_buckets:
            problems.append(f"{stream.name}: the runner itself reported missing bars {stream.missing_buckets[:5]}")
        if not loaded:
            problems.append(f"{stream.name}: loaded nothing")
    assert not problems, "; ".join(problems)


@then("the {name} stream's cache holds its last {count:d} bars, from {first:d} to {last:d}")
def step_cache_holds(context, name, count, first, last):
    stream = _report(context).stream(name)
    expected = list(range(first, last + 1, stream.interval))
    assert len(expected) == count, f"the scenario's own numbers disagree: {count} bars of {stream.interval} s do not span {first}..{last}"
    assert stream.period == count, f"the {name} stream keeps {stream.period} bars, not {count}"
    assert stream.cache_ts == expected, f"the {name} stream's cache after the backfill holds {stream.cache_ts}, expected {expected}"


@then("each stream reports its backfill complete up to {end:d}")
def step_metric_end(context, end):
    report = _report(context)
    wrong = {}
    for stream in report.streams:
        value = report.metric("backfill_last_timestamp", node_id=stream.node_id, interval=stream.interval)
        if value != end:
            wrong[stream.name] = value
    assert not wrong, f"backfill_last_timestamp{{node_id,interval}} should read {end}; it read {wrong} (None: no such sample)"


@then("the runner reported backfill jobs in progress while loading and none once it finished")
def step_jobs_gauge(context):
    report = _report(context)
    while_loading = [e.get("jobs_in_progress") for e in report.timeline if e["event"] == "stream_backfill_started"]
    assert while_loading and all(isinstance(v, int) and v >= 1 for v in while_loading), (
        f"each stream's backfill should count as a job in progress while it loads; the run recorded {while_loading}"
    )
    final = report.metric("backfill_jobs_in_progress")
    assert final == 0, f"backfill_jobs_in_progress should read 0 after the run; it read {final}"


@then("{count:d} live bars were processed for each stream")
def step_live_count(context, count):
    report = _report(context)
    counts = {s.name: sum(1 for e in report.processed if e["node_id"] == s.node_id) for s in report.streams}
    assert all(n == count for n in counts.values()), f"expected {count} live bars per stream, processed {counts}"


@then("every live bar is later than the last backfilled bar of its stream")
def step_live_later(context):
    report = _report(context)
    early = []
    for stream in report.streams:
        last = max(stream.loaded_ts, default=None)
        early += [f"{stream.name} {e['ts']} (last backfilled {last})" for e in report.processed if e["node_id"] == stream.node_id and last is not None and e["ts"] <= last]
    assert not early, f"live bars not later than the backfill: {early[:6]}"


@then("no live bar was processed before the backfill finished")
def step_live_after_backfill(context):
    report = _report(context)
    finished = report.first_event_seq("backfill_finished")
    assert finished is not None, f"the run never recorded the end of its backfill: {[e['event'] for e in report.timeline][:20]}"
    early = [f"{e.get('stream', e['node_id'])} bar {e['ts']} (event {e['seq']})" for e in report.processed if e["seq"] < finished]
    assert not early, f"{len(early)} live bar(s) were processed before the backfill finished (event {finished}): {early[:6]}"


@then("the momentum signal was computed from the live bars")
def step_signal_computed(context):
    report = _report(context)
    live_ts = {e["ts"] for e in report.processed}
    values = [o for o in report.outputs if o.get("node") == "momentum"]
    assert values, f"no momentum value was computed; outputs: {report.outputs[:5]}"
    assert all(o["ts"] in live_ts and isinstance(o.get("value"), (int, float)) for o in values), f"momentum values not tied to live bars: {values[:5]}"


@then("within {seconds:d} seconds the Gateway lists the backfilled strategy in the backfill world")
def step_bound(context, seconds):
    strategy_id = _report(context).strategy_id
    world = context.backfill_world

    def bound():
        answer = context.gateway.world_bindings(world)
        listed = answer.body.get("strategies") if isinstance(answer.body, dict) else None
        assert answer.status == 200 and strategy_id in (listed or []), f"world {world} bindings: {answer.describe()}"
        return answer

    eventually(bound, within=context.suite.seconds(seconds), what=f"world {world} lists strategy {strategy_id}")


@then("the Gateway knows the backfilled strategy")
def step_known(context):
    strategy_id = _report(context).strategy_id
    answer = context.gateway.strategy_status(strategy_id)
    assert answer.status == 200, f"the Gateway does not know strategy {strategy_id}: {answer.describe()}"


@then("the backfill run reports the {name} stream missing the bars at {bars}")
def step_missing(context, name, bars):
    expected = _bar_list(bars)
    stream = _report(context).stream(name)
    assert stream.missing_buckets == expected, f"the {name} stream reported missing {stream.missing_buckets}, expected {expected}"
    absent = set(expected) & set(stream.loaded_ts)
    assert not absent, f"bars reported missing were loaded anyway: {sorted(absent)}"


@then("the backfill run reports no missing bars for the {name} stream")
def step_none_missing(context, name):
    stream = _report(context).stream(name)
    assert stream.missing_buckets == [], f"the {name} stream reported missing bars {stream.missing_buckets[:10]}"


@then("the runner warns about each missing bar")
def step_warns(context):
    run = context.backfill_run
    missing = [b for s in _report(context).streams for b in s.missing_buckets]
    unnamed = [b for b in missing if str(b) not in run.stderr]
    assert missing and not unnamed, f"the runner's warning should name each missing bar; it did not name {unnamed}: {run.stderr.strip()!r}"


@then("both backfill runs loaded the same bars, cached the same rows and computed the same live results")
def step_identical(context):
    first, second = (run.report for run in context.backfill_runs)

    def essence(report):
        return {
            "streams": [(s.name, s.node_id, s.fetch_windows, s.loaded_ts, s.missing_buckets, s.cache_rows) for s in report.streams],
            "live": [(e["node_id"], e["ts"]) for e in report.processed],
            "outputs": [(o.get("node"), o.get("ts"), o.get("value")) for o in report.outputs],
            "metrics": sorted((n, sorted(l), v) for (n, l), v in report.metrics.items()),
        }

    one, two = essence(first), essence(second)
    differing = [key for key in one if one[key] != two[key]]
    assert not differing, f"the two runs differ in {differing}: first {[one[k] for k in differing]!s:.600} second {[two[k] for k in differing]!s:.600}"


@then("the runner stops within {seconds:d} seconds with a non-zero exit")
def step_refused(context, seconds):
    run = context.backfill_run
    assert run.returncode is not None, f"the runner did not stop: {run.describe()}"
    assert run.returncode != 0, f"the runner accepted the command: {run.describe()}"
    limit = context.suite.seconds(seconds)
    assert run.seconds <= limit, f"the runner took {run.seconds:.2f} s to refuse, more than {limit:.2f} s"


@then('the runner explains the problem in one line mentioning "{mention}"')
def step_one_line(context, mention):
    run = context.backfill_run
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line of explanation, got {len(lines)}: {run.stderr[-1500:]!r}"
    assert "Traceback" not in run.stderr, f"the runner printed a traceback: {run.stderr[-1500:]!r}"
    assert mention.lower() in lines[0].lower(), f"the explanation does not mention {mention!r}: {lines[0]!r}"


@then("within {seconds:d} second nothing has been bound to the backfill world")
@then("within {seconds:d} seconds nothing has been bound to the backfill world")
def step_nothing_bound(context, seconds):
    world = context.backfill_world

    def bound():
        answer = context.gateway.world_bindings(world)
        if answer.status == 404:
            return None
        listed = answer.body.get("strategies") if isinstance(answer.body, dict) else answer.body
        return f"world {world} lists {listed}" if listed or answer.status != 200 else None

    never(bound, for_seconds=context.suite.seconds(seconds), what=f"nothing should be bound to world {world}")
