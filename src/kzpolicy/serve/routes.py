"""The route table: every route of the app as its path, method, endpoint and OpenAPI
entry. :func:`kzpolicy.serve.app.create_app` reads the Starlette routes and the OpenAPI
document (:mod:`kzpolicy.serve.openapi`) from the same rows, so neither lists a route
the other lacks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

__all__ = ["ApiRoute", "Endpoint", "Entry"]

Endpoint = Callable[[Request], Awaitable[Response]]
#: a route's OpenAPI operation object, given the document's ``components/schemas`` (to
#: which it adds the models it refers to)
Entry = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class ApiRoute:
    """One row of the route table."""

    path: str
    method: Literal["GET", "POST"]
    endpoint: Endpoint
    entry: Entry

    def route(self) -> Route:
        """The Starlette route."""
        return Route(self.path, self.endpoint, methods=[self.method])
