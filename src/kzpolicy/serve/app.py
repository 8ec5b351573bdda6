"""The application: :func:`create_app` builds the Starlette app over one knowledge base.

It serves the JSON API (:mod:`kzpolicy.serve.api`), its OpenAPI document and the
interactive page (:mod:`kzpolicy.serve.page`).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kzpolicy._version import installed_version
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.serve.api import Api
from kzpolicy.serve.http import MAX_BODY_BYTES, ApiError, error_response, json_text, text_response
from kzpolicy.serve.openapi import openapi_document
from kzpolicy.serve.page import page_response

__all__ = ["create_app"]


def create_app(kb: KnowledgeBase | None = None, *,
               max_body: int = MAX_BODY_BYTES) -> Starlette:
    """The web application over ``kb`` (the stock knowledge base by default); request
    bodies over ``max_body`` bytes are refused with 413."""
    if kb is None:
        from kzpolicy.kb.loading import load

        kb = load()
    api = Api(kb, max_body=max_body)
    routes = api.routes()
    paths = {r.path for r in routes}
    document = json_text(openapi_document(paths, version=installed_version()))

    async def openapi(request: Request) -> Response:
        return text_response(document)

    async def page(request: Request) -> Response:
        return page_response()

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            message = (f"no such route: {request.method} {request.url.path} "
                       "(see /v1/openapi.json)")
            return error_response(ApiError(404, "NotFound", message))
        if exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
            return error_response(ApiError(405, "MethodNotAllowed", message))
        return error_response(ApiError(exc.status_code, "HTTPError", str(exc.detail)))

    routes += [Route("/v1/openapi.json", openapi, methods=["GET"]),
               Route("/", page, methods=["GET"])]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error})
    app.state.kb = kb
    return app
