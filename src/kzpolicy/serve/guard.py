"""Who may drive the server: only its own pages and the clients on the hosts it serves.

:class:`Guard` is an ASGI middleware in front of every route. It answers, before any
route runs:

- 403 when the ``Host`` header names a host not in the allow-list (the loopback names,
  the ``--host`` served on, and each ``--allowed-host``): a page elsewhere that
  rebinds its own name to this machine (DNS rebinding) is refused;
- 403 when an ``Origin`` header is present and is not this server's own origin: another
  site's script or form is refused (no CORS grant is ever made, so a browser lets no
  other site read an answer either);
- 415 when a POST body is not declared ``Content-Type: application/json``: a form or a
  ``text/plain`` fetch, which a browser sends to any site without asking, is refused.

It adds ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer`` and a
Content-Security-Policy to every answer that has none (JSON: nothing may load;
:data:`REPORT_POLICY` for the HTML report), and ``Cache-Control: no-store``.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kzpolicy.serve.http import ApiError, error_response

__all__ = ["JSON_POLICY", "LOOPBACK", "REPORT_POLICY", "Guard", "allowed_hosts", "host_name"]

LOOPBACK = ("localhost", "127.0.0.1", "::1")
"""The names every server allows: this machine's."""
JSON_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
"""The policy of a JSON answer: it is data, nothing in it may load or run."""
REPORT_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                 "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
"""The policy of the HTML report: its own inline stylesheet and inline images, no script."""
_WILDCARD = ("", "0.0.0.0", "::")


def host_name(value: str) -> str:
    """The host of a ``Host`` header value or of an origin's authority, lower case, without
    port, brackets or a final dot: ``[::1]:8000`` is ``::1``."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def allowed_hosts(served: str, extra: Iterable[str]) -> frozenset[str]:
    """The allow-list: the loopback names, the host served on (unless it is every
    address), and ``extra``."""
    names = set(LOOPBACK)
    if served not in _WILDCARD:
        names.add(host_name(served) if served.count(":") <= 1 else served.lower())
    names.update(host_name(e) if e.count(":") <= 1 else e.strip("[]").lower() for e in extra)
    return frozenset(names)


class Guard:
    """The middleware (see the module docstring)."""

    def __init__(self, app: ASGIApp, *, hosts: frozenset[str]) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        try:
            self._check(scope, headers)
        except ApiError as exc:
            response = error_response(exc)
            _add_headers(response.headers)
            await response(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                _add_headers(MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, send_secured)

    def _check(self, scope: Scope, headers: Headers) -> None:
        host = headers.get("host")
        if host is not None and host_name(host) not in self.hosts:
            raise ApiError(403, "HostNotAllowed",
                           f"this server does not answer to the host {host_name(host)!r}; "
                           f"it answers to {', '.join(sorted(self.hosts))} (start it with "
                           f"--allowed-host {host_name(host)} to add it)")
        origin = headers.get("origin")
        if origin is not None and not _same_origin(origin, host):
            raise ApiError(403, "OriginNotAllowed",
                           f"requests from the page of {origin!r} are not allowed; only this "
                           "server's own pages and clients that send no Origin may call it")
        if scope["method"] == "POST":
            kind, _, params = headers.get("content-type", "").partition(";")
            charset = params.strip().lower().removeprefix("charset=").strip('"')
            if kind.strip().lower() != "application/json" or charset not in ("", "utf-8"):
                raise ApiError(415, "UnsupportedMediaType",
                               "send the request body as JSON with the header "
                               "'Content-Type: application/json'")


def _same_origin(origin: str, host: str | None) -> bool:
    scheme, sep, authority = origin.strip().lower().partition("://")
    return (bool(sep) and scheme in ("http", "https") and host is not None
            and authority.rstrip("/") == host.strip().lower())


_SECURITY = tuple((name.encode("latin-1"), value.encode("latin-1")) for name, value in (
    ("x-content-type-options", "nosniff"), ("referrer-policy", "no-referrer"),
    ("content-security-policy", JSON_POLICY), ("cache-control", "no-store")))
"""The headers every answer has (each unless the answer has its own)."""


def _add_headers(headers: MutableHeaders) -> None:
    raw = headers.raw  # the answer's own list: the names are lower case
    present = {name for name, _ in raw}
    raw.extend(pair for pair in _SECURITY if pair[0] not in present)
