"""`kzpolicy serve`: a local web application over one knowledge base (the
``kzpolicy[serve]`` extra: Starlette and uvicorn).

    create_app(kb=None) -> Starlette      the JSON API under /v1/, its OpenAPI document
                                          at /v1/openapi.json, the interactive page at /
    serve(app, host, port)                run it with uvicorn (kzpolicy.serve.server)

``import kzpolicy`` never loads this package; importing it loads Starlette.
"""

from __future__ import annotations

from kzpolicy.serve.app import create_app

__all__ = ["create_app"]
