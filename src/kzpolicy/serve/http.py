"""HTTP plumbing of the API: reading a bounded JSON body, and answering with JSON or a
one-line error.

Errors are JSON ``{"error": <type>, "message": <one line>}``: 400 malformed JSON, 403 a
host or origin not allowed, 404 unknown route or listing, 408 a body that does not
arrive in time, 413 a body over the limit (refused before it is parsed), 415 a body
that is not declared JSON, 422 bad input or a request past a bound of its budget (with
kzpolicy's own message, the line the CLI prints after ``kzpolicy: error:``), 503 the
server is busy (with ``Retry-After``).
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any, TypeVar

import anyio
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import ErrorDetails
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from kzpolicy.errors import KzPolicyError, UnknownIdError, shown
from kzpolicy.kb.strict_json import MalformedJsonError, parse_json
from kzpolicy.serve.limits import DEFAULT_LIMITS, ServeLimits

__all__ = [
    "MAX_BODY_BYTES",
    "ApiError",
    "ClientGone",
    "error_response",
    "json_text",
    "read_body",
    "text_response",
]

MAX_BODY_BYTES = DEFAULT_LIMITS.body_bytes
"""The largest request body the API reads (bigger ones get 413 before any parsing)."""

B = TypeVar("B", bound=BaseModel)


class ApiError(Exception):
    """An answer other than success: an HTTP status and a one-line message; ``close``
    closes the connection after it, ``headers`` go with it."""

    def __init__(self, status: int, kind: str, message: str, *, close: bool = False,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.message = message
        self.close = close
        self.headers = headers or {}


class ClientGone(Exception):  # noqa: N818 (not an error: nobody is left to answer)
    """The client went away before its answer: the app answers nothing and logs nothing."""


def json_text(data: Any) -> str:
    """``data`` as the CLI prints JSON: indented, not ASCII-escaped, a final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def text_response(text: str, status: int = 200, media_type: str = "application/json",
                  headers: dict[str, str] | None = None) -> Response:
    """A response whose body is ``text`` (already JSON, HTML, ...)."""
    return Response(text, status_code=status, media_type=media_type, headers=headers)


def error_response(exc: ApiError | KzPolicyError) -> Response:
    """The JSON answer to an error."""
    from kzpolicy.analysis.budget import BudgetExceededError

    headers: dict[str, str] = {}
    if isinstance(exc, ApiError):
        status, kind, message = exc.status, exc.kind, exc.message
        headers.update(exc.headers)
        if exc.close:
            headers["connection"] = "close"
    else:
        from kzpolicy.errors import EngineError

        status = 500 if isinstance(exc, EngineError) else 422
        kind, message = type(exc).__name__, str(exc)
    data: dict[str, Any] = {"error": kind, "message": message}
    if isinstance(exc, UnknownIdError):
        data["suggestions"] = exc.suggestions
    if isinstance(exc, BudgetExceededError):
        data["bound"] = exc.bound
        data["limit"] = exc.limit
    return text_response(json_text(data), status, headers=headers)


# ---------------------------------------------------------------------- the body
def _declared(request: Request) -> int | None:
    declared = request.headers.get("content-length")
    if declared is None:
        return None
    try:
        size = int(declared)
    except ValueError:
        raise ApiError(400, "BadRequest", "the Content-Length header is not a number",
                       close=True) from None
    if size < 0:
        raise ApiError(400, "BadRequest", "the Content-Length header is negative", close=True)
    return size


def _too_large(limits: ServeLimits, *, close: bool) -> ApiError:
    return ApiError(413, "PayloadTooLarge",
                    f"the request body is over {limits.body_bytes:,} bytes; send less",
                    close=close)


async def _bytes(request: Request, limits: ServeLimits) -> bytes:
    """The body, at most ``limits.body_bytes`` of it. A bigger one is read on and dropped
    up to ``limits.drain_bytes`` more (so the client, done sending, reads the 413) and
    refused; one bigger still, or announced with ``Expect: 100-continue`` (the client
    waits to be told), is refused before it is read, and the connection closed."""
    size = _declared(request)
    if size is not None and size > limits.body_bytes:
        waits = request.headers.get("expect", "").lower() == "100-continue"
        if waits or size > limits.body_bytes + limits.drain_bytes:
            raise _too_large(limits, close=True)
    chunks: list[bytes] = []
    total = 0
    async for chunk in request.stream():  # counted as it comes: a chunked body too
        total += len(chunk)
        if total > limits.body_bytes + limits.drain_bytes:
            raise _too_large(limits, close=True)
        if total <= limits.body_bytes:
            chunks.append(chunk)
    if total > limits.body_bytes:
        raise _too_large(limits, close=False)
    return b"".join(chunks)


async def _bytes_in_time(request: Request, limits: ServeLimits) -> bytes:
    """:func:`_bytes` within ``limits.body_seconds`` (else :class:`TimeoutError`): under
    asyncio's own timeout where Python has one (3.11: a timer, no cancel scope)."""
    if sys.version_info >= (3, 11):
        async with asyncio.timeout(limits.body_seconds):
            return await _bytes(request, limits)
    with anyio.fail_after(limits.body_seconds):  # pragma: no cover (Python 3.10)
        return await _bytes(request, limits)


async def read_body(request: Request, model: type[B],
                    limits: ServeLimits = DEFAULT_LIMITS) -> B:
    """The request's JSON body as ``model``: 413 over ``limits.body_bytes``, 408 when it
    takes over ``limits.body_seconds`` to arrive, 400 when it is not JSON, 422 when it
    does not fit the model (one line, every field named once). An empty body is an
    empty object. A client that goes away meanwhile raises :class:`ClientGone`."""
    try:
        raw = await _bytes_in_time(request, limits)
    except TimeoutError:
        raise ApiError(408, "RequestTimeout",
                       f"the request body did not arrive within {limits.body_seconds:g} s",
                       close=True) from None
    except ClientDisconnect:
        raise ClientGone from None
    data: Any = {}
    if raw.strip():
        try:
            data = parse_json(raw, "the request body")
        except MalformedJsonError as exc:
            raise ApiError(400, "MalformedJSON", str(exc)) from None
    if not isinstance(data, dict):
        raise ApiError(422, "InputError",
                       f"the request body must be a JSON object, not {_json_type(data)}")
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        raise ApiError(422, "InputError", _problems(exc, model)) from None


# ---------------------------------------------------------------------- messages
_EXPECTED = {
    "dict_type": "a JSON object", "list_type": "a JSON array", "string_type": "a string",
    "bool_type": "true or false", "int_type": "a whole number",
    "int_from_float": "a whole number", "int_parsing": "a whole number",
    "float_type": "a number", "float_parsing": "a number",
}


def _problem(error: ErrorDetails, model: type[BaseModel]) -> str:
    """One problem of a body, worded for a JSON client: the field, then what it must be
    (never pydantic's names for Python types or for the members of a union)."""
    field = str(error["loc"][0]) if error["loc"] else "body"
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "extra_forbidden":
        return (f"{field}: no such field here; the fields are "
                f"{', '.join(model.model_fields)}")
    if kind in _EXPECTED:
        return f"{field}: expected {_EXPECTED[kind]}, not {_json_type(error['input'])}"
    if kind in ("less_than_equal", "greater_than_equal"):
        edge = "at most" if kind == "less_than_equal" else "at least"
        return (f"{field}: must be {edge} {ctx.get('le', ctx.get('ge'))}, not "
                f"{shown(error['input'])}")
    if kind == "literal_error":
        return f"{field}: expected {ctx['expected']}"
    return f"{field}: {error['msg']}"


def _problems(exc: PydanticValidationError, model: type[BaseModel]) -> str:
    """The first problem of a body, and how many fields have others."""
    errors = exc.errors(include_url=False)
    fields = {str(e["loc"][0]) if e["loc"] else "body" for e in errors}
    more = len(fields) - 1
    extra = f" (and {more} more field(s) with a problem)" if more else ""
    return _problem(errors[0], model) + extra


def _json_type(data: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
             type(None): "null"}
    return names.get(type(data), "a number")
