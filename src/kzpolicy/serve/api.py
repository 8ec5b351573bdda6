"""The JSON API under ``/v1/``: each route calls the library as the matching CLI command
does and answers with the same JSON the command prints with ``--format json``.

    POST /v1/NAME            for every operation of kzpolicy.operations.table with a
                             request body: the body -> the result (``/v1/report``: the
                             HTML report of the assessment)
    GET  /v1/kb              -> version and counts
    GET  /v1/list/{what}     -> the records of `kzpolicy list WHAT`
    GET  /v1/schema          -> what `kzpolicy schema` prints

With a decision log (``kzpolicy serve --log FILE``), every answer of a POST route is
logged, one line each (:mod:`kzpolicy.journal.log`). Errors are raised (``ApiError``,
``KzPolicyError``) and answered by the app's exception
handlers (:mod:`kzpolicy.serve.app`).
"""

from __future__ import annotations

import threading

from starlette.requests import Request
from starlette.responses import Response

from kzpolicy.errors import UnknownIdError
from kzpolicy.journal.log import DecisionLog
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.operations.bodies import Body
from kzpolicy.operations.table import OPERATIONS, Operation
from kzpolicy.serve import openapi
from kzpolicy.serve.guard import REPORT_POLICY
from kzpolicy.serve.http import ApiError, json_text, read_body, text_response
from kzpolicy.serve.limits import ServeLimits
from kzpolicy.serve.routes import ApiRoute, Endpoint
from kzpolicy.serve.work import Lanes

__all__ = ["Api"]

_MEDIA = {"json": "application/json", "html": "text/html; charset=utf-8"}
_HEADERS = {"json": None, "html": {"content-security-policy": REPORT_POLICY}}


def _warm_key(op: Operation, body: Body) -> tuple[str, str]:
    return op.name, str(getattr(body, "engine", ""))


class Api:
    """The API's routes over one knowledge base."""

    def __init__(self, kb: KnowledgeBase, *, limits: ServeLimits,
                 log: DecisionLog | None = None) -> None:
        from kzpolicy.kb.checks import statistics

        self.kb = kb
        self.limits = limits
        self.lanes = Lanes(limits)
        self.log = log
        self._kb_text = json_text({"version": kb.version, "counts": statistics(kb).counts})
        self._schemas: dict[str, str] = {}
        self._schemas_lock = threading.Lock()
        #: the (operation, engine) pairs whose quick inputs are computed on the event loop
        self._warm: set[tuple[str, str]] = set()

    def routes(self) -> list[ApiRoute]:
        """Every route of the API: the operations first, in the table's order."""
        posts: list[ApiRoute] = []
        for op in OPERATIONS:
            body, results = op.parts()
            if body is not None:
                posts.append(ApiRoute(op.path, "POST", self._endpoint(op, body),
                                      openapi.operation_entry(op, body, results)))
        return [*posts,
                ApiRoute("/v1/kb", "GET", self.kb_info, openapi.KB),
                ApiRoute("/v1/list/{what}", "GET", self.listing, openapi.LISTING),
                ApiRoute("/v1/schema", "GET", self.schema, openapi.SCHEMA)]

    # ------------------------------------------------------------------ POST
    def _endpoint(self, op: Operation, model: type[Body]) -> Endpoint:
        """The endpoint of ``op``: read its body, compute it in its lane (cancelled if
        the client leaves), answer."""
        media, headers = _MEDIA[op.answer], _HEADERS[op.answer]

        async def endpoint(request: Request) -> Response:
            body = await read_body(request, model, self.limits)
            if self._on_loop(op, body):
                text = self._answer(op, body, None)
            else:
                text = await self.lanes.run(
                    model.lane, request, lambda cancel: self._answer(op, body, cancel))
                if body.quick(self.kb):
                    self._warm.add(_warm_key(op, body))
            return text_response(text, media_type=media, headers=headers)

        return endpoint

    def _on_loop(self, op: Operation, body: Body) -> bool:
        """Whether ``body`` is computed on the event loop, not handed to a thread: a
        quick input (:meth:`Body.quick`: an assessment on the served knowledge base) of
        an operation answered with JSON, once one like it has computed in a thread (the
        first builds the engine), and with no decision log (whose writes may wait for
        the file's lock). Such a computation takes a fraction of a millisecond; a thread
        would cost more, in hand-overs of the GIL, than the work itself."""
        return (self.log is None and op.answer == "json" and body.quick(self.kb)
                and _warm_key(op, body) in self._warm)

    def _answer(self, op: Operation, body: Body, cancel: threading.Event | None) -> str:
        """The text of ``op``'s answer to ``body``, computed within the request's budget:
        its result as JSON (materialising the deferred parts) or as kzpolicy's HTML
        report; appended to the decision log when the server keeps one."""
        from kzpolicy.analysis.budget import Budget, within

        limits = self.limits
        budget = Budget(seconds=limits.work_seconds, hint=f"narrow the request: {body.narrow}")
        with within(budget, cancel=cancel):
            result = body.run(self.kb)
            # under a reading, the knowledge base it made (found by the result's version)
            version = getattr(result, "kb_version", self.kb.version)
            if op.answer == "html":
                from kzpolicy.report.render import render

                text = render(result, "html",
                              kb=self.kb if version == self.kb.version else None)
            else:  # written before the log reads the result (a result not yet read is
                # written without building its models)
                text = result.model_dump_json(indent=2) + "\n"
            if self.log is not None:  # one line per answer (an error is no answer)
                self.log.append(op.name, body.logged(), result, kb_version=version,
                                reading=getattr(result, "reading", self.kb.reading))
            return text

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
        which = request.query_params.get("which", "all")
        return text_response(self._schema_text(which))

    def _schema_text(self, which: str) -> str:
        """The JSON text of ``GET /v1/schema?which=...``: every schema is built on the
        first call, and each text kept."""
        with self._schemas_lock:
            if not self._schemas:
                from kzpolicy.report.schemas import schemas

                found = schemas()
                self._schemas = {name: json_text(s) for name, s in found.items()}
                self._schemas["all"] = json_text(found)
        if which not in self._schemas:
            names = [n for n in self._schemas if n != "all"]
            raise ApiError(404, "UnknownIdError", str(UnknownIdError("schema", which, names)))
        return self._schemas[which]
