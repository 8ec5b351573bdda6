"""Fork safety of the durable-rules adapter (kzpolicy.engine.durable).

A child forked while other threads assess on the durable engine inherits the adapter's
per-ruleset lock in whatever state it was; held by a thread that does not exist in the
child, it would block the child's first assessment forever. These tests fork (directly
and through a ``multiprocessing`` fork pool) while four threads assess, and check that
every child assesses correctly and in time. A hung child is killed, not waited for.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest

import kzpolicy
from kzpolicy.engine.durable.adapter import DurableNetwork, Firing, Production
from kzpolicy.engine.durable.limits import MAX_SESSIONS
from kzpolicy.errors import EngineError

# Forking a multi-threaded process is the point here (Python 3.12+ warns about it).
pytestmark = pytest.mark.filterwarnings(
    "ignore:This process .* is multi-threaded:DeprecationWarning"
)

DISTANCING = ["D1", "D2", "D3", "D4"]
CHILD_DEADLINE = 20.0  # seconds a forked child gets to assess and exit


def _assess_once(k: int) -> None:
    """One assessment on the durable engine, on one of three varied inputs."""
    if k % 3 == 0:
        kzpolicy.assess(DISTANCING)
    elif k % 3 == 1:
        kzpolicy.assess(preset="article-2010")
    else:
        kzpolicy.assess([])


@contextmanager
def _assessing_threads(n: int = 4) -> Iterator[list[int]]:
    """Run `n` threads assessing in a loop for the duration of the block.

    Yields one counter of assessments done per thread; re-raises the first error any
    thread met once they have all stopped.
    """
    kzpolicy.assess(DISTANCING)  # build the knowledge base and its network up front
    stop = threading.Event()
    done = [0] * n
    errors: list[BaseException] = []

    def work(i: int) -> None:
        k = i
        try:
            while not stop.is_set():
                _assess_once(k)
                k += 1
                done[i] += 1
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    try:
        while sum(done) < 4 * n:  # make sure all of them are under way
            time.sleep(0.001)
        yield done
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "an assessing thread did not stop"
    if errors:
        raise errors[0]


def _child() -> None:
    """The forked child's whole life: assess once, then leave by ``os._exit``."""
    status = 1
    try:
        if kzpolicy.assess(DISTANCING).scenario.id == "distancing":
            status = 0
    except BaseException:
        status = 2
    finally:
        os._exit(status)


def _wait(pid: int, deadline: float) -> int | None:
    """The exit status of child `pid`, or None if it was still running at `deadline`
    (then it is killed with SIGKILL and reaped)."""
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.005)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


def test_children_forked_while_threads_assess_can_assess() -> None:
    started: list[tuple[int, float]] = []
    try:
        with _assessing_threads() as done:
            for _ in range(10):
                before = sum(done)
                pid = os.fork()
                if pid == 0:  # pragma: no cover - the child never returns
                    _child()
                started.append((pid, time.monotonic()))
                while sum(done) == before:  # let the threads move on between forks
                    time.sleep(0.001)
    finally:
        codes = [_wait(pid, t0 + CHILD_DEADLINE) for pid, t0 in started]
    hung = codes.count(None)
    assert hung == 0, f"{hung} of {len(codes)} forked children hung (killed): {codes}"
    assert codes == [0] * 10, f"children's exit statuses: {codes}"


def _scenario_of(conditions: list[str]) -> str:
    """Run in a pool worker: the scenario the durable engine implies for `conditions`."""
    return kzpolicy.assess(conditions).scenario.id


def test_fork_pool_started_while_threads_assess_can_assess() -> None:
    ctx = multiprocessing.get_context("fork")
    inputs = [DISTANCING, [], DISTANCING, ["D1"], DISTANCING, DISTANCING]
    expected = [kzpolicy.assess(x).scenario.id for x in inputs]
    with _assessing_threads():
        for _ in range(3):  # each pool forks its workers anew, while the threads run
            with ctx.Pool(2) as pool:
                got = pool.map_async(_scenario_of, inputs, chunksize=1).get(timeout=60)
            assert got == expected


def _child_checks(net: DurableNetwork, taken: str) -> bool:
    """In the child: the lock is free, `taken` is never handed out, the network works."""
    rs = net._rs
    checks = [not rs.lock.locked(), taken not in rs.free_sids, not rs.live]
    with net.session() as s:
        checks.append(s.assert_facts(["A"]) == [Firing("r1", ("B",))])
    with ExitStack() as stack:  # every sid the child can get: all but the taken one
        got = {stack.enter_context(net.session())._sid for _ in range(MAX_SESSIONS - 1)}
        checks += [len(got) == MAX_SESSIONS - 1, taken not in got]
        try:
            stack.enter_context(net.session())
            checks.append(False)
        except EngineError:  # the taken sid is not reused: the ruleset is full
            pass
    net.close()
    return all(checks)


def test_child_gets_a_fresh_lock_and_never_reuses_an_inherited_sid() -> None:
    """Deterministic: at the fork one thread holds the ruleset's lock and another has a
    session open (its durable state live); the child must neither block nor reuse that
    session's sid."""
    net = DurableNetwork([Production("r1", ("A",), ("B",))])
    rs = net._rs
    opened, locked, release = threading.Event(), threading.Event(), threading.Event()
    sids: list[str] = []

    def hold_session() -> None:
        with net.session() as s:
            s.assert_facts(["A"])
            sids.append(s._sid)
            opened.set()
            release.wait(30)

    def hold_lock() -> None:
        with rs.lock:
            locked.set()
            release.wait(30)

    threads = [threading.Thread(target=f, daemon=True) for f in (hold_session, hold_lock)]
    threads[0].start()
    assert opened.wait(30)
    threads[1].start()
    assert locked.wait(30)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        status = 1
        try:
            status = 0 if _child_checks(net, sids[0]) else 3
        except BaseException:
            status = 2
        finally:
            os._exit(status)
    try:
        code = _wait(pid, time.monotonic() + CHILD_DEADLINE)
    finally:
        release.set()
        for t in threads:
            t.join(30)
    assert code == 0, f"child exit status {code} (None: hung and killed)"
    # the parent is unaffected: its session closed normally and its sid is free again
    assert sids[0] in rs.free_sids and not rs.live
    with net.session() as s:
        assert [f.production for f in s.assert_facts(["A"])] == ["r1"]
    net.close()
