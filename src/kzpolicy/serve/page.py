"""The interactive page at ``/``: one self-contained HTML document (its stylesheet and
script inline, no external resource) that calls the JSON API as beliefs change.

The script builds every node from data with ``textContent``; the only markup it inserts
is the rule-network section of kzpolicy's own HTML report. The Content-Security-Policy
allows that script alone (by its hash) and connections to this server only.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from importlib.resources import files

from starlette.responses import Response

__all__ = ["page_html", "page_response"]


def _asset(name: str) -> str:
    return files("kzpolicy.serve").joinpath(name).read_text(encoding="utf-8")


@functools.cache
def _built() -> tuple[str, str]:
    script = _asset("page.js")
    html = (_asset("page.html").replace("/*STYLE*/", _asset("page.css"))
            .replace("/*SCRIPT*/", script))
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    policy = ("default-src 'none'; "
              f"script-src 'sha256-{digest}'; "
              "style-src 'unsafe-inline'; "  # the report's diagram carries its own stylesheet
              "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; "
              "frame-ancestors 'none'")
    return html, policy


def page_html() -> str:
    """The page's HTML."""
    return _built()[0]


def page_response() -> Response:
    """The page, with a Content-Security-Policy that allows only its own script."""
    html, policy = _built()
    return Response(html, media_type="text/html; charset=utf-8", headers={
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    })
