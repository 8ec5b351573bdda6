"""The JSON API under ``/v1/``: each route calls the library as the matching CLI command
does and answers with the same JSON the command prints with ``--format json``.

    POST /v1/assess          AssessBody        -> Assessment
    POST /v1/report          AssessBody        -> the HTML report of that assessment
    POST /v1/what-if         WhatIfBody        -> WhatIf
    POST /v1/tipping-points  TippingPointsBody -> TippingPoints
    POST /v1/monte-carlo     MonteCarloBody    -> MonteCarlo
    POST /v1/probabilities   ProbabilitiesBody -> Probabilities (or Sensitivity)
    GET  /v1/kb                                -> version and counts
    GET  /v1/list/{what}                       -> the records of `kzpolicy list WHAT`
    GET  /v1/schema                            -> what `kzpolicy schema` prints
"""

from __future__ import annotations

import importlib.util
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kzpolicy.errors import KzPolicyError, UnknownIdError
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.serve.bodies import (
    AssessBody,
    MonteCarloBody,
    ProbabilitiesBody,
    TippingPointsBody,
    WhatIfBody,
    conditions_of,
)
from kzpolicy.serve.http import ApiError, error_response, json_text, read_body, text_response

if TYPE_CHECKING:
    from kzpolicy.engine.results import Assessment

__all__ = ["Api", "has_probabilities"]

Endpoint = Callable[[Request], Awaitable[Response]]


def has_probabilities() -> bool:
    """Whether this kzpolicy has exact probabilities (``kzpolicy.probabilities``)."""
    return all(importlib.util.find_spec(f"kzpolicy.analysis.{name}") is not None
               for name in ("probabilities", "sensitivity"))


def _model_json(result: BaseModel) -> str:
    return result.model_dump_json(indent=2) + "\n"


class Api:
    """The API's routes over one knowledge base."""

    def __init__(self, kb: KnowledgeBase, *, max_body: int) -> None:
        from kzpolicy.kb.checks import statistics

        self.kb = kb
        self.max_body = max_body
        self._kb_text = json_text({"version": kb.version, "counts": statistics(kb).counts})

    def routes(self) -> list[Route]:
        """Every route of the API."""
        post: list[tuple[str, Endpoint]] = [
            ("/v1/assess", self.assess),
            ("/v1/report", self.report),
            ("/v1/what-if", self.what_if),
            ("/v1/tipping-points", self.tipping_points),
            ("/v1/monte-carlo", self.monte_carlo),
        ]
        if has_probabilities():
            post.append(("/v1/probabilities", self.probabilities))
        get: list[tuple[str, Endpoint]] = [
            ("/v1/kb", self.kb_info),
            ("/v1/list/{what}", self.listing),
            ("/v1/schema", self.schema),
        ]
        return [*(Route(p, _guarded(e), methods=["POST"]) for p, e in post),
                *(Route(p, _guarded(e), methods=["GET"]) for p, e in get)]

    # ------------------------------------------------------------------ POST
    async def assess(self, request: Request) -> Response:
        body = await read_body(request, AssessBody, self.max_body)
        return text_response(await run_in_threadpool(self._assess, body))

    def _assess(self, body: AssessBody) -> str:
        return _model_json(self.assessment(body))

    def assessment(self, body: AssessBody) -> Assessment:
        """The Assessment of a body (as ``kzpolicy assess`` computes it)."""
        from kzpolicy.engine.assess import assess

        return assess(conditions_of(body.conditions), preset=body.preset, kb=self.kb,
                      engine=body.engine)

    async def report(self, request: Request) -> Response:
        body = await read_body(request, AssessBody, self.max_body)
        html = await run_in_threadpool(self._report, body)
        return text_response(html, media_type="text/html; charset=utf-8")

    def _report(self, body: AssessBody) -> str:
        from kzpolicy.report.render import render

        return render(self.assessment(body), "html", kb=self.kb)

    async def what_if(self, request: Request) -> Response:
        body = await read_body(request, WhatIfBody, self.max_body)
        return text_response(await run_in_threadpool(self._what_if, body))

    def _what_if(self, body: WhatIfBody) -> str:
        from kzpolicy.analysis.whatif import what_if

        base = conditions_of(body.base, "base")
        return _model_json(what_if(base, dict(body.changes), preset=body.preset, kb=self.kb))

    async def tipping_points(self, request: Request) -> Response:
        body = await read_body(request, TippingPointsBody, self.max_body)
        return text_response(await run_in_threadpool(self._tipping_points, body))

    def _tipping_points(self, body: TippingPointsBody) -> str:
        from kzpolicy.analysis.whatif import tipping_points

        return _model_json(tipping_points(conditions_of(body.base, "base"), preset=body.preset,
                                          kb=self.kb, max_size=body.max_size,
                                          all_minimal=body.all))

    async def monte_carlo(self, request: Request) -> Response:
        body = await read_body(request, MonteCarloBody, self.max_body)
        return text_response(await run_in_threadpool(self._monte_carlo, body))

    def _monte_carlo(self, body: MonteCarloBody) -> str:
        from kzpolicy.analysis.landscape import monte_carlo

        return _model_json(monte_carlo(
            dict(body.probabilities), fixed=conditions_of(body.fixed, "fixed"),
            preset=body.preset, kb=self.kb, samples=body.samples, seed=body.seed,
            confidence=body.confidence))

    async def probabilities(self, request: Request) -> Response:
        body = await read_body(request, ProbabilitiesBody, self.max_body)
        return text_response(await run_in_threadpool(self._probabilities, body))

    def _probabilities(self, body: ProbabilitiesBody) -> str:
        from kzpolicy.analysis.probabilities import probabilities
        from kzpolicy.analysis.sensitivity import sensitivity

        call = sensitivity if body.sensitivity else probabilities
        return _model_json(call(dict(body.beliefs), fixed=conditions_of(body.fixed, "fixed"),
                                preset=body.preset, kb=self.kb, exact=body.exact))

    # ------------------------------------------------------------------- GET
    async def kb_info(self, request: Request) -> Response:
        return text_response(self._kb_text)

    async def listing(self, request: Request) -> Response:
        from kzpolicy.kb.listing import LISTINGS, listing

        what = request.path_params["what"]
        if what not in LISTINGS:
            exc = UnknownIdError("listing", what, LISTINGS)
            raise ApiError(404, "UnknownIdError", str(exc))
        _columns, records = listing(self.kb, what)
        return text_response(json_text(records))

    async def schema(self, request: Request) -> Response:
        from kzpolicy.report.schemas import schemas

        found = schemas()
        which = request.query_params.get("which", "all")
        if which != "all" and which not in found:
            raise ApiError(404, "UnknownIdError", str(UnknownIdError("schema", which, found)))
        return text_response(json_text(found if which == "all" else found[which]))


def _guarded(endpoint: Endpoint) -> Endpoint:
    """``endpoint`` with its errors answered as JSON (see :mod:`kzpolicy.serve.http`)."""

    async def guarded(request: Request) -> Response:
        try:
            return await endpoint(request)
        except (ApiError, KzPolicyError) as exc:
            return error_response(exc)

    guarded.__name__ = guarded.__qualname__ = getattr(endpoint, "__name__", "endpoint")
    guarded.__doc__ = endpoint.__doc__
    return guarded
