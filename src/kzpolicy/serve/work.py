"""Where the operations compute: two lanes of worker threads, each bounded, and a watch on
the client while its request computes.

Light operations (assess, what-if, report: milliseconds each) and heavy ones
(the searches, diff, monte-carlo, probabilities: up to the time bound) run in separate
lanes, so heavy requests, however many, never take the threads ``assess`` needs. Each
lane computes at most ``workers`` requests at once, in a pool of that many threads of its
own, and lets at most ``queue`` wait, each at most ``queue_seconds``; one more is
answered 503 with ``Retry-After``.

While a request computes, :meth:`Lanes.run` listens for its client: when the client
goes away the computation is cancelled at its next checkpoint
(:mod:`kzpolicy.analysis.budget`) and a request still waiting for a worker leaves the
queue at once. Nothing is answered or logged for it.

The lanes are asyncio's own: a free worker is taken without waiting, the work is handed
to the lane's thread pool and its answer awaited together with the client's disconnect
(one task per request, the watch). uvicorn runs the app on an asyncio event loop, and so
does Starlette's test client.
"""

from __future__ import annotations

import asyncio
import collections
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.requests import Request

from kzpolicy.analysis.budget import Cancelled
from kzpolicy.operations.bodies import Cost
from kzpolicy.serve.http import ApiError, ClientGone
from kzpolicy.serve.limits import ServeLimits

__all__ = ["Lane", "LaneName", "Lanes"]

T = TypeVar("T")
LaneName = Cost
Work = Callable[[threading.Event], T]
"""A computation, given the event that cancels it."""


async def _disconnect(request: Request) -> None:
    """Return when the client of ``request`` (whose body has been read) goes away."""
    while (await request.receive())["type"] != "http.disconnect":
        pass  # pragma: no cover (no more body: only a disconnect comes)


@dataclass
class Lane:
    """``workers`` threads for one kind of operation, and a bounded wait for them."""

    name: LaneName
    workers: int
    queue: int
    queue_seconds: float
    waiting: int = 0
    computing: int = 0
    _waiters: collections.deque[asyncio.Future[None]] = field(
        default_factory=collections.deque, repr=False)
    _pool: ThreadPoolExecutor | None = field(default=None, repr=False)

    def _busy(self, why: str) -> ApiError:
        return ApiError(
            503, "Busy",
            f"the server is busy: {why} ({self.workers} {self.name} request(s) compute at "
            f"once and {self.queue} may wait); retry in a few seconds",
            headers={"retry-after": "5"})

    def _release(self) -> None:
        """A worker came free: hand it to the first request still waiting, if any."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the worker passes to it: still computing
                return
        self.computing -= 1

    async def _worker(self, watch: asyncio.Future[None]) -> None:
        """Take a worker: at once when one is free, else wait in the queue (503 when it
        is full or no worker comes free in time; :class:`ClientGone` when ``watch``,
        the client's disconnect, comes first)."""
        if self.computing < self.workers:
            self.computing += 1
            return
        if self.waiting >= self.queue:
            raise self._busy(f"{self.waiting} {self.name} request(s) already wait")
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(turn)
        self.waiting += 1
        try:
            await asyncio.wait((turn, watch), timeout=self.queue_seconds,
                               return_when=asyncio.FIRST_COMPLETED)
        except BaseException:  # cancelled itself: a worker handed over goes on
            if turn.done():
                self._release()
            raise
        finally:
            self.waiting -= 1
            if not turn.done():
                turn.cancel()  # left the queue; _release passes it by
        if turn.cancelled():
            if watch.done():
                raise ClientGone
            raise self._busy(f"no worker came free in {self.queue_seconds:g} s")

    def _threads(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.workers,
                                            thread_name_prefix=f"kzpolicy-{self.name}")
        return self._pool

    async def run(self, work: Callable[[], T], watch: asyncio.Future[None],
                  cancel: threading.Event) -> T:
        """``work`` in a thread of this lane, once a worker is free; when ``watch`` (the
        client's disconnect) comes first, ``cancel`` is set and :class:`ClientGone`
        raised at once, the worker coming free when the work has stopped."""
        await self._worker(watch)
        try:
            job: Future[T] = self._threads().submit(work)
        except BaseException:
            self._release()
            raise
        answer = asyncio.wrap_future(job)
        try:
            await asyncio.wait((answer, watch), return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not answer.done():  # the client left (or this task was cancelled)
                cancel.set()
                loop = asyncio.get_running_loop()
                job.add_done_callback(lambda _: loop.call_soon_threadsafe(self._release))
                answer.cancel()
        if answer.cancelled():
            raise ClientGone
        self._release()
        return answer.result()


class Lanes:
    """The light and the heavy lane of one app."""

    def __init__(self, limits: ServeLimits) -> None:
        self.lanes: dict[LaneName, Lane] = {
            "light": Lane("light", limits.light_workers, limits.light_queue,
                          limits.queue_seconds),
            "heavy": Lane("heavy", limits.heavy_workers, limits.heavy_queue,
                          limits.queue_seconds),
        }

    async def run(self, lane: LaneName, request: Request, work: Work[T]) -> T:
        """``work`` in ``lane``, cancelled when the client of ``request`` goes away
        (then :class:`ClientGone`). The request's body must have been read."""
        cancel = threading.Event()
        watch: asyncio.Future[Any] = asyncio.ensure_future(_disconnect(request))
        try:
            return await self.lanes[lane].run(lambda: work(cancel), watch, cancel)
        except Cancelled:
            raise ClientGone from None
        finally:
            if not watch.cancel() and not watch.cancelled():
                watch.exception()  # retrieved: nobody is left to answer anyway
