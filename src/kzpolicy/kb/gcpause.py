"""Pausing Python's cyclic garbage collector over bulk work that makes millions of
objects and no cyclic garbage (unpickling a cached knowledge base, batch assessment,
replay): the collector would walk them again and again for nothing (a third of a cached
load's time). Thread-safe and nestable; restored on error and in a forked child.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
from collections.abc import Iterator

__all__ = ["gc_paused"]


class _GcPause:
    """Nested pauses of the cyclic GC across threads: the first disables it, the last
    out re-enables it (only if it was enabled before the first)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.depth = 0
        self.was_enabled = False

    def enter(self) -> None:
        with self.lock:
            if self.depth == 0:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.depth += 1

    def exit(self) -> None:
        with self.lock:
            self.depth -= 1
            if self.depth == 0 and self.was_enabled:
                gc.enable()

    def after_fork(self) -> None:
        # the threads pausing it are gone in a forked child: restore and start afresh
        self.lock = threading.Lock()
        if self.depth:
            self.depth = 0
            if self.was_enabled:
                gc.enable()


_PAUSE = _GcPause()
os.register_at_fork(after_in_child=_PAUSE.after_fork)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the duration (thread-safe, nestable)."""
    _PAUSE.enter()
    try:
        yield
    finally:
        _PAUSE.exit()
