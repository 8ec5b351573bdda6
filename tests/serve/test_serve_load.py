"""A bounded load test of `kzpolicy serve` on loopback: 10 concurrent clients x 20
requests each against a uvicorn server in a background thread; every answer is right and
none fails. (``bench/bench_serve.py`` is the bigger run, with latencies.)"""

from __future__ import annotations

import http.client
import json
import random
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
