"""`ppcheck serve` under a bounded load, against in-process evaluation of the same cases in the same run.

    pip install -e '.[serve]' && python benchmarks/service.py [--seconds 10] [--workers 1] [--clients 1,8,32]

It starts `ppcheck serve` on a free loopback port with the default rulebook (never anything but 127.0.0.1),
then, for each number of concurrent clients, posts the bundled examples round-robin to `POST /v1/check` for a
fixed time and stops. It prints p50 / p95 / p99 latency, the throughput, and the ratio of that throughput to
what one process achieves in-process on the same cases in this run — `evaluate()` alone (the issue's measure,
target ≥ 0.7 per worker process), and `evaluate()` plus the JSON document the service sends (the same work the
service does) — divided by the number of worker processes. The clients run in this process (asyncio + httpx)
on the same machine: on two cores, client, event loop and workers share them, which the ratio includes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import httpx

import ppcompliance as pp

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
AS_OF = date(2024, 6, 30)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def in_process(seconds: float) -> tuple[float, float, float]:
    """Cases a second in one process: evaluate() alone on loaded timelines, and the service's work — read the
    JSON body, evaluate, write the JSON document (full, and compact)."""
    rulebook = pp.load_rulebook()
    timelines = [pp.load_timeline(p) for p in EXAMPLES]
    bodies = [p.read_bytes() for p in EXAMPLES]

    def rate(work) -> float:
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            for timeline, body in zip(timelines, bodies):
                work(timeline, body)
            done += len(timelines)
        return done / (time.perf_counter() - start)

    bare = rate(lambda t, b: pp.evaluate(rulebook, t, AS_OF))
    documented = rate(lambda t, b: json.dumps(pp.report_to_dict(pp.evaluate(rulebook, pp.parse_timeline(b), AS_OF),
                                                                rulebook), ensure_ascii=False).encode())
    compact = rate(lambda t, b: json.dumps(pp.compact_record(pp.evaluate(rulebook, pp.parse_timeline(b), AS_OF),
                                                             rulebook), ensure_ascii=False).encode())
    return bare, documented, compact


async def load(port: int, clients: int, seconds: float, detail: str = "full") -> tuple[list[float], int, int]:
    """``clients`` concurrent clients for ``seconds``: every request's latency, and how many were not 200."""
    bodies = [p.read_bytes() for p in EXAMPLES]
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=60) as client:
        async def one_client(n: int) -> None:
            nonlocal failures
            i = n
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.post("/v1/check", params={"as_of": AS_OF.isoformat(), "detail": detail},
                                             content=bodies[i % len(bodies)],
                                             headers={"Content-Type": "application/json"})
                latencies.append(time.perf_counter() - started)
                failures += response.status_code != 200
                i += 1

        await asyncio.gather(*(one_client(n) for n in range(clients)))
    return latencies, failures, len(latencies)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="how long each load runs")
    parser.add_argument("--workers", type=int, default=1, help="the service's worker processes")
    parser.add_argument("--clients", default="1,8,32", help="numbers of concurrent clients")
    args = parser.parse_args()

    port = free_port()
    ppcheck = str(Path(sys.executable).with_name("ppcheck"))
    server = subprocess.Popen([ppcheck, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers",
                               str(args.workers)], stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        else:
            raise SystemExit("the service did not start")
        print(f"ppcheck serve --workers {args.workers}; {len(EXAMPLES)} bundled examples round-robin to "
              f"POST /v1/check; {os.cpu_count()} cores; {args.seconds:g} s per load")
        asyncio.run(load(port, 2, 2.0))  # warm up
        bare, documented, compact = in_process(args.seconds / 2)
        print(f"in-process, one process: evaluate() {bare:,.0f} cases/s; read + evaluate() + the full JSON document "
              f"{documented:,.0f} cases/s; read + evaluate() + the compact record {compact:,.0f} cases/s")
        print(f"{'detail':>7}  {'clients':>7}  {'p50 ms':>7}  {'p95 ms':>7}  {'p99 ms':>7}  {'req/s':>7}  "
              f"{'errors':>6}  {'÷ evaluate() per worker':>24}  {'÷ same work in-process per worker':>34}")
        for detail, same in (("full", documented), ("compact", compact)):
            for clients in (int(c) for c in args.clients.split(",")):
                latencies, failures, count = asyncio.run(load(port, clients, args.seconds, detail))
                throughput = count / args.seconds
                print(f"{detail:>7}  {clients:>7}  {percentile(latencies, 50) * 1000:>7.1f}  "
                      f"{percentile(latencies, 95) * 1000:>7.1f}  {percentile(latencies, 99) * 1000:>7.1f}  "
                      f"{throughput:>7,.0f}  {failures:>6}  {throughput / bare / args.workers:>24.2f}  "
                      f"{throughput / same / args.workers:>34.2f}")
                if failures:
                    print(f"  {failures} responses were not 200", file=sys.stderr)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
