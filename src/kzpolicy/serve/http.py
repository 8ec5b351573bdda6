"""HTTP plumbing of the API: reading a bounded JSON body, and answering with JSON or a
one-line error.

Errors are JSON ``{"error": <type>, "message": <one line>}``: 400 malformed JSON, 404
unknown route or listing, 413 a body over the limit (refused before it is parsed), 422
bad input, with kzpolicy's own message (the line the CLI prints after
``kzpolicy: error:``).
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from starlette.requests import Request
from starlette.responses import Response

from kzpolicy.errors import KzPolicyError, UnknownIdError

__all__ = [
    "MAX_BODY_BYTES",
    "ApiError",
    "error_response",
    "json_text",
    "read_body",
    "text_response",
]

MAX_BODY_BYTES = 1_000_000
"""The largest request body the API reads (bigger ones get 413 before any parsing)."""

B = TypeVar("B", bound=BaseModel)


class ApiError(Exception):
    """An answer other than success: an HTTP status and a one-line message."""

    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.message = message


def json_text(data: Any) -> str:
    """``data`` as the CLI prints JSON: indented, not ASCII-escaped, a final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def text_response(text: str, status: int = 200,
                  media_type: str = "application/json") -> Response:
    """A response whose body is ``text`` (already JSON, HTML, ...)."""
    return Response(text, status_code=status, media_type=media_type)


def error_response(exc: ApiError | KzPolicyError) -> Response:
    """The JSON answer to an error."""
    if isinstance(exc, ApiError):
        status, kind, message = exc.status, exc.kind, exc.message
    else:
        from kzpolicy.errors import EngineError

        status = 500 if isinstance(exc, EngineError) else 422
        kind, message = type(exc).__name__, str(exc)
    data: dict[str, Any] = {"error": kind, "message": message}
    if isinstance(exc, UnknownIdError):
        data["suggestions"] = exc.suggestions
    return text_response(json_text(data), status)


async def _bytes(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise ApiError(400, "BadRequest", "the Content-Length header is not a number") \
                from None
        if size > limit:
            raise _too_large(limit)
    chunks: list[bytes] = []
    total = 0
    async for chunk in request.stream():  # counted as it comes: a chunked body too
        total += len(chunk)
        if total > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "PayloadTooLarge",
                    f"the request body is over {limit:,} bytes; send less")


async def read_body(request: Request, model: type[B], limit: int = MAX_BODY_BYTES) -> B:
    """The request's JSON body as ``model``: 413 over ``limit`` bytes, 400 when it is not
    JSON, 422 when it does not fit the model (the first problem, on one line). An empty
    body is an empty object."""
    raw = await _bytes(request, limit)
    if not raw.strip():
        data: Any = {}
    else:
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, RecursionError):
            raise ApiError(400, "MalformedJSON", "the request body is not UTF-8 JSON") \
                from None
        except json.JSONDecodeError as exc:
            raise ApiError(400, "MalformedJSON",
                           f"the request body is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ApiError(422, "InputError",
                       f"the request body must be a JSON object, not {_json_type(data)}")
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        more = exc.error_count() - 1
        extra = f" (and {more} more problem(s))" if more else ""
        raise ApiError(422, "InputError", f"{where}: {first['msg']}{extra}") from None


def _json_type(data: object) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(data), "a number")
