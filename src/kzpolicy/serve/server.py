"""Running the application with uvicorn: in the foreground (:func:`serve`, what
`kzpolicy serve` does) or in a background thread on a free loopback port
(:func:`running`, for tests and benchmarks).

The connection bounds of :class:`~kzpolicy.serve.limits.ServeLimits` are uvicorn's own
settings where uvicorn has one (``timeout_keep_alive``, ``limit_concurrency``: a clean
503 past it, ``h11_max_incomplete_event_size``: 400 past it, ``backlog``). uvicorn has
no time limit on receiving a request head and holds every connection it accepts, so
:class:`GuardedH11` (its h11 protocol, subclassed) adds both: a connection that has
not sent a whole request head within ``header_seconds`` of its first byte (or of
connecting) is answered 408 and closed, and one past ``hard_connections`` is closed as
it is accepted. The messages these refusals log, and uvicorn's and asyncio's own
("Exceeded concurrency limit.", "socket.accept() out of system resource", ...), are
one line each, at most one per kind every :data:`LOG_EVERY` seconds, saying how many
more there were.

The port is bound before uvicorn starts, so that a port in use or a host that is not
this machine's is one :class:`~kzpolicy.InputError` (the command's one line and exit
status 2), not uvicorn's log lines and exit status 3.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import h11
import uvicorn
from starlette.applications import Starlette
from uvicorn.protocols.http.h11_impl import H11Protocol

from kzpolicy.errors import InputError
from kzpolicy.serve.limits import DEFAULT_LIMITS, ServeLimits

__all__ = ["LOG_EVERY", "GuardedH11", "listen", "running", "serve"]

LOG_EVERY = 10.0
"""Seconds between two log lines of one kind of refusal."""


class _OncePerKind(logging.Filter):
    """Let through one record per kind of refusal every :data:`LOG_EVERY` seconds, as one
    line (no traceback), saying how many were held back before it."""

    KINDS = ("Exceeded concurrency limit.", "Invalid HTTP request received.",
             "socket.accept() out of system resource", "kzpolicy serve: ")

    def __init__(self) -> None:
        super().__init__()
        self.last: dict[str, float] = {}
        self.held: dict[str, int] = {}
        self.lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        text = str(record.msg)
        kind = next((k for k in self.KINDS if text.startswith(k)), None)
        if kind is None:
            return True
        key = text if kind == "kzpolicy serve: " else kind
        now = time.monotonic()
        with self.lock:
            if now - self.last.get(key, -LOG_EVERY) < LOG_EVERY:
                self.held[key] = self.held.get(key, 0) + 1
                return False
            self.last[key] = now
            held = self.held.pop(key, 0)
        record.exc_info = None
        record.exc_text = None
        line = text.split("\n", 1)[0]  # asyncio adds the socket and the exception below
        record.msg = line + (f" ({held:,} more like it in the last {LOG_EVERY:g} s)"
                             if held else "")
        return True


_FILTER = _OncePerKind()
_LOG = logging.getLogger("uvicorn.error")


def _quiet_refusals() -> None:
    """Put the filter on the loggers that report refusals (once per process)."""
    for name in ("uvicorn.error", "asyncio"):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def _raw(status: str, message: str) -> bytes:
    """A whole HTTP/1.1 error answer, written before h11 has read a request."""
    kind = status.split(" ", 1)[1].replace(" ", "")
    body = (json.dumps({"error": kind, "message": message}) + "\n").encode()
    return (f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n").encode() + body


class GuardedH11(H11Protocol):
    """uvicorn's h11 protocol with a time limit on request heads and a hard cap on
    connections (see the module docstring); :func:`protocol` sets its ``limits``."""

    limits: ClassVar[ServeLimits] = DEFAULT_LIMITS
    _deadline: asyncio.TimerHandle | None = None
    _phase: str = ""  # what the deadline waits for: "head" or "body"

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        if len(self.connections) >= self.limits.hard_connections:
            self.transport = transport
            _LOG.warning("kzpolicy serve: closed connections over the limit of %s",
                         self.limits.hard_connections)
            transport.write(_raw("503 Service Unavailable",
                                 "the server holds as many connections as it may"))
            transport.close()
            return
        super().connection_made(transport)
        self._arm("head")

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:
            self._arm("head")  # from the first byte of a request head
        super().data_received(data)
        state = self.conn.their_state
        if state is h11.SEND_BODY:
            self._arm("body")  # the app answers 408 first; this is the backstop
        elif state is not h11.IDLE or not self.conn.trailing_data[0]:
            self._disarm()  # a whole request, or nothing pending

    def _arm(self, phase: str) -> None:
        """Start the deadline of ``phase`` unless it runs already."""
        if self._deadline is not None:
            if self._phase == phase:
                return
            self._deadline.cancel()
        seconds = self.limits.header_seconds
        if phase == "body":
            seconds += self.limits.body_seconds
        self._phase = phase
        self._deadline = self.loop.call_later(seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.conn.their_state is h11.IDLE:
            _LOG.warning("kzpolicy serve: closed connections that sent no whole request "
                         "head within %g s", self.limits.header_seconds)
            self.transport.write(_raw("408 Request Timeout", "the request head did not "
                                      f"arrive within {self.limits.header_seconds:g} s"))
        else:
            _LOG.warning("kzpolicy serve: closed connections whose request body did not "
                         "arrive in time")
        self.transport.close()


def protocol(limits: ServeLimits) -> type[GuardedH11]:
    """:class:`GuardedH11` with ``limits``."""
    return type("GuardedH11", (GuardedH11,), {"limits": limits})


def _config(app: Starlette, *, log_level: str, **extra: Any) -> uvicorn.Config:
    limits: ServeLimits = getattr(app.state, "limits", DEFAULT_LIMITS)
    _quiet_refusals()
    return uvicorn.Config(
        app, log_level=log_level, access_log=False, http=protocol(limits),
        timeout_keep_alive=limits.keep_alive_seconds,
        limit_concurrency=limits.connections,
        h11_max_incomplete_event_size=limits.header_bytes,
        # asyncio accepts up to `backlog` connections at a time: about as many as it holds
        backlog=max(128, limits.hard_connections), **extra)


def _enough_descriptors(limits: ServeLimits) -> None:
    """Raise this process's soft limit on open files (towards the hard one) to hold
    every connection allowed twice over, with room for the rest."""
    try:
        import resource
    except ImportError:  # pragma: no cover (not on Windows)
        return
    want = 2 * limits.hard_connections + 256
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < want:
        new = want if hard == resource.RLIM_INFINITY else min(want, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port``, or an :class:`~kzpolicy.InputError` that
    says in one line why not."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise InputError(f"--host {host}: not an address this machine can serve on "
                         f"({exc.strerror})") from None
    family, _, proto, _, address = found[0]
    try:
        sock = socket.create_server(address, family=family, backlog=512)
    except OSError as exc:
        why = {errno.EADDRINUSE: f"port {port} is in use on {host} (another server?); "
                                 "pick another with --port",
               errno.EADDRNOTAVAIL: f"{host} is not an address of this machine",
               errno.EACCES: f"no permission to use port {port} (ports below 1024 need "
                             "privileges); pick another with --port"}
        raise InputError(f"cannot serve on {host}:{port}: "
                         f"{why.get(exc.errno or 0, exc.strerror or str(exc))}") from None
    # create_server makes the socket with protocol 0, which its connections inherit, and
    # asyncio sets TCP_NODELAY only on a socket that says it is TCP: without it, the body
    # of an answer written after its head waits for the client's delayed ACK (40 ms)
    return socket.socket(family, socket.SOCK_STREAM, proto or socket.IPPROTO_TCP,
                         fileno=sock.detach())


#: the GIL switch interval of a ``kzpolicy serve`` process (Python's default: 0.005 s)
SWITCH_SECONDS = 0.0005


def serve(app: Starlette, host: str = "127.0.0.1", port: int = 8000, *,
          log_level: str = "info", listening: Callable[[], None] | None = None) -> None:
    """Serve ``app`` on ``host``:``port`` until interrupted, within the limits it was
    made with; ``listening()`` is called once the port is bound. A port that cannot be
    used is an :class:`~kzpolicy.InputError`."""
    sock = listen(host, port)
    _enough_descriptors(getattr(app.state, "limits", DEFAULT_LIMITS))
    if listening is not None:
        listening()
    # The event loop shares the GIL with the lanes' computing threads, and answering a
    # request (even refusing it) takes several hand-overs of the GIL: at Python's 5 ms
    # switch interval, 41 requests arriving while two heavy ones compute took over a
    # second to refuse. This process is a server: hand the GIL over sooner.
    sys.setswitchinterval(SWITCH_SECONDS)
    server = uvicorn.Server(_config(app, log_level=log_level))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


@contextmanager
def running(app: Starlette, *, timeout: float = 10.0) -> Iterator[str]:
    """``app`` served by uvicorn in a background thread on a free port of 127.0.0.1;
    yields its base URL (``http://127.0.0.1:PORT``) and stops the server on exit."""
    sock = listen("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = uvicorn.Server(_config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                              name="kzpolicy-serve", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("the server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()
