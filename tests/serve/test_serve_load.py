"""Bounded load tests of `kzpolicy serve` on loopback: 10 concurrent clients x 20 requests
each against a uvicorn server in a background thread, every answer right and none
failing; and ``POST /v1/assess`` answered within a second while 41 heavy requests are
abandoned on a real server process. (``bench/bench_serve.py`` is the bigger run, with
latencies.)"""

from __future__ import annotations

import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from kzpolicy.engine.assess import assess
from kzpolicy.kb.loading import load
from kzpolicy.serve import create_app
from kzpolicy.serve.server import running

CLIENTS = 10
REQUESTS = 20
DEADLINE = 120.0  # seconds for the whole run (it takes a few on a slow machine)


def _inputs(seed: int) -> list[dict[str, bool]]:
    rng = random.Random(seed)
    ids = load().condition_ids
    return [{c: rng.random() < 0.7 for c in rng.sample(ids, rng.randint(0, 10))}
            for _ in range(REQUESTS)]


Answer = tuple[int, dict[str, bool] | None, str]


def _client(base: str, seed: int) -> list[Answer]:
    """One client on one keep-alive connection: REQUESTS requests, assessments and every
    fifth a GET of /v1/kb; per request (status, the conditions or None for /v1/kb, the
    scenario or the knowledge base version)."""
    where = urlsplit(base)
    conn = http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port, timeout=30)
    got: list[Answer] = []
    try:
        for i, conditions in enumerate(_inputs(seed)):
            if i % 5 == 4:
                conn.request("GET", "/v1/kb")
                answer = conn.getresponse()
                got.append((answer.status, None, json.loads(answer.read())["version"]))
                continue
            body = json.dumps({"conditions": conditions})
            conn.request("POST", "/v1/assess", body=body,
                         headers={"content-type": "application/json"})
            answer = conn.getresponse()
            data = json.loads(answer.read())
            got.append((answer.status, conditions, data["scenario"]["id"]))
    finally:
        conn.close()
    return got


@pytest.mark.slow
def test_ten_clients_twenty_requests_each_without_an_error() -> None:
    kb = load()
    with running(create_app(kb)) as base, ThreadPoolExecutor(CLIENTS) as pool:
        start = time.monotonic()
        futures = [pool.submit(_client, base, seed) for seed in range(CLIENTS)]
        results = [f.result(timeout=DEADLINE) for f in futures]
        took = time.monotonic() - start
    assert took < DEADLINE
    answers = [a for r in results for a in r]
    assert len(answers) == CLIENTS * REQUESTS
    assert all(status == 200 for status, _, _ in answers)
    for _, conditions, value in answers:
        if conditions is None:
            assert value == kb.version
        else:
            assert value == assess(conditions, kb=kb).scenario.id


# ------------------------------------------------------------------ under abandoned load
ABANDONED = 41  # one more than Starlette's shared pool of 40 threads
_FACTORS = list(load().factors)
HEAVY: list[tuple[str, dict[str, object]]] = [
    ("/v1/probabilities", {"beliefs": dict.fromkeys(load().condition_ids, 0.3),
                           "exact": True, "sensitivity": True}),
    ("/v1/probabilities", {"beliefs": dict.fromkeys(_FACTORS, 0.123457), "exact": True,
                           "sensitivity": True}),
    ("/v1/monte-carlo", {"probabilities": dict.fromkeys(load().condition_ids, 0.5),
                         "samples": 1_000_000}),
]


def _cpu_seconds(pid: int) -> float | None:
    """The CPU time of process ``pid`` so far (Linux's /proc), or None elsewhere."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _abandon(port: int, request: tuple[str, dict[str, object]], after: float) -> str:
    """Send a request (path, body) and leave after ``after`` seconds: its status line,
    or "abandoned"."""
    path, body = request
    data = json.dumps(body).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                     b"\r\nContent-Length: %d\r\n\r\n%s" % (path.encode(), len(data), data))
        sock.settimeout(after)
        try:
            return sock.recv(200).split(b"\r\n", 1)[0].decode()
        except TimeoutError:
            return "abandoned"


@pytest.mark.slow
def test_assess_answers_within_a_second_while_41_abandoned_heavy_requests_are_in_flight(
) -> None:
    """Issue 21 (F1): 41 heavy requests abandoned after 1 s used to fill Starlette's 40
    threads, and the next ``POST /v1/assess`` got no answer in 30 s. Now they wait in
    their own bounded lane (the ones past it are answered 503 at once), each stops
    when its client leaves, and ``assess`` keeps answering: p99 under 1 s (a real
    server process on loopback; about 10 s in all)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "kzpolicy", "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        conn = _wait_for(port, proc)
        latencies: list[tuple[float, int]] = []
        stop = threading.Event()

        def assess_all_along() -> None:
            body = json.dumps({"conditions": {"D1": True, "B2": False}, "preset": "balance"})
            while not stop.is_set():
                start = time.monotonic()
                conn.request("POST", "/v1/assess", body=body,
                             headers={"content-type": "application/json"})
                answer = conn.getresponse()
                answer.read()
                latencies.append((time.monotonic() - start, answer.status))
                time.sleep(0.02)

        timer = threading.Thread(target=assess_all_along)
        timer.start()
        time.sleep(0.5)
        with ThreadPoolExecutor(ABANDONED) as pool:
            heavy = list(pool.map(lambda i: _abandon(port, HEAVY[i % len(HEAVY)], 1.0),
                                  range(ABANDONED)))
        cpu_left = _cpu_seconds(proc.pid)
        time.sleep(3.0)
        cpu_after = _cpu_seconds(proc.pid)
        stop.set()
        timer.join(timeout=30)
        conn.close()
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=15)
    # a heavy request may also finish within its client's second (a million-sample
    # Monte Carlo takes about 0.25 s): answered, not abandoned
    assert set(heavy) <= {"abandoned", "HTTP/1.1 503 Service Unavailable",
                          "HTTP/1.1 200 OK"}, heavy
    assert heavy.count("abandoned") <= 2 + 8  # the heavy lane: 2 computing, 8 waiting
    assert {status for _, status in latencies} == {200}
    ordered = sorted(t for t, _ in latencies)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    assert len(ordered) >= 20 and p99 < 1.0, (len(ordered), p99, ordered[-5:])
    if cpu_left is not None and cpu_after is not None:  # the abandoned work stopped
        assert cpu_after - cpu_left < 1.0, cpu_after - cpu_left
    assert b"Traceback" not in err, err.decode()[-2000:]


def _wait_for(port: int, proc: subprocess.Popen[bytes]) -> http.client.HTTPConnection:
    deadline = time.monotonic() + 30
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/v1/kb")
            conn.getresponse().read()
            return conn
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise
            time.sleep(0.1)
