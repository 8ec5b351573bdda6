"""The application: :func:`create_app` builds the Starlette app over one knowledge base.

It serves the JSON API (:mod:`kzpolicy.serve.api`), its OpenAPI document and the
interactive page (:mod:`kzpolicy.serve.page`), all from one route table
(:mod:`kzpolicy.serve.routes`), behind :class:`kzpolicy.serve.guard.Guard` (the allowed
hosts and origins, JSON bodies only, the security headers). Errors are answered once,
by the app's exception handlers: kzpolicy's own and the API's as JSON
(:func:`kzpolicy.serve.http.error_response`), Starlette's 404 and 405 likewise; a client
that went away gets nothing, and nothing is logged for it.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from kzpolicy._version import installed_version
from kzpolicy.errors import KzPolicyError
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.serve import openapi
from kzpolicy.serve.api import Api
from kzpolicy.serve.guard import Guard, allowed_hosts
from kzpolicy.serve.http import ApiError, ClientGone, error_response, json_text, text_response
from kzpolicy.serve.limits import DEFAULT_LIMITS, ServeLimits
from kzpolicy.serve.page import page_response
from kzpolicy.serve.routes import ApiRoute

__all__ = ["create_app"]


async def _error(request: Request, exc: Exception) -> Response:
    """An ``ApiError`` or a ``KzPolicyError`` as its JSON answer."""
    assert isinstance(exc, ApiError | KzPolicyError)
    return error_response(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (no such route, a wrong method) as JSON."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message = (f"no such route: {request.method} {request.url.path} "
                   "(see /v1/openapi.json)")
        return error_response(ApiError(404, "NotFound", message))
    if exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
        return error_response(ApiError(405, "MethodNotAllowed", message))
    return error_response(ApiError(exc.status_code, "HTTPError", str(exc.detail)))


async def _gone(request: Request, exc: Exception) -> Response:
    """The client went away: an answer nobody reads (uvicorn drops it), and no log line."""
    return Response(status_code=400)


async def _openapi(request: Request) -> Response:
    """The OpenAPI document, built once by :func:`create_app` from the route table."""
    return text_response(request.app.state.openapi)


async def _page(request: Request) -> Response:
    return page_response()


def create_app(kb: KnowledgeBase | None = None, *, limits: ServeLimits = DEFAULT_LIMITS,
               host: str = "127.0.0.1", allowed: Iterable[str] = ()) -> Starlette:
    """The web application over ``kb`` (the stock knowledge base by default), within
    ``limits``; it answers requests that name as their host a loopback name, ``host``
    (the address served on) or one of ``allowed``."""
    if kb is None:
        from kzpolicy.kb.loading import load

        kb = load()
    api = Api(kb, limits=limits)
    table = [*api.routes(),
             ApiRoute("/v1/openapi.json", "GET", _openapi, openapi.DOCUMENT),
             ApiRoute("/", "GET", _page, openapi.PAGE)]
    app = Starlette(
        routes=[r.route() for r in table],
        middleware=[Middleware(Guard, hosts=allowed_hosts(host, allowed))],
        exception_handlers={HTTPException: _http_error, ApiError: _error,
                            KzPolicyError: _error, ClientGone: _gone})
    app.state.kb = kb
    app.state.limits = limits
    app.state.lanes = api.lanes
    app.state.openapi = json_text(openapi.openapi_document(table, version=installed_version()))
    return app
