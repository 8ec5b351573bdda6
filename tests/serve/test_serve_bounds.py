"""A server that one request cannot stall (issue 21: F1, F3, F4, F5, F6, F7, F16, the
413): the work of a request is bounded inside the computation and stops when its client
leaves; heavy requests wait in their own bounded lane; slow or silent connections are
closed; an oversized body gets a 413 a Python client can read; nothing of this logs a
traceback; a port that cannot be served is one line."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from starlette.testclient import TestClient

import kzpolicy
from kzpolicy.analysis import budget, counting, probabilities
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.operations.bodies import TippingPointsBody
from kzpolicy.serve import create_app
from kzpolicy.serve import server as server_module
from kzpolicy.serve.limits import ServeLimits
from kzpolicy.serve.server import running

from .conftest import Cli, local

JSON = {"content-type": "application/json"}


# ------------------------------------------------------------------ bounds, through the API
def test_a_search_past_its_budget_answers_at_once_in_part(client: TestClient) -> None:
    """Tipping points of up to 64 changes ran for minutes (F1); the search counts over
    factor counts under a capped budget, and says how far it got."""
    start = time.monotonic()
    answer = client.post("/v1/tipping-points", json={"max_size": 64, "all": True})
    assert time.monotonic() - start < 5
    assert answer.status_code == 200
    data = answer.json()
    assert data["work"]["complete"] and data["work"]["budget"]["nodes"] <= 2_000_000
    tight = client.post("/v1/tipping-points", json={"preset": "article-2010", "max_size": 8,
                                                    "all": True, "nodes": 10})
    assert tight.status_code == 200
    assert tight.json()["work"] == tight.json()["work"] | {"complete": False, "bound": "nodes"}


@pytest.mark.parametrize(("route", "body", "hint"), [
    ("monte-carlo", {"probabilities": dict.fromkeys(kzpolicy.load().condition_ids, 0.5),
                     "samples": 1_000_000}, "fewer samples"),
    ("probabilities", {"beliefs": dict.fromkeys(kzpolicy.load().factors, 0.123457),
                       "exact": True, "sensitivity": True}, "fewer beliefs"),
])
def test_a_request_past_its_time_is_422_saying_how_to_narrow_it(
        route: str, body: dict[str, Any], hint: str) -> None:
    client = local(create_app(limits=ServeLimits(work_seconds=0.05)))
    start = time.monotonic()
    answer = client.post(f"/v1/{route}", json=body)
    assert time.monotonic() - start < 3
    assert answer.status_code == 422
    data = answer.json()
    assert (data["bound"], data["limit"]) == ("seconds", 0.05)
    assert data["message"].startswith("the computation ran past its time bound of 0.05 s; "
                                      "narrow the request: ")
    assert hint in data["message"]


@pytest.mark.parametrize(("route", "raw", "words"), [
    ("assess", b'{"conditions": {"D1": true, "D1": false}}', "the key 'D1' is given twice"),
    ("monte-carlo", b'{"probabilities": {"D1": 0.1}, "probabilities": {"D1": 0.9}}',
     "the key 'probabilities' is given twice"),
    ("assess", b'{"conditions": {"D1": ' + b"1" * 5000 + b"}}", "an integer of 5,000 digits"),
    ("monte-carlo", b'{"seed": ' + b"7" * 4301 + b"}", "an integer of 4,301 digits"),
    ("probabilities", b'{"beliefs": {"D1": 1e400}}', "too large for a floating-point"),
])
def test_json_that_cannot_be_read_exactly_is_422(client: TestClient, route: str, raw: bytes,
                                                 words: str) -> None:
    answer = client.post(f"/v1/{route}", content=raw, headers=JSON)
    assert answer.status_code == 422
    assert answer.json()["error"] == "InputError"
    assert answer.json()["message"].startswith("the request body: ")
    assert words in answer.json()["message"]


def test_exact_fractions_past_4300_digits_are_422_never_a_corrupt_value(
        client: TestClient) -> None:
    beliefs = dict.fromkeys(["D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "B1", "B2", "B3",
                             "B4", "B5", "B6"], 5e-324)
    answer = client.post("/v1/probabilities", json={"beliefs": beliefs, "exact": True})
    assert answer.status_code == 422
    assert "a fraction of more than 4,300 digits" in answer.json()["message"]


# ------------------------------------------------------------------ lanes and cancellation
class Gate:
    """A stand-in for a long heavy computation: it runs (checking its budget) until
    opened or cancelled, and records how it ended."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.started = threading.Semaphore(0)
        self.ended: list[str] = []

    def run(self, body: TippingPointsBody, kb: KnowledgeBase) -> Any:
        self.started.release()
        try:
            while not self.open.wait(0.01):
                budget.checkpoint()
        except budget.Cancelled:
            self.ended.append("cancelled")
            raise
        self.ended.append("done")
        return kzpolicy.tipping_points(kb=kb)


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    g = Gate()
    monkeypatch.setattr(TippingPointsBody, "run", lambda body, kb: g.run(body, kb))
    yield g
    g.open.set()


def _send(base: str, path: str, body: dict[str, Any]) -> socket.socket:
    """A request sent on a raw socket, its answer not read."""
    port = int(base.rsplit(":", 1)[1])
    data = json.dumps(body).encode()
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 b"Content-Length: %d\r\n\r\n%s" % (path.encode(), len(data), data))
    return sock


def _status(sock: socket.socket) -> int:
    return int(sock.recv(4096).split(b" ", 2)[1])


def _post(base: str, path: str, body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(),
                                     headers=JSON)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), json.loads(exc.read())


def test_heavy_requests_wait_in_their_own_lane_and_assess_is_answered(gate: Gate) -> None:
    app = create_app(limits=ServeLimits(heavy_workers=1, heavy_queue=1))
    with running(app) as base:
        first = _send(base, "/v1/tipping-points", {})
        assert gate.started.acquire(timeout=10)
        second = _send(base, "/v1/tipping-points", {})  # waits for the one worker
        time.sleep(0.2)
        status, headers, data = _post(base, "/v1/tipping-points", {})  # one too many
        assert (status, data["error"], headers["retry-after"]) == (503, "Busy", "5")
        assert "1 heavy request(s) compute at once and 1 may wait" in data["message"]
        start = time.monotonic()
        status, _, data = _post(base, "/v1/assess", {"preset": "article-2010"})
        assert status == 200 and time.monotonic() - start < 2
        gate.open.set()
        assert _status(first) == 200 and _status(second) == 200
        first.close()
        second.close()


def test_a_request_waits_for_a_worker_no_longer_than_the_bound(gate: Gate) -> None:
    app = create_app(limits=ServeLimits(heavy_workers=1, queue_seconds=0.3))
    with running(app) as base:
        first = _send(base, "/v1/tipping-points", {})
        assert gate.started.acquire(timeout=10)
        status, _, data = _post(base, "/v1/tipping-points", {})
        assert status == 503
        assert "no worker came free in 0.3 s" in data["message"]
        gate.open.set()
        first.close()


@contextmanager
def _log() -> Iterator[list[logging.LogRecord]]:
    """The records uvicorn and asyncio log meanwhile (through kzpolicy's filter)."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            self.format(record)
            records.append(record)

    handler = Keep()
    loggers = [logging.getLogger(n) for n in ("uvicorn.error", "asyncio")]
    for logger in loggers:
        logger.addHandler(handler)
    server_module._FILTER.last.clear()
    try:
        yield records
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def test_work_stops_when_its_client_leaves_and_nothing_is_logged(gate: Gate) -> None:
    app = create_app(limits=ServeLimits(heavy_workers=1))
    with running(app) as base, _log() as records:
        computing = _send(base, "/v1/tipping-points", {})
        assert gate.started.acquire(timeout=10)
        waiting = _send(base, "/v1/tipping-points", {})
        time.sleep(0.2)
        waiting.close()  # leaves the queue
        computing.close()  # stops the work at its next checkpoint
        deadline = time.monotonic() + 5
        while not gate.ended and time.monotonic() < deadline:
            time.sleep(0.01)
        assert gate.ended == ["cancelled"]
        lane = app.state.lanes.lanes["heavy"]
        while lane.waiting and time.monotonic() < deadline:
            time.sleep(0.01)
        assert lane.waiting == 0
        assert _post(base, "/v1/assess", {})[0] == 200
        time.sleep(0.2)
        assert gate.started.acquire(timeout=0) is False  # the waiting one never started
    assert [r.getMessage() for r in records] == []


def test_a_real_computation_stops_when_its_client_leaves(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[float] = []
    real = budget.checkpoint

    def counted() -> None:
        calls.append(time.monotonic())
        real()

    monkeypatch.setattr(counting, "checkpoint", counted)
    monkeypatch.setattr(probabilities, "checkpoint", counted)
    body = {"beliefs": dict.fromkeys(kzpolicy.load().factors, 0.123457), "exact": True,
            "sensitivity": True}
    with running(create_app(limits=ServeLimits(work_seconds=60))) as base:
        sock = _send(base, "/v1/probabilities", body)
        time.sleep(0.5)
        sock.close()
        left = time.monotonic()
        time.sleep(1.5)
        assert calls and calls[-1] < left + 1.0  # no checkpoint a second after it left


def test_a_client_leaving_mid_body_logs_no_traceback() -> None:
    with running(create_app()) as base, _log() as records:
        port = int(base.rsplit(":", 1)[1])
        for _ in range(5):
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(b"POST /v1/assess HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                         b"application/json\r\nContent-Length: 1000\r\n\r\n{\"cond")
            time.sleep(0.05)
            sock.close()
        time.sleep(0.3)
        assert _post(base, "/v1/assess", {})[0] == 200
    assert [r.getMessage() for r in records] == []


# ------------------------------------------------------------------ bodies and connections
def _urllib_post(base: str, body: bytes) -> tuple[int, Any]:
    request = urllib.request.Request(base + "/v1/assess", data=body, headers=JSON)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.parametrize("size", [1_000_001, 3_000_000, 8_900_000])
def test_a_python_client_reads_the_413(size: int) -> None:
    # urllib sends the whole body first (and "Connection: close"): it reads the 413
    with running(create_app()) as base:
        status, data = _urllib_post(base, b" " * size)
        assert (status, data["error"]) == (413, "PayloadTooLarge")
        assert _urllib_post(base, b"{}")[0] == 200


def test_a_body_past_what_is_drained_is_refused_at_once() -> None:
    with running(create_app(limits=ServeLimits(drain_bytes=1000))) as base:
        port = int(base.rsplit(":", 1)[1])
        for expect in (b"", b"Expect: 100-continue\r\n"):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"POST /v1/assess HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                         b"application/json\r\n%sContent-Length: 50000000\r\n\r\n" % expect)
            head = sock.recv(4096)  # before a byte of the body is sent
            assert head.startswith(b"HTTP/1.1 413 ") and b"connection: close" in head
            sock.close()


def test_a_body_that_does_not_arrive_in_time_is_408() -> None:
    with running(create_app(limits=ServeLimits(body_seconds=0.3))) as base:
        port = int(base.rsplit(":", 1)[1])
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"POST /v1/assess HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                     b"application/json\r\nContent-Length: 100\r\n\r\n{")
        assert sock.recv(4096).startswith(b"HTTP/1.1 408 ")
        sock.close()


def _open(port: int, head: bytes, n: int) -> list[socket.socket]:
    socks = []
    for _ in range(n):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        if head:
            sock.sendall(head)
        socks.append(sock)
    return socks


def _closed(sock: socket.socket) -> bool:
    try:
        return sock.recv(4096) is not None  # the 408 (then the end), or the end at once
    except (TimeoutError, ConnectionError):
        return False


def test_half_sent_and_silent_connections_are_closed_and_logged_once() -> None:
    limits = ServeLimits(header_seconds=0.3, connections=5, hard_connections=20)
    with running(create_app(limits=limits)) as base, _log() as records:
        port = int(base.rsplit(":", 1)[1])
        half = _open(port, b"POST /v1/assess HTTP/1.1\r\nHost: 127.0.0.1\r\n", 10)
        silent = _open(port, b"", 10)
        over = _open(port, b"", 5)  # past the hard limit: closed as they are accepted
        with pytest.raises(urllib.error.HTTPError) as info:  # past the limits: 503
            urllib.request.urlopen(urllib.request.Request(base + "/v1/kb"), timeout=5)
        assert info.value.code == 503
        time.sleep(1.0)
        assert all(_closed(s) for s in half + silent + over)
        assert _urllib_post(base, b"{}")[0] == 200
        for s in half + silent + over:
            s.close()
    lines = [r.getMessage() for r in records]
    assert all("\n" not in line for line in lines)
    assert all(r.exc_info is None for r in records)
    kinds = {line.split(" (")[0] for line in lines}
    assert len(lines) == len(kinds) <= 4, lines  # one line per kind in the window


def test_a_half_sent_head_is_answered_408() -> None:
    with running(create_app(limits=ServeLimits(header_seconds=0.3))) as base:
        port = int(base.rsplit(":", 1)[1])
        sock, = _open(port, b"POST /v1/assess HTTP/1.1\r\nHost: 127.0.0.1\r\n", 1)
        answer = sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 408 ")
        assert b"the request head did not arrive within 0.3 s" in answer
        sock.close()


# ------------------------------------------------------------------ starting up
def test_a_port_in_use_is_one_line_and_status_2(cli: Cli) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        status, out, err = cli("serve", "--port", str(port))
    assert (status, out) == (2, "")
    assert err == (f"kzpolicy: error: cannot serve on 127.0.0.1:{port}: port {port} is in "
                   "use on 127.0.0.1 (another server?); pick another with --port\n")


def test_an_address_not_of_this_machine_is_one_line_and_status_2(cli: Cli) -> None:
    status, out, err = cli("serve", "--host", "192.0.2.1", "--port", "0")  # TEST-NET-1
    assert (status, out) == (2, "")
    assert err == ("kzpolicy: error: cannot serve on 192.0.2.1:0: 192.0.2.1 is not an "
                   "address of this machine\n")


def test_readme_lists_every_bound_and_header() -> None:
    from dataclasses import fields
    from pathlib import Path

    serve = (Path(__file__).resolve().parents[2] / "docs" / "serve.md").read_text(
        encoding="utf-8")
    for f in fields(ServeLimits):
        assert f"(`{f.name}`" in serve, f.name
    for header in ("X-Content-Type-Options: nosniff", "Referrer-Policy: no-referrer",
                   "Cache-Control: no-store", "Content-Security-Policy", "Retry-After",
                   "--allowed-host", "Content-Type: application/json", "Origin", "Host"):
        assert header in serve, header
