"""The bounds of `kzpolicy serve`: what one request, one connection and the whole server
may take. docs/serve.md lists each with its default; a test checks that it
does.

:func:`kzpolicy.serve.app.create_app` and :func:`kzpolicy.serve.server.serve` take a
:class:`ServeLimits` (the defaults when none is given).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["DEFAULT_LIMITS", "ServeLimits"]


@dataclass(frozen=True)
class ServeLimits:
    """Every bound of the server; each is documented in docs/serve.md."""

    # ------------------------------------------------------------------ one request
    body_bytes: int = 1_000_000
    """Largest request body read (413 past it)."""
    drain_bytes: int = 8_000_000
    """How much of a body past ``body_bytes`` is read and dropped before the 413, so that
    a client that sends its whole body before reading (urllib, requests, httpx) reads
    the 413 instead of a reset connection. A body declared bigger still is answered at
    once and the connection closed."""
    body_seconds: float = 10.0
    """Time to receive a request body once its headers are in (408 past it)."""
    work_seconds: float = 10.0
    """Time one operation may compute (422 past it, naming the bound)."""

    # ------------------------------------------------------------------ the work
    heavy_workers: int = 2
    """Heavy operations (the searches, diff, monte-carlo, probabilities) computed at once."""
    heavy_queue: int = 8
    """Heavy requests waiting for a worker; one more is answered 503."""
    light_workers: int = 8
    """Light operations (assess, what-if, report) computed at once: their own threads,
    which heavy work never takes."""
    light_queue: int = 64
    """Light requests waiting for a worker; one more is answered 503."""
    queue_seconds: float = 10.0
    """Longest wait for a worker (503 past it)."""

    # ------------------------------------------------------------------ connections
    header_seconds: float = 10.0
    """Time to receive a request's headers from its first byte, or from the connection
    (the connection is closed past it)."""
    keep_alive_seconds: int = 5
    """An idle keep-alive connection is closed after this (uvicorn's
    ``timeout_keep_alive``)."""
    header_bytes: int = 16_384
    """Largest request head, the request line and headers (uvicorn's
    ``h11_max_incomplete_event_size``; 400 past it)."""
    connections: int = 100
    """Open connections served; past it a request is answered 503 (uvicorn's
    ``limit_concurrency``)."""
    hard_connections: int = 400
    """Open connections held at all: one more is closed as it is accepted, so that
    connections that send nothing cannot take every file descriptor."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"ServeLimits: {f.name} must be a positive number, not "
                                 f"{value!r}")


DEFAULT_LIMITS = ServeLimits()
