"""The OpenAPI 3.1 document of the API (``GET /v1/openapi.json``), read from the route
table (:mod:`kzpolicy.serve.routes`): each route's entry, with the pydantic models of the
operations' bodies and results as JSON Schemas, their nested types hoisted into
``components/schemas``.

    operation_entry(op, ...)       the entry of an operation's POST route (from the table
                                   of kzpolicy.operations)
    KB, LISTING, SCHEMA,           the entries of the GET routes
    DOCUMENT, PAGE
    openapi_document(routes)       the document
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from kzpolicy.operations.table import Operation
from kzpolicy.serve.routes import ApiRoute, Entry

__all__ = ["DOCUMENT", "KB", "LISTING", "PAGE", "SCHEMA", "openapi_document",
           "operation_entry"]

REF = "#/components/schemas/{model}"

_ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string", "description": "the kind of error"},
        "message": {"type": "string", "description": "one line, as the CLI prints it"},
        "suggestions": {"type": "array", "items": {"type": "string"},
                        "description": "the closest valid IDs"},
    },
}

_HTML = {"text/html": {"schema": {"type": "string"}}}


def _add(components: dict[str, Any], model: type[BaseModel]) -> dict[str, str]:
    """Put ``model``'s schema (and its nested types) in ``components``; return a ref."""
    schema = model.model_json_schema(ref_template=REF)
    for name, nested in schema.pop("$defs", {}).items():
        components.setdefault(name, nested)
    components[model.__name__] = schema
    return {"$ref": REF.format(model=model.__name__)}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    words = {400: "malformed JSON", 404: "unknown name", 413: "request body too large",
             422: "bad input (the message names the closest valid ID)"}
    ref = {"$ref": REF.format(model="Error")}
    return {str(s): _json(ref, words[s]) for s in statuses}


def operation_entry(op: Operation, body: type[BaseModel],
                    results: tuple[type[BaseModel], ...]) -> Entry:
    """The entry of ``op``'s route: its ``body``, and its result as JSON (one of
    ``results``) or as kzpolicy's HTML report."""

    def entry(components: dict[str, Any]) -> dict[str, Any]:
        request = {"required": False,
                   "content": {"application/json": {"schema": _add(components, body)}}}
        if op.answer == "html":
            answer = {"description": "the report", "content": _HTML}
        else:
            refs = [_add(components, model) for model in results]
            answer = _json(refs[0] if len(refs) == 1 else {"oneOf": refs}, "the result")
        return {"summary": op.summary, "requestBody": request,
                "responses": {"200": answer, **_errors(400, 413, 422)}}

    return entry


def _fixed(entry: dict[str, Any]) -> Entry:
    """The entry of a route that names no model."""
    return lambda components: entry


KB = _fixed({
    "summary": "The knowledge base's version and counts",
    "responses": {"200": _json({"type": "object", "properties": {
        "version": {"type": "string"},
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}}}},
        "version and counts")}})
LISTING = _fixed({
    "summary": "The records `kzpolicy list WHAT --format json` prints",
    "parameters": [{"name": "what", "in": "path", "required": True,
                    "schema": {"type": "string"},
                    "description": "conditions, factors, scenarios, rules, presets, ..."}],
    "responses": {"200": _json({"type": "array", "items": {"type": "object"}},
                               "one record per entry, each with its id"),
                  **_errors(404)}})
SCHEMA = _fixed({
    "summary": "The JSON Schema of every input and result type (`kzpolicy schema`)",
    "parameters": [{"name": "which", "in": "query", "required": False,
                    "schema": {"type": "string", "default": "all"}}],
    "responses": {"200": _json({"type": "object"}, "JSON Schemas by name"),
                  **_errors(404)}})
DOCUMENT = _fixed({
    "summary": "This document",
    "responses": {"200": _json({"type": "object"}, "the OpenAPI document")}})
PAGE = _fixed({
    "summary": "The interactive what-if page",
    "responses": {"200": {"description": "an HTML page", "content": _HTML}}})


def openapi_document(routes: Iterable[ApiRoute], *, version: str) -> dict[str, Any]:
    """The OpenAPI document of ``routes`` (the app's route table)."""
    components: dict[str, Any] = {"Error": _ERROR}
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = route.entry(components)
    return {
        "openapi": "3.1.0",
        "info": {"title": "kzpolicy", "version": version,
                 "description": "The rules engine of Shaymergenov & Biekenov, 'Kazakhstan "
                 "and NATO: Evaluation of Cooperation Prospects' (2010), over HTTP."},
        "paths": paths,
        "components": {"schemas": components},
    }
