"""Live activation-event delivery latency against the reference stack (a measurement, not a test).

    python benchmarks/event_latency.py [--events 200] [--subscribers 2]

Brings the reference stack up, opens `--subscribers` sockets on /ws/evt for one
world (plus one socket on a second world that must receive nothing), then
changes the strategy's activation through the Gateway `--events` times, one at
a time. For each change it records the time from sending the PUT to the
arrival of the matching activation_updated frame on every socket of the world
(WorldService -> Redis stream -> Gateway -> WebSocket), and prints median,
95th percentile and max in milliseconds.
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

from qmtl_acceptance.clients.events import EventStream  # noqa: E402
from qmtl_acceptance.clients.gateway import GatewayClient  # noqa: E402
from qmtl_acceptance.eventually import eventually  # noqa: E402

WARMUP = 10


def summary(name: str, samples: list[float]) -> str:
    return latency_summary(name, samples, width=40)


def open_stream(gateway: GatewayClient, world_id: str, strategy_id: str) -> EventStream:
    answer = gateway.subscribe(world_id, strategy_id, ["activation"])
    if answer.status != 200:
        raise SystemExit(f"subscription refused: {answer.describe()}")
    return EventStream.open(answer.body["stream_url"], answer.body["token"])


def measure(gateway: GatewayClient, count: int, subscribers: int) -> tuple[list[float], list[float], int]:
    world, elsewhere, strategy = (f"bench-{uuid.uuid4().hex[:8]}" for _ in range(3))
    for world_id in (world, elsewhere):
        gateway.create_world(world_id, "latency benchmark")
    streams = [open_stream(gateway, world, strategy) for _ in range(subscribers)]
    bystander = open_stream(gateway, elsewhere, strategy)
    first_arrivals, last_arrivals = [], []
    try:
        for i in range(count + WARMUP):
            weight = round((i % 100) / 100, 2)
            sent = time.monotonic()
            answer = gateway.request("PUT", f"/worlds/{world}/activation",
                                     json={"strategy_id": strategy, "side": "long", "active": True, "weight": weight})
            if answer.status != 200:
                raise SystemExit(f"activation change {i} failed: {answer.describe()}")
            etag = answer.body["etag"]

            def arrivals() -> list[float]:
                found = []
                for stream in streams:
                    frames = stream.frames(lambda f: f.type == "activation_updated" and f.payload["data"].get("etag") == etag)
                    assert frames, f"not yet on every socket: {stream.describe()}"
                    found.append(frames[0].received_at)
                return found

            times = eventually(arrivals, within=10, what=f"event {etag} on every socket", every=0.0005)
            if i >= WARMUP:
                first_arrivals.append(min(times) - sent)
                last_arrivals.append(max(times) - sent)
        leaked = len(bystander.frames(lambda f: f.type == "activation_updated"))
    finally:
        for stream in [*streams, bystander]:
            stream.close()
    return first_arrivals, last_arrivals, leaked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--subscribers", type=int, default=2)
    args = parser.parse_args()
    with reference_stack() as endpoints:
        gateway = GatewayClient(endpoints.gateway_url)
        try:
            first, last, leaked = measure(gateway, args.events, args.subscribers)
        finally:
            gateway.close()
    print(summary("change sent -> first socket has it", first))
    print(summary(f"change sent -> all {args.subscribers} sockets have it", last))
    print(f"frames that reached the other world's socket: {leaked}")
    return 1 if leaked else 0


if __name__ == "__main__":
    raise SystemExit(main())
