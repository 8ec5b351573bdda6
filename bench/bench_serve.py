"""kzpolicy serve benchmark: concurrent clients against `kzpolicy serve` on loopback.

    python bench/bench_serve.py [--clients 50] [--requests 200] [--quick]   (make bench)

Starts the real command (``python -m kzpolicy serve``: one uvicorn process) on a free
port of 127.0.0.1, then runs CLIENTS asyncio clients at once (httpx2, one keep-alive
connection each), each sending REQUESTS ``POST /v1/assess`` with conditions drawn from
one seed (0 to 10 of the 36 conditions, 70% true). Every answer is checked to be 200
and to name a scenario. Prints the latency of one request (p50, p95, p99, max), the
throughput and the errors. No figure here is a pass/fail test; the bounded run that is
one lives in tests/serve/test_serve_load.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import resource
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

import httpx2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _start(port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kzpolicy", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/kb", timeout=5):
                return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                err = proc.stderr.read().decode() if proc.stderr else ""
                proc.kill()
                raise SystemExit(f"bench_serve: the server did not start\n{err}") from None
            time.sleep(0.1)


def _cpu_seconds(pid: int) -> float | None:
    """The CPU time (user + system) process ``pid`` has used so far (Linux), else None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def _bodies(ids: Sequence[str], seed: int, n: int) -> list[bytes]:
    rng = random.Random(seed)
    return [json.dumps({"conditions": {c: rng.random() < 0.7
                                       for c in rng.sample(list(ids), rng.randint(0, 10))}})
            .encode() for _ in range(n)]


async def _client(base: str, bodies: list[bytes], latencies: list[float],
                  errors: list[str]) -> None:
    limits = httpx2.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx2.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        for body in bodies:
            start = time.perf_counter()
            try:
                answer = await client.post("/v1/assess", content=body,
                                           headers={"content-type": "application/json"})
                data = answer.json()
                ok = answer.status_code == 200 and isinstance(data["scenario"]["id"], str)
            except Exception as exc:  # counted, not raised: the run goes on
                errors.append(f"{type(exc).__name__}: {exc}")
                continue
            latencies.append(time.perf_counter() - start)
            if not ok:
                errors.append(f"status {answer.status_code}: {answer.text[:200]}")


async def _run(base: str, clients: int, requests: int, ids: Sequence[str]) -> tuple[
        list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    start = time.perf_counter()
    await asyncio.gather(*(_client(base, _bodies(ids, seed, requests), latencies, errors)
                           for seed in range(clients)))
    return latencies, errors, time.perf_counter() - start


def _quantile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200, help="per client")
    parser.add_argument("--quick", action="store_true", help="10 clients x 20 requests")
    args = parser.parse_args(argv)
    clients, requests = (10, 20) if args.quick else (args.clients, args.requests)

    from kzpolicy.kb.loading import load

    ids = load().condition_ids
    port = _free_port()
    proc = _start(port)
    try:
        base = f"http://127.0.0.1:{port}"
        asyncio.run(_run(base, 2, 10, ids))  # warm up: first assessments build the engine
        load = os.getloadavg()[0]
        server_before, client_before = _cpu_seconds(proc.pid), _own_cpu_seconds()
        latencies, errors, wall = asyncio.run(_run(base, clients, requests, ids))
        server_after, client_after = _cpu_seconds(proc.pid), _own_cpu_seconds()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    lat = sorted(latencies)
    total = clients * requests
    print(f"kzpolicy serve benchmark: {clients} concurrent clients x {requests} requests "
          f"= {total:,} POST /v1/assess on loopback (one uvicorn process; "
          f"Python {platform.python_version()}, {os.cpu_count()} CPUs)")
    print(f"  latency   p50 {_quantile(lat, 0.50) * 1000:7.1f} ms   "
          f"p95 {_quantile(lat, 0.95) * 1000:7.1f} ms   "
          f"p99 {_quantile(lat, 0.99) * 1000:7.1f} ms   max {lat[-1] * 1000 if lat else 0:7.1f} ms")
    print(f"  throughput {len(latencies) / wall:,.0f} requests/s over {wall:.1f} s")
    if server_before is not None and server_after is not None:
        print(f"  CPU per request: server {(server_after - server_before) / total * 1000:.2f} ms, "
              f"clients {(client_after - client_before) / total * 1000:.2f} ms "
              f"(load average before the run {load:.1f}); the latencies are mostly "
              "queueing behind the other clients")
    print(f"  errors    {len(errors)} of {total:,}")
    for line in errors[:5]:
        print(f"    {line}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
