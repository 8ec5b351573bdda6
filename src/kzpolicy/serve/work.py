"""Where the operations compute: two lanes of worker threads, each bounded, and a watch on
the client while its request computes.

Light operations (assess, what-if, report: milliseconds each) and heavy ones
(the searches, diff, monte-carlo, probabilities: up to the time bound) run in separate
lanes, so heavy requests, however many, never take the threads ``assess`` needs. Each
lane computes at most ``workers`` requests at once and lets at most ``queue`` wait, each
at most ``queue_seconds``; one more is answered 503 with ``Retry-After``.

While a request computes, :meth:`Lanes.run` listens for its client: when the client
goes away the computation is cancelled at its next checkpoint
(:mod:`kzpolicy.analysis.budget`) and a request still waiting for a worker leaves the
queue at once. Nothing is answered or logged for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import anyio
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


@dataclass
class Lane:
    """``workers`` threads for one kind of operation, and a bounded wait for them."""

    name: LaneName
    workers: int
    queue: int
    queue_seconds: float
    waiting: int = 0
    _slots: anyio.CapacityLimiter | None = field(default=None, repr=False)
    _threads: anyio.CapacityLimiter | None = field(default=None, repr=False)

    def _limiters(self) -> tuple[anyio.CapacityLimiter, anyio.CapacityLimiter]:
        # made in the event loop (an older anyio needs one), on first use
        if self._slots is None or self._threads is None:
            self._slots = anyio.CapacityLimiter(self.workers)
            # run_sync's own limiter: as many threads as slots, never waited on (the
            # slot is taken first), and never anyio's shared default of 40
            self._threads = anyio.CapacityLimiter(self.workers)
        return self._slots, self._threads

    def _busy(self, why: str) -> ApiError:
        return ApiError(
            503, "Busy",
            f"the server is busy: {why} ({self.workers} {self.name} request(s) compute at "
            f"once and {self.queue} may wait); retry in a few seconds",
            headers={"retry-after": "5"})

    async def run(self, work: Callable[[], T]) -> T:
        """``work`` in a thread of this lane, once a worker is free."""
        slots, threads = self._limiters()
        if slots.borrowed_tokens >= self.workers and self.waiting >= self.queue:
            raise self._busy(f"{self.waiting} {self.name} request(s) already wait")
        self.waiting += 1
        try:
            with anyio.fail_after(self.queue_seconds):
                await slots.acquire()
        except TimeoutError:
            raise self._busy(f"no worker came free in {self.queue_seconds:g} s") from None
        finally:
            self.waiting -= 1
        try:
            return await anyio.to_thread.run_sync(work, limiter=threads)
        finally:
            slots.release()


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
        done: list[T] = []
        failed: list[Exception] = []
        async with anyio.create_task_group() as group:

            async def watch() -> None:
                while (await request.receive())["type"] != "http.disconnect":
                    pass  # pragma: no cover (no more body: only a disconnect comes)
                cancel.set()
                group.cancel_scope.cancel()

            group.start_soon(watch)
            try:
                done.append(await self.lanes[lane].run(lambda: work(cancel)))
            except Exception as exc:  # raised after the group, not wrapped in a group
                failed.append(exc)
            group.cancel_scope.cancel()
        if failed and not isinstance(failed[0], Cancelled):
            raise failed[0]
        if not done:
            raise ClientGone
        return done[0]
