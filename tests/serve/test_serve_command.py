"""The `kzpolicy serve` command: its options, the missing extra, ``--rules``, a real
server process, and that nothing outside the command loads Starlette."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kzpolicy.cli import serve_command
from kzpolicy.kb.loading import load

Cli = Callable[..., tuple[int, str, str]]  # the `cli` fixture of conftest.py


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, str, int]]:
    """What `serve` would have served (the app, host, port), without serving it."""
    import kzpolicy.serve.server

    calls: list[tuple[Any, str, int]] = []

    def serve(app: Any, host: str, port: int, *, listening: Callable[[], None]) -> None:
        calls.append((app, host, port))
        listening()

    monkeypatch.setattr(kzpolicy.serve.server, "serve", serve)
    return calls


def test_serve_binds_loopback_by_default(cli: Cli, served: list[tuple[Any, str, int]]) -> None:
    status, out, _ = cli("serve")
    assert status == 0
    (app, host, port), = served
    assert (host, port) == ("127.0.0.1", 8000)
    assert app.state.kb.version == load().version
    assert "http://127.0.0.1:8000/" in out


def test_serve_takes_host_port_and_rules(cli: Cli, served: list[tuple[Any, str, int]],
                                         stock_copy: Path) -> None:
    (stock_copy / "article.yaml").write_text(
        (stock_copy / "article.yaml").read_text(encoding="utf-8") + "\n# changed\n",
        encoding="utf-8")
    status, _, _ = cli("serve", "--host", "0.0.0.0", "--port", "9123",
                       "--rules", str(stock_copy))
    assert status == 0
    (app, host, port), = served
    assert (host, port) == ("0.0.0.0", 9123)
    assert app.state.kb.version == load(stock_copy).version


@pytest.mark.parametrize("port", ["http", "-1", "70000"])
def test_a_bad_port_is_one_line_and_status_2(cli: Cli, port: str) -> None:
    status, _, err = cli("serve", "--port", port)
    assert status == 2
    assert err == f"kzpolicy: error: --port {port}: expected a whole number from 0 to 65535\n"


def test_without_the_extra_serve_says_what_to_install(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve_command, "_missing", lambda: ["starlette", "uvicorn"])
    status, out, err = cli("serve")
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "pip install 'kzpolicy[serve]'" in err


def test_a_bad_rules_folder_is_status_2(cli: Cli, tmp_path: Path) -> None:
    status, _, err = cli("serve", "--rules", str(tmp_path / "missing"))
    assert status == 2
    assert err.startswith("kzpolicy: ")


def _fresh(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    return done.stdout.strip()


def test_neither_the_package_nor_the_command_line_loads_starlette() -> None:
    code = ("import sys, contextlib, io, kzpolicy\n"
            "from kzpolicy.cli.main import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            "    main(['serve', '--help'])\n"
            "print(sorted(m for m in sys.modules if m.startswith(('starlette', 'uvicorn', "
            "'kzpolicy.serve'))))")
    assert _fresh(code) == "[]"


@pytest.mark.slow
def test_a_real_server_process_answers(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "kzpolicy", "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/kb", timeout=5) as r:
                    data = json.loads(r.read())
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)
        assert data["version"] == load().version
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_connections_are_served_without_delaying_small_writes() -> None:
    """Every accepted connection has TCP_NODELAY (asyncio sets it on a socket that says
    it is TCP), so an answer's body, written after its head, is not held back until the
    client acknowledges the head (a delayed ACK: 40 ms per answer on Linux)."""
    import asyncio
    import socket

    from kzpolicy.serve.server import listen

    async def accepted_nodelay() -> int:
        found: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                sock = transport.get_extra_info("socket")
                found.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Probe, sock=listen("127.0.0.1", 0))
        async with server:
            port = server.sockets[0].getsockname()[1]
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
            value = await asyncio.wait_for(found, 10)
            writer.close()
        return value

    assert asyncio.run(accepted_nodelay()) != 0
