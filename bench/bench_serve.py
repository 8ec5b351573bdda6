"""kzpolicy serve benchmark: `kzpolicy serve` against a constant Starlette app, one run.

    python bench/bench_serve.py [--connections 8] [--requests 1500] [--quick]  (make bench)

Starts the real command (``python -m kzpolicy serve``: one uvicorn process) and, as the
floor, a minimal Starlette app on uvicorn answering every ``POST /v1/assess`` with the
same bytes kzpolicy gave for the first request, each on a free port of 127.0.0.1. The
load generator holds CONNECTIONS keep-alive connections and sends raw HTTP/1.1 requests
built before the clock starts (conditions drawn from one seed: 0 to 10 of the 36, 70%
true), reading each answer by its content-length: far less CPU per request than either
server, so the servers are what is measured. The two servers take turns, run by run.
Every answer is checked to be 200 and to name a scenario. Prints throughput, server
and client CPU per request and latency of each run, and the throughput ratio of the best
runs. No figure here is a pass/fail test; the bounded run that is one lives in
tests/serve/test_serve_load.py.
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
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


FLOOR_APP = """
import sys
import uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
body = open(sys.argv[2], "rb").read()
async def answer(request):
    await request.body()
    return Response(body, media_type="application/json")
async def kb(request):
    return Response(b"{}", media_type="application/json")
app = Starlette(routes=[Route("/v1/assess", answer, methods=["POST"]),
                        Route("/v1/kb", kb)])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning",
            access_log=False)
"""


def _start(argv: list[str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
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


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


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


def _requests(ids: Sequence[str], seed: int, n: int) -> list[bytes]:
    """``n`` whole HTTP/1.1 requests, built before the clock starts."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        body = json.dumps({"conditions": {c: rng.random() < 0.7
                                          for c in rng.sample(list(ids), rng.randint(0, 10))}})
        out.append(b"POST /v1/assess HTTP/1.1\r\nhost: 127.0.0.1\r\n"
                   b"content-type: application/json\r\ncontent-length: "
                   + str(len(body)).encode() + b"\r\n\r\n" + body.encode())
    return out


async def _connection(port: int, requests: list[bytes], latencies: list[float],
                      errors: list[str]) -> None:
    """One keep-alive connection sending its requests one after another: the raw bytes
    out, the head read up to its blank line, the body by its content-length."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    clock = time.perf_counter
    try:
        for request in requests:
            start = clock()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            at = head.lower().find(b"content-length:") + 15
            size = int(head[at:head.index(b"\r\n", at)])
            body = await reader.readexactly(size)
            latencies.append(clock() - start)
            if head[9:12] != b"200" or b'"scenario"' not in body:
                errors.append(f"{head[:12].decode()}: {body[:200].decode()}")
    finally:
        writer.close()


def _load(port: int, connections: list[list[bytes]]) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []

    async def run() -> None:
        await asyncio.gather(*(_connection(port, reqs, latencies, errors)
                               for reqs in connections))

    start = time.perf_counter()
    asyncio.run(run())
    return latencies, errors, time.perf_counter() - start


def _quantile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


class Run(NamedTuple):
    rate: float
    server_ms: float
    client_ms: float
    latencies: list[float]
    errors: list[str]


def _measure(proc: subprocess.Popen[bytes], port: int,
             connections: list[list[bytes]]) -> Run:
    total = sum(len(c) for c in connections)
    server, client = _cpu_seconds(proc.pid), _own_cpu_seconds()
    latencies, errors, wall = _load(port, connections)
    server_after, client_after = _cpu_seconds(proc.pid), _own_cpu_seconds()
    server_ms = ((server_after - server) / total * 1000
                 if server is not None and server_after is not None else float("nan"))
    return Run(len(latencies) / wall, server_ms, (client_after - client) / total * 1000,
               sorted(latencies), errors)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--requests", type=int, default=1500, help="per connection")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="200 requests, 2 rounds")
    args = parser.parse_args(argv)
    per, rounds = (200, 2) if args.quick else (args.requests, args.rounds)

    from kzpolicy.kb.loading import load

    ids = load().condition_ids
    connections = [_requests(ids, seed, per) for seed in range(args.connections)]
    kz_port, floor_port = _free_port(), _free_port()
    servers: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        try:
            servers["kzpolicy serve"] = (_start(
                [sys.executable, "-m", "kzpolicy", "serve", "--port", str(kz_port)],
                kz_port), kz_port)
            sample = urllib.request.urlopen(urllib.request.Request(
                f"http://127.0.0.1:{kz_port}/v1/assess",
                data=connections[0][0].split(b"\r\n\r\n", 1)[1],
                headers={"content-type": "application/json"})).read()
            (Path(tmp) / "answer.json").write_bytes(sample)
            servers["constant Starlette app"] = (_start(
                [sys.executable, "-c", FLOOR_APP, str(floor_port),
                 str(Path(tmp) / "answer.json")], floor_port), floor_port)
            for _, port in servers.values():  # warm up: first answers build the engine
                _load(port, [c[:20] for c in connections])
            runs: dict[str, list[Run]] = {k: [] for k in servers}
            for r in range(rounds):
                order = list(servers) if r % 2 == 0 else list(reversed(servers))
                for name in order:
                    runs[name].append(_measure(*servers[name], connections))
        finally:
            for proc, _ in servers.values():
                _stop(proc)
    total = per * args.connections
    print(f"kzpolicy serve benchmark: {args.connections} keep-alive connections x {per} "
          f"POST /v1/assess = {total:,} requests per run, {rounds} runs per server "
          f"alternating, loopback (one uvicorn process each; Python "
          f"{platform.python_version()}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}); the constant app answers every request with the same "
          f"{len(sample):,} bytes kzpolicy gives for the first one")
    print(f"   {'server':24} {'req/s':>8} {'server CPU':>11} {'client CPU':>11} "
          f"{'p50':>7} {'p99':>7}  errors")
    best: dict[str, Run] = {}
    for name, rs in runs.items():
        best[name] = max(rs, key=lambda x: x.rate)
        for x in rs:
            print(f"   {name:24} {x.rate:8,.0f} {x.server_ms:8.2f} ms {x.client_ms:8.2f} ms "
                  f"{_quantile(x.latencies, 0.5) * 1e3:5.1f}ms "
                  f"{_quantile(x.latencies, 0.99) * 1e3:5.1f}ms  {len(x.errors)}")
    ratio = best["kzpolicy serve"].rate / best["constant Starlette app"].rate
    print(f"   throughput kzpolicy serve / constant Starlette app (best runs): {ratio:.2f}x   "
          f"target >= 0.6x   {'MET' if ratio >= 0.6 else 'NOT MET'}")
    print("   (client CPU per request is the load generator's: raw HTTP/1.1 on asyncio "
          "streams, well under the server's, so the server is what is measured)")
    errors = [e for rs in runs.values() for x in rs for e in x.errors]
    for line in errors[:5]:
        print(f"    {line}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
