"""Submission and diff latency against the reference stack (a measurement, not a test).

    python benchmarks/strategy_latency.py [--submissions 200] [--diffs 200]

Brings the reference stack up, then measures:
- the 202 round trip of POST /strategies (a fresh two-node DAG each time),
- the time from 202 to the status "completed" (the worker's diff, polled),
- a DAG Manager Diff over gRPC, every chunk acknowledged (a fresh DAG each time),
and prints median, 95th percentile and max of each, in milliseconds.
"""
from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_support import reference_stack  # noqa: E402
from bench_support import summary as latency_summary

from qmtl_acceptance.clients.dagmanager import DagManagerClient  # noqa: E402
from qmtl_acceptance.clients.gateway import GatewayClient  # noqa: E402
from qmtl_acceptance.dag import two_node_strategy  # noqa: E402
from qmtl_acceptance.eventually import eventually  # noqa: E402

WARMUP = 10


def summary(name: str, samples: list[float]) -> str:
    return latency_summary(name, samples, width=34)


def measure_submissions(gateway: GatewayClient, world_id: str, count: int) -> tuple[list[float], list[float]]:
    round_trips, to_completed = [], []
    for i in range(count + WARMUP):
        dag = two_node_strategy(f"bench-{uuid.uuid4().hex}")
        started = time.perf_counter()
        answer = gateway.submit_strategy(dag.as_json(), [world_id], dag.crc32)
        accepted = time.perf_counter()
        if answer.status != 202:
            raise SystemExit(f"submission {i} was not accepted: {answer.describe()}")
        strategy_id = answer.body["strategy_id"]

        def completed():
            status = gateway.strategy_status(strategy_id).body.get("status")
            assert status == "completed", status

        eventually(completed, within=10, what=f"strategy {strategy_id} completes", every=0.002)
        if i >= WARMUP:
            round_trips.append(accepted - started)
            to_completed.append(time.perf_counter() - accepted)
    return round_trips, to_completed


def measure_diffs(client: DagManagerClient, count: int) -> list[float]:
    samples = []
    for i in range(count + WARMUP):
        dag = two_node_strategy(f"bench-diff-{uuid.uuid4().hex}")
        started = time.perf_counter()
        client.diff(f"bench-{uuid.uuid4()}", dag.as_json(), world_id="bench", execution_domain="live")
        if i >= WARMUP:
            samples.append(time.perf_counter() - started)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--diffs", type=int, default=200)
    args = parser.parse_args()
    with reference_stack() as endpoints:
        gateway = GatewayClient(endpoints.gateway_url)
        try:
            world_id = f"bench-{uuid.uuid4().hex[:8]}"
            gateway.create_world(world_id, "latency benchmark")
            round_trips, to_completed = measure_submissions(gateway, world_id, args.submissions)
            with DagManagerClient(endpoints.dagmanager_address) as client:
                diffs = measure_diffs(client, args.diffs)
        finally:
            gateway.close()
    print(summary("POST /strategies (202 round trip)", round_trips))
    print(summary("202 → status completed", to_completed))
    print(summary("DAG Manager Diff (acknowledged)", diffs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
