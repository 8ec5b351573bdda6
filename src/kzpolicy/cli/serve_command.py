"""The `serve` command: the local web application (the JSON API under /v1/ and the
interactive page at /), run by uvicorn on 127.0.0.1 unless ``--host`` says otherwise;
it answers only requests naming a loopback host, ``--host`` or an ``--allowed-host``.
A port in use or a host that is not this machine's is one line and exit status 2.

Starlette and uvicorn come with the ``kzpolicy[serve]`` extra and load only when the
command runs; without them the command exits 2 with one line saying what to install.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from typing import Any, TextIO

from kzpolicy.cli.options import add_rules_arguments, knowledge_base
from kzpolicy.errors import InputError

__all__ = ["register"]

INSTALL = "pip install 'kzpolicy[serve]'"


def _missing() -> list[str]:
    return [m for m in ("starlette", "uvicorn") if importlib.util.find_spec(m) is None]


def _port(raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise InputError(f"--port {raw}: expected a whole number from 0 to 65535") from None
    if not 0 <= port <= 65535:
        raise InputError(f"--port {raw}: expected a whole number from 0 to 65535")
    return port


def _cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    missing = _missing()
    if missing:
        sys.stderr.write(f"kzpolicy: error: serve needs {' and '.join(missing)}: "
                         f"{INSTALL}\n")
        return 2
    port = _port(args.port)
    kb = knowledge_base(args)
    from kzpolicy.serve import server  # Starlette loads only here
    from kzpolicy.serve.app import create_app

    app = create_app(kb, host=args.host, allowed=args.allowed_host or ())

    def listening() -> None:
        out.write(f"kzpolicy serve: knowledge base {kb.version} at "
                  f"http://{args.host}:{port}/ (Ctrl-C stops)\n")
        out.flush()

    server.serve(app, args.host, port, listening=listening)
    return 0


def register(sub: Any) -> None:
    """Add `serve` to the subcommands ``sub``."""
    p = sub.add_parser(
        "serve", help="the interactive what-if page and the JSON API, on this machine",
        description="Serve the JSON API (under /v1/, documented at /v1/openapi.json) and "
        f"an interactive page at / with uvicorn. Needs the extra: {INSTALL}")
    p.add_argument("--host", default="127.0.0.1",
                   help="the address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", default="8000", help="the port (default 8000)")
    p.add_argument("--allowed-host", action="append", metavar="NAME",
                   help="a host name the server answers to besides localhost, 127.0.0.1, "
                   "::1 and --host (repeat it for more): the name it is reached by from "
                   "other machines. A request naming any other host is refused, so that "
                   "no web page can reach this server by rebinding its own name")
    add_rules_arguments(p)
    p.set_defaults(handler=_cmd_serve)
