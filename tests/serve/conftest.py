"""Fixtures of the `kzpolicy serve` tests: the app over the stock knowledge base, a test
client, the CLI run in process with its standard error, and for the browser tests the
app served on a free port (``base_url``) and the system Chromium under Playwright
(``browser``)."""

from __future__ import annotations

import importlib.util
import io
import shutil
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from kzpolicy.cli.main import main

if importlib.util.find_spec("starlette") is None:  # the kzpolicy[serve] extra is missing
    collect_ignore_glob = ["test_*.py"]
if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

CliResult = tuple[int, str, str]
Cli = Callable[..., CliResult]


@pytest.fixture(scope="session")
def app() -> Starlette:
    """The application over the stock knowledge base (built once)."""
    from kzpolicy.serve import create_app

    return create_app()


def local(app: Starlette) -> TestClient:
    """A test client of ``app`` (no network) that names the host ``localhost``, as a
    browser on this machine does (the server refuses the test client's own
    ``testserver``)."""
    from starlette.testclient import TestClient

    return TestClient(app, base_url="http://localhost")


@pytest.fixture(scope="session")
def client(app: Starlette) -> Iterator[TestClient]:
    """A test client of :func:`app` (no network)."""
    with local(app) as c:
        yield c


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """``cli(*argv) -> (status, stdout, stderr)``: the ``kzpolicy`` command line, in
    process."""

    def run(*argv: str) -> CliResult:
        capsys.readouterr()
        out = io.StringIO()
        status = main(list(argv), out=out)
        return status, out.getvalue(), capsys.readouterr().err

    return run


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The application served by uvicorn on a free port of this machine."""
    from kzpolicy.serve import create_app
    from kzpolicy.serve.server import running

    with running(create_app()) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (which downloads no browser)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()
