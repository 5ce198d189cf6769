"""How fast the suite itself is: stack boot, the default run serial and with workers, and smoke against its floor.

    .venv/bin/python benchmarks/suite_speed.py [--boots 3] [--workers 2] [--skip-runs]

Prints each figure and writes them all to reports/benchmarks/suite_speed.json:

- boot: the reference stack started and stopped `--boots` times (median, each);
- default run: wall time of `qmtl-acceptance` (every feature) serial and with `-n N`, the speed-up,
  and the per-scenario overhead (wall time less the boot and the scenarios' own recorded time, per scenario);
- fixed start-up: a dry run of the smoke feature (interpreter, imports, parsing; no stack, no scenario);
- smoke vs floor: the smoke feature as one behave process attached to one running stack (external target),
  against a plain script making the same protocol calls with the same client libraries to the same stack.

A measurement, not a test: nothing here passes or fails. The machine's load is recorded beside the figures.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qmtl_acceptance.config import load_config  # noqa: E402
from qmtl_acceptance.stack import provider_for  # noqa: E402

SMOKE = "features/smoke"


def _cli(args: list[str], reports: Path) -> tuple[float, int, dict]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "qmtl_acceptance.cli", *args, "-D", f"reports_dir={reports}"],
                          cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - started
    try:
        summary = json.loads((reports / "run.json").read_text())
    except (OSError, ValueError):
        summary = {}
    return wall, done.returncode, summary


def boot_times(count: int) -> list[float]:
    times = []
    for _ in range(count):
        with tempfile.TemporaryDirectory(prefix="qmtl-bench-") as reports:
            provider = provider_for(load_config({"reports_dir": reports}))
            started = time.monotonic()
            try:
                provider.start()
                times.append(time.monotonic() - started)
            finally:
                provider.stop()
    return times


def default_run(workers: int, durations_from: Path | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="qmtl-bench-") as folder:
        reports = Path(folder)
        if durations_from is not None and durations_from.is_file():  # the split balances by recorded time
            (reports / "durations.json").write_bytes(durations_from.read_bytes())
        args = ["-n", str(workers)] if workers > 1 else []
        wall, code, summary = _cli(args, reports)
        seconds = sum(r.get("seconds", 0.0) for r in summary.get("results", []))
        if workers == 1 and (reports / "durations.json").is_file():
            Path(DURATIONS_KEPT).write_bytes((reports / "durations.json").read_bytes())
        return {"wall_s": round(wall, 2), "exit_code": code, "verdict": summary.get("verdict", ""),
                "scenarios_run": summary.get("scenarios_run", 0), "scenario_seconds": round(seconds, 2)}


DURATIONS_KEPT = str(ROOT / "reports" / "benchmarks" / "durations-serial.json")


def smoke_floor(endpoints) -> None:
    """The smoke feature's protocol calls, in a plain script: worlds, tokens, streams, submissions."""
    from qmtl_acceptance.clients.events import EventStream
    from qmtl_acceptance.clients.gateway import GatewayClient
    from qmtl_acceptance.clients.tokens import verify
    from qmtl_acceptance.dag import two_node_strategy
    from qmtl_acceptance.eventually import eventually

    gateway = GatewayClient(endpoints.gateway_url)
    tag = f"floor-{os.getpid()}-{time.monotonic_ns()}"
    try:
        for _ in range(2):  # each outline runs /status and /health
            for answer in (gateway.status(), gateway.health()):
                assert answer.status == 200, answer.describe()
        for scenario in ("tokens", "streams", "submissions"):
            worlds = {role: f"{tag}-{scenario}-{role}" for role in ("alpha", "beta")}
            for role, world in worlds.items():
                assert gateway.create_world(world, f"floor world {role}").status in (200, 201)
            if scenario in ("tokens", "streams"):
                topics = ["activation", "queue"] if scenario == "tokens" else ["activation"]
                subs = {role: gateway.subscribe(world, f"{world}-strategy", topics) for role, world in worlds.items()}
                if scenario == "tokens":
                    jwks = gateway.jwks().body
                    for sub in subs.values():
                        verify(sub.body["token"], jwks)
                else:
                    for sub in subs.values():
                        EventStream.open(sub.body["stream_url"], sub.body["token"]).close()
            else:
                ids = {}
                for role, world in worlds.items():
                    dag = two_node_strategy(f"{world}-dag")
                    answer = gateway.submit_strategy(dag.as_json(), [world], dag.crc32)
                    assert answer.status == 202, answer.describe()
                    ids[role] = answer.body["strategy_id"]
                for role, world in worlds.items():
                    def bound(world=world, own=ids[role]):
                        assert own in gateway.world_bindings(world).body.get("strategies", [])
                    eventually(bound, within=5.0, what="the world lists its strategy")
    finally:
        gateway.close()


def smoke_against_floor(runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="qmtl-bench-") as folder:
        provider = provider_for(load_config({"reports_dir": folder}))
        endpoints = provider.start()
        try:
            defines = [f"-D{name}={getattr(endpoints, name)}" for name in
                       ("gateway_url", "worldservice_url", "dagmanager_address", "redis_url", "postgres_dsn")]
            smoke, floor, dry = [], [], []
            for n in range(runs):
                wall, code, summary = _cli([SMOKE, "-Dtarget=external", *defines], Path(folder) / f"smoke-{n}")
                if code == 0:
                    smoke.append(wall)
                started = time.monotonic()
                subprocess.run([sys.executable, __file__, "--floor-only", endpoints.gateway_url], cwd=ROOT, check=True)
                floor.append(time.monotonic() - started)
                started = time.monotonic()
                subprocess.run([sys.executable, "-m", "qmtl_acceptance.cli", SMOKE, "--dry-run", "-f", "null",
                                "-D", f"reports_dir={Path(folder) / f'dry-{n}'}"],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                dry.append(time.monotonic() - started)
        finally:
            provider.stop()
    s, f, d = (statistics.median(x) if x else None for x in (smoke, floor, dry))
    return {"smoke_s": s and round(s, 3), "floor_s": f and round(f, 3), "fixed_startup_s": d and round(d, 3),
            "smoke_over_floor": s and f and round(s / f, 2),
            "smoke_less_startup_over_floor": s and f and d and round(max(s - d, 0.0) / f, 2),
            "smoke_runs_passed": len(smoke), "runs": runs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boots", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--smoke-runs", type=int, default=3)
    parser.add_argument("--skip-runs", action="store_true", help="leave out the two default runs (minutes)")
    parser.add_argument("--floor-only", metavar="GATEWAY_URL", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.floor_only:
        from qmtl_acceptance.stack import StackEndpoints

        smoke_floor(StackEndpoints(gateway_url=options.floor_only))
        return 0
    out = ROOT / "reports" / "benchmarks"
    out.mkdir(parents=True, exist_ok=True)
    figures: dict = {"load_average_at_start": list(os.getloadavg()), "cores": os.cpu_count()}
    boots = boot_times(options.boots)
    figures["boot"] = {"median_s": round(statistics.median(boots), 2), "each_s": [round(b, 2) for b in boots]}
    print(f"stack boot: median {figures['boot']['median_s']:.2f} s of {figures['boot']['each_s']}", flush=True)
    if not options.skip_runs:
        serial = default_run(1, None)
        print(f"default run, serial: {serial['wall_s']:.1f} s ({serial['verdict']})", flush=True)
        parallel = default_run(options.workers, Path(DURATIONS_KEPT))
        print(f"default run, -n {options.workers}: {parallel['wall_s']:.1f} s ({parallel['verdict']})", flush=True)
        speedup = serial["wall_s"] / parallel["wall_s"] if parallel["wall_s"] else None
        overhead = ((serial["wall_s"] - figures["boot"]["median_s"] - serial["scenario_seconds"]) / serial["scenarios_run"]
                    if serial["scenarios_run"] else None)
        figures["default_run"] = {"serial": serial, f"workers_{options.workers}": parallel,
                                  "speedup": speedup and round(speedup, 2),
                                  "per_scenario_overhead_s": overhead and round(overhead, 3)}
        print(f"speed-up with {options.workers} workers: {speedup:.2f}x; per-scenario overhead {overhead * 1000:.0f} ms",
              flush=True)
    figures["smoke"] = smoke_against_floor(options.smoke_runs)
    sm = figures["smoke"]
    print(f"smoke feature {sm['smoke_s']} s, floor {sm['floor_s']} s (x{sm['smoke_over_floor']}); fixed start-up "
          f"{sm['fixed_startup_s']} s; smoke less start-up over floor x{sm['smoke_less_startup_over_floor']}", flush=True)
    figures["load_average_at_end"] = list(os.getloadavg())
    target = out / "suite_speed.json"
    target.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"written: {target.relative_to(ROOT)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
