"""`python -m mutation`: draw a seeded sample of mutants, run each on its own stack, table and score them.

Exit status: 0 when the score reaches the threshold, 1 below it, 2 on bad
input, 130 when interrupted (every run under way is ended and its scratch
copy removed; the working tree is never mutated).
"""
from __future__ import annotations

import argparse
import shutil
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from importlib.metadata import version
from pathlib import Path

from mutation import mutants as mutant_source
from mutation import report, scratch
from mutation.run import EQUIVALENT, KILLED, TIMED_OUT, LiveRuns, Outcome, run_one
from mutation.settings import PROJECT_ROOT, load_equivalent, load_settings


def parse_args(argv: list[str] | None):
    s = load_settings()
    parser = argparse.ArgumentParser(prog="python -m mutation", description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=s.sample, help=f"mutants to draw (default {s.sample})")
    parser.add_argument("--seed", type=int, default=s.seed, help=f"the draw's seed (default {s.seed})")
    parser.add_argument("--jobs", type=int, default=s.jobs, help=f"mutants at once (default {s.jobs})")
    parser.add_argument("--timeout", type=float, default=s.timeout_seconds, help="seconds per mutant")
    parser.add_argument("--threshold", type=float, default=s.threshold, help="lowest passing score, 0..1")
    parser.add_argument("--key", action="append", default=[], metavar="KEY",
                        help="run exactly these mutants (file:hash, repeatable) instead of a draw")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the unmutated run of each feature set (a red baseline makes every kill meaningless)")
    parser.add_argument("--list", action="store_true", help="print the drawn mutants with their keys and stop")
    parser.add_argument("--reports-dir", type=Path, default=PROJECT_ROOT / "reports", help="where the table goes")
    args = parser.parse_args(argv)
    if args.sample < 1 or args.jobs < 1 or args.timeout <= 0 or not 0 <= args.threshold <= 1:
        parser.error("--sample and --jobs must be at least 1, --timeout positive, --threshold within 0..1")
    return s, args


def main(argv: list[str] | None = None) -> int:
    settings, args = parse_args(argv)
    # SIGTERM (and SIGINT, which a shell's background job ignores) take the Ctrl-C path: every run ended, copies removed.
    signal.signal(signal.SIGTERM, _interrupt)
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, _interrupt)
    source = scratch.snapshot()
    try:
        return _campaign(settings, args, source)
    finally:
        scratch.remove(source)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def _campaign(settings, args, source: Path) -> int:
    try:
        equivalent = load_equivalent()
        if args.key:
            chosen, sites = mutant_source.find(settings, args.key, source), len(args.key)
        else:
            chosen, sites = mutant_source.draw(settings, args.sample, args.seed, source)
    except (LookupError, ValueError) as exc:
        print(f"mutation: {exc}", file=sys.stderr)
        return 2
    if args.list:
        for m in chosen:
            print(f"{m.key}  {m.path}:{m.line}  {m.change}")
        return 0

    started = time.monotonic()
    live = LiveRuns()

    def write_table(final: bool):
        ordered = [outcomes[m.key] for m in chosen if m.key in outcomes]
        meta = {"tool_version": version("cosmic-ray"), "sample": len(chosen), "sites": sites, "seed": args.seed,
                "threshold": args.threshold, "wall_seconds": time.monotonic() - started, "jobs": args.jobs,
                "timeout_seconds": args.timeout, "timeout_scale": settings.timeout_scale, "complete": final,
                "left_out": sorted(set().union(*left_out.values())) if left_out else []}
        result = report.score(ordered)
        return ordered, result, meta, report.write(ordered, result, meta, args.reports_dir)

    # Beside the table, not in a temp folder: a survivor's log is what its triage starts from.
    log_dir = args.reports_dir / "mutation-logs"
    shutil.rmtree(log_dir, ignore_errors=True)
    log_dir.mkdir(parents=True)
    outcomes: dict[str, Outcome] = {}
    pending = []
    for m in chosen:
        if m.key in equivalent:
            outcomes[m.key] = Outcome(m, EQUIVALENT, equivalent[m.key], (), 0.0)
        else:
            pending.append(m)
    print(f"mutation: {len(chosen)} mutants ({len(chosen) - len(pending)} judged equivalent), "
          f"{len(pending)} to run, {args.jobs} at a time", flush=True)

    def one(m):
        features = settings.features_for(m.path)
        verdict, detail, seconds = run_one(m, features, settings_with(args.timeout), live, log_dir, m.short_id, source=source,
                                           leave_out=tuple(sorted(set().union(*(left_out.get(f, ()) for f in features)))))
        return Outcome(m, verdict, detail, features, seconds)

    def settings_with(timeout):
        from dataclasses import replace
        return replace(settings, timeout_seconds=timeout)

    # Scenarios red on the unmutated code, by feature folder: left out of every mutant's run (a kill
    # by them would mean nothing) and named in the report.
    left_out: dict[str, set[str]] = {}

    def baseline(features):
        red: list[str] = []
        verdict, detail, seconds = run_one(None, features, settings_with(args.timeout), live, log_dir,
                                           "baseline-" + "-".join(f.replace("/", "_") for f in features), red=red,
                                           source=source)
        return features, verdict, detail, seconds, red

    pool = ThreadPoolExecutor(max_workers=args.jobs)
    futures = []
    try:
        if not args.no_baseline:
            sets = sorted({settings.features_for(m.path) for m in pending})
            futures = [pool.submit(baseline, f) for f in sets]
            broken = []
            for future in as_completed(futures):
                features, verdict, detail, seconds, red = future.result()
                print(f"baseline {', '.join(features)}: {'green' if verdict == 'survived' else verdict} "
                      f"({seconds:.0f} s){'; red, left out: ' + '; '.join(red) if red else ''}", flush=True)
                if verdict != "survived" and not red:
                    broken.append(f"{', '.join(features)}: {detail}")
                for folder in features:
                    left_out.setdefault(folder, set()).update(red)
            if broken:
                print(f"mutation: the unmutated code cannot be judged ({'; '.join(broken)}; logs: {log_dir})",
                      file=sys.stderr)
                pool.shutdown(wait=True)
                return 2
        futures = [pool.submit(one, m) for m in pending]
        for done, future in enumerate(as_completed(futures), 1):
            o = future.result()
            outcomes[o.mutant.key] = o
            write_table(final=False)  # a long campaign's table so far survives an interrupt
            print(f"[{done}/{len(pending)}] {o.mutant.short_id} {o.mutant.path}:{o.mutant.line} {o.verdict}"
                  f"{' — ' + o.detail if o.detail else ''} ({o.seconds:.0f} s)", flush=True)
    except KeyboardInterrupt:
        print("mutation: interrupted; ending the runs under way", file=sys.stderr, flush=True)
        for f in futures:
            f.cancel()
        live.stop_all()
        pool.shutdown(wait=True, cancel_futures=True)
        return 130
    pool.shutdown(wait=True)

    ordered, result, meta, table = write_table(final=True)
    print(f"mutation: behave logs in {log_dir}")
    print(f"mutation: score {result.value:.1%} (killed {result.killed}, timed out {result.timed_out}, "
          f"survived {result.survived}, equivalent {result.equivalent}) in {meta['wall_seconds']:.0f} s; table: {table}")
    for o in ordered:
        if o.verdict not in (KILLED, TIMED_OUT, EQUIVALENT):
            print(f"  {o.verdict}: {o.mutant.key}  {o.mutant.path}:{o.mutant.line}  {o.mutant.change}")
    if result.value < args.threshold:
        print(f"mutation: score {result.value:.1%} is below the threshold {args.threshold:.0%}", file=sys.stderr)
        return 1
    return 0
