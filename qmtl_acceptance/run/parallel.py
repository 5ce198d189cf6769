"""`-n N`: one stack, N behave worker processes attached to it, and the `@serial` scenarios apart.

The command starts the stack once, in its own process, and writes a handoff
file (endpoints, service logs, the Gateway's signing keys) each worker reads
through `stack.attached`. Workers are the acceptance command itself, each
handed its share of the selection as a list of `feature:line` locations and
its own reports folder; their hooks, evidence and skips are the serial run's.
While they run, this process watches the stack it started; a death ends the
run exactly as in a serial run. The `@serial` scenarios (restarts, outages)
never share a stack with other scenarios: where the target can run a second
copy of itself (local processes; QMTL's in a network namespace of its own),
one more worker boots its own copy and runs them while the others run;
elsewhere they run in this process against the same stack after the workers
are done. The workers interleave in the shared stack's logs, so this process
holds the log invariant for the whole phase. Every phase's reports merge into
one set with one ledger, one closing line, one exit code.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from ..logscan import LogWatch
from ..stack import attached
from . import distribute, gate, merge, outcome
from .selection import LIST_ENV, SelectedScenario

WORKERS_DIR = ".workers"
PERF_TAG = "perf"
_STOP_WAIT_SECONDS = 30.0


@dataclass
class Worker:
    number: int
    folder: Path
    items: list[SelectedScenario]
    process: subprocess.Popen | None = None
    started: float = 0.0
    seconds: float = 0.0
    # The worker that boots a stack of its own for the @serial scenarios, rather than attaching.
    own_stack: bool = False

    @property
    def title(self) -> str:
        return "serial worker (its own stack)" if self.own_stack else f"worker {self.number}"


def _say(message: str) -> None:
    print(f"qmtl-acceptance: {message}", file=sys.stderr, flush=True)


def is_serial(item: SelectedScenario) -> bool:
    # Restarting a service under other workers' scenarios would fail them: whatever restarts runs alone.
    return distribute.is_serial(item) or any(t.startswith("use.with_restarts") for t in item.tags)


def is_quiet(item: SelectedScenario) -> bool:
    # A performance budget is measured on a machine doing nothing else: these wait for every worker.
    return PERF_TAG in item.tags


def _worker_args(args: list[str], worker: Worker) -> list[str]:
    located = distribute.location_args(args, worker.items, worker.folder / "scenarios.list")
    return [*located, "-D", f"reports_dir={worker.folder}"]


def _start(worker: Worker, args: list[str], handoff: Path | None, launcher: Sequence[str] = ()) -> None:
    env = dict(os.environ, **{LIST_ENV: str(worker.folder / "scenarios.list")})
    env.pop(attached.ATTACH_ENV, None)
    if handoff is not None:
        env[attached.ATTACH_ENV] = str(handoff)
    worker.folder.mkdir(parents=True, exist_ok=True)
    console = open(worker.folder / "console.log", "wb")
    worker.started = time.monotonic()
    command = [*launcher, sys.executable, "-m", "qmtl_acceptance.cli", *_worker_args(args, worker)]
    worker.process = subprocess.Popen(command,
                                      stdin=subprocess.DEVNULL, stdout=console, stderr=subprocess.STDOUT, env=env)
    console.close()


def _stop_all(workers: Sequence[Worker]) -> None:
    for worker in workers:
        if worker.process is not None and worker.process.poll() is None:
            worker.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + _STOP_WAIT_SECONDS
    for worker in workers:
        if worker.process is None:
            continue
        try:
            worker.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait()


def _wait(workers: Sequence[Worker]) -> None:
    pending = [w for w in workers if w.process is not None]
    while pending:
        for worker in list(pending):
            assert worker.process is not None
            if worker.process.poll() is not None:
                worker.seconds = time.monotonic() - worker.started
                pending.remove(worker)
                _report(worker)
        time.sleep(0.1)  # the command's own loop, not a step: nothing to wait on but child exits


def _report(worker: Worker) -> None:
    results, stop, _ = merge.phase_results(worker.folder)
    counts = {s: sum(r.status == s for r in results) for s in ("passed", "failed", "skipped")}
    extra = f"; {stop.kind}: {outcome.first_line(stop.message)}" if stop else ""
    _say(f"{worker.title}: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped "
         f"in {worker.seconds:.1f} s{extra}")


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _collect(worker: Worker, ledger: outcome.RunLedger, reports_dir: Path) -> None:
    results, stop, verdict = merge.phase_results(worker.folder)
    for result in results:
        ledger.record(result)
    if stop is not None and stop.kind == "interrupted":
        ledger.stop_once("interrupted", f"{worker.title}: {stop.message}")
    elif stop is not None:
        ledger.stop_once("worker_failed" if stop.kind == "not_started" else stop.kind, f"{worker.title}: {stop.message}")
    elif not verdict and worker.process is not None:
        log = _shown(reports_dir / "logs" / f"{worker.folder.name}.console.log")
        ledger.stop_once("worker_failed", f"{worker.title} exited with code {worker.process.returncode} "
                                          f"without a verdict; its output is in {log}")


def run_parallel(args: list[str], items: list[SelectedScenario], workers: int, reports_dir: Path, config,
                 run_serial: Callable[[list[str]], None]) -> None:
    """Run `items` over `workers` processes and the serial ones apart; results land in the ledger."""
    from ..errors import SuiteError
    from ..stack import provider_for

    ledger = outcome.ledger()
    root = reports_dir / WORKERS_DIR
    merge.discard(root)
    parallel = [i for i in items if not is_serial(i)]
    serial = [i for i in items if is_serial(i) and not is_quiet(i)]
    quiet = [i for i in items if is_serial(i) and is_quiet(i)]
    bins = distribute.split(parallel, workers, distribute.load_durations(reports_dir)) if parallel else []
    crew = [Worker(n, root / f"worker-{n}", chosen) for n, chosen in enumerate(bins, 1) if chosen]
    provider = provider_for(config)
    beside = Worker(0, root / "serial", serial, own_stack=True) if serial and provider.independent_copies else None
    after = quiet if beside else serial + quiet
    everyone = ([beside] if beside else []) + crew
    phases: list[Path] = []
    try:
        # The serial worker boots its copy while this process boots the workers' one.
        if beside is not None:
            _start(beside, args, None, provider.copy_launcher())
        booted = time.monotonic()
        try:
            endpoints = provider.start()
        except SuiteError as exc:
            ledger.stop_once("not_started", str(exc))
            return
        apart = (f"and {len(serial)} @serial at the same time on a stack of their own" if beside
                 else f"then {len(after)} @serial")
        if serial and not beside and provider.why_no_copies:
            apart += f" (no second {provider.name} stack: {provider.why_no_copies})"
        if beside and quiet:
            apart += f", then {len(quiet)} @perf alone"
        _say(f"{provider.name} stack ready in {time.monotonic() - booted:.2f} s; "
             f"{len(parallel)} scenarios over {len(crew)} workers, {apart}")
        handoff = attached.hand_off(provider, endpoints, root / "stack")
        watchdog = gate.watch(provider.liveness_checks())
        # The workers' scenarios interleave in the shared stack's logs: this process holds the log invariant for them.
        shared_logs = LogWatch(provider.log_files())
        shared_logs.mark()
        try:
            for worker in crew:
                _start(worker, args, handoff)
            _wait(everyone)
            _hold_shared_logs(shared_logs, ledger)
        except KeyboardInterrupt:
            ledger.stop_once("interrupted", "interrupted")
            _stop_all(everyone)
        finally:
            watchdog.stop()
            _stop_all(everyone)
        for worker in everyone:
            phases.append(worker.folder)
            _collect(worker, ledger, reports_dir)
        if after and ledger.stop is None:
            _serial_here(args, after, root / "alone", provider, endpoints, run_serial)
            phases.append(root / "alone")
    finally:
        _stop_all(everyone)  # a no-op once they have exited; here for an interrupt while the stack boots
        attached.unshare()
        provider.stop()
        merge.merge_phases(phases, reports_dir)
        merge.discard(root)
        _write_clauses(items, ledger, reports_dir)


def _hold_shared_logs(watch: LogWatch, ledger: outcome.RunLedger) -> None:
    for service, excerpt in sorted(watch.new_errors().items()):
        ledger.service_errors[service] = excerpt
        _say(f"{service} logged an unhandled error while the workers shared the stack (its log: "
             f"{_shown(watch.files[service])}); no one scenario can be held to it:\n"
             + "\n".join("  " + line for line in excerpt.splitlines()[:12]))


def _serial_here(args: list[str], serial: list[SelectedScenario], folder: Path, provider, endpoints,
                 run_serial: Callable[[list[str]], None]) -> None:
    """Scenarios that must run alone, in this process against the workers' stack, now that they are done with it."""
    attached.share(provider, endpoints)
    started = time.monotonic()
    phase_args = distribute.location_args(args, serial, folder / "scenarios.list")
    os.environ[LIST_ENV] = str(folder / "scenarios.list")
    try:
        run_serial([*phase_args, "-D", f"reports_dir={folder}"])
    finally:
        os.environ.pop(LIST_ENV, None)
    _say(f"serial phase: {len(serial)} scenarios in {time.monotonic() - started:.1f} s")


def _write_clauses(items: list[SelectedScenario], ledger: outcome.RunLedger, reports_dir: Path) -> None:
    """The clause coverage of all phases together (each phase only saw its own share)."""
    from .. import clauses

    if not ledger.results:
        return
    tags = {item.key: item.tags for item in items}
    coverage = clauses.ClauseLedger(clauses.load_cached())
    for result in ledger.results:
        coverage.record(result.key.name, tags.get(result.key, ()), result.status,
                        result.message if result.status == "skipped" else "")
    coverage.write(reports_dir / "clauses.json")
    _say(f"{coverage.summary_line()} ({reports_dir / 'clauses.json'})")
