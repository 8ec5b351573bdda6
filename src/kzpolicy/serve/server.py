"""Running the application with uvicorn: in the foreground (:func:`serve`, what
`kzpolicy serve` does) or in a background thread on a free loopback port
(:func:`running`, for tests and benchmarks)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.applications import Starlette

__all__ = ["running", "serve"]


def serve(app: Starlette, host: str = "127.0.0.1", port: int = 8000, *,
          log_level: str = "info") -> None:
    """Serve ``app`` on ``host``:``port`` until interrupted."""
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)


@contextmanager
def running(app: Starlette, *, timeout: float = 10.0) -> Iterator[str]:
    """``app`` served by uvicorn in a background thread on a free port of 127.0.0.1;
    yields its base URL (``http://127.0.0.1:PORT``) and stops the server on exit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            backlog=512)
    server = uvicorn.Server(config)
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
