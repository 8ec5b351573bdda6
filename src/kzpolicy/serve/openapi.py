"""The OpenAPI 3.1 document of the API (``GET /v1/openapi.json``), built from the
pydantic models the routes take and return: each model's JSON Schema, with its nested
types hoisted into ``components/schemas``."""

from __future__ import annotations

import importlib
from typing import Any

from pydantic import BaseModel

from kzpolicy.serve.bodies import (
    AssessBody,
    MonteCarloBody,
    ProbabilitiesBody,
    TippingPointsBody,
    WhatIfBody,
)

__all__ = ["openapi_document"]

REF = "#/components/schemas/{model}"

#: POST routes: path -> (summary, body model, result model "module:Name")
_POSTS: dict[str, tuple[str, type[BaseModel], str]] = {
    "/v1/assess": ("Assess conditions: the scenario, the risks and why", AssessBody,
                   "kzpolicy.engine.results:Assessment"),
    "/v1/what-if": ("What changes when some conditions change", WhatIfBody,
                    "kzpolicy.analysis.whatif:WhatIf"),
    "/v1/tipping-points": ("The fewest factor changes that switch the scenario",
                           TippingPointsBody, "kzpolicy.analysis.whatif:TippingPoints"),
    "/v1/monte-carlo": ("Scenario and risk probabilities by sampling", MonteCarloBody,
                        "kzpolicy.analysis.montecarlo:MonteCarlo"),
    "/v1/probabilities": ("Exact scenario and risk probabilities from beliefs",
                          ProbabilitiesBody, "kzpolicy.analysis.probabilities:Probabilities"
                          "|kzpolicy.analysis.sensitivity:Sensitivity"),
}

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


def _model(spec: str) -> type[BaseModel]:
    module, name = spec.split(":")
    found: type[BaseModel] = getattr(importlib.import_module(module), name)
    return found


def _add(components: dict[str, Any], model: type[BaseModel]) -> dict[str, str]:
    """Put ``model``'s schema (and its nested types) in ``components``; return a ref."""
    schema = model.model_json_schema(ref_template=REF)
    for name, nested in schema.pop("$defs", {}).items():
        components.setdefault(name, nested)
    components[model.__name__] = schema
    return {"$ref": REF.format(model=model.__name__)}


def _result(components: dict[str, Any], specs: str) -> dict[str, Any]:
    """The schema of a route's result: one model, or one of several (``a|b``)."""
    refs = [_add(components, _model(spec)) for spec in specs.split("|")]
    return refs[0] if len(refs) == 1 else {"oneOf": refs}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    words = {400: "malformed JSON", 404: "unknown name", 413: "request body too large",
             422: "bad input (the message names the closest valid ID)"}
    ref = {"$ref": REF.format(model="Error")}
    return {str(s): _json(ref, words[s]) for s in statuses}


def openapi_document(paths: set[str], *, version: str) -> dict[str, Any]:
    """The OpenAPI document of the routes in ``paths`` (the app's own paths)."""
    components: dict[str, Any] = {"Error": _ERROR}
    doc_paths: dict[str, Any] = {}
    for path, (summary, body, result) in _POSTS.items():
        if path not in paths:
            continue
        doc_paths[path] = {"post": {
            "summary": summary,
            "requestBody": {"required": False, "content": {
                "application/json": {"schema": _add(components, body)}}},
            "responses": {"200": _json(_result(components, result), "the result"),
                          **_errors(400, 413, 422)},
        }}
    if "/v1/report" in paths:
        doc_paths["/v1/report"] = {"post": {
            "summary": "The self-contained HTML report of an assessment",
            "requestBody": {"required": False, "content": {
                "application/json": {"schema": _add(components, AssessBody)}}},
            "responses": {"200": {"description": "the report",
                                  "content": {"text/html": {"schema": {"type": "string"}}}},
                          **_errors(400, 413, 422)},
        }}
    records = {"type": "array", "items": {"type": "object"}}
    doc_paths["/v1/kb"] = {"get": {
        "summary": "The knowledge base's version and counts",
        "responses": {"200": _json({"type": "object", "properties": {
            "version": {"type": "string"},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}}}},
            "version and counts")}}}
    doc_paths["/v1/list/{what}"] = {"get": {
        "summary": "The records `kzpolicy list WHAT --format json` prints",
        "parameters": [{"name": "what", "in": "path", "required": True,
                        "schema": {"type": "string"},
                        "description": "conditions, factors, scenarios, rules, presets, ..."}],
        "responses": {"200": _json(records, "one record per entry, each with its id"),
                      **_errors(404)}}}
    doc_paths["/v1/schema"] = {"get": {
        "summary": "The JSON Schema of every input and result type (`kzpolicy schema`)",
        "parameters": [{"name": "which", "in": "query", "required": False,
                        "schema": {"type": "string", "default": "all"}}],
        "responses": {"200": _json({"type": "object"}, "JSON Schemas by name"),
                      **_errors(404)}}}
    doc_paths["/v1/openapi.json"] = {"get": {
        "summary": "This document",
        "responses": {"200": _json({"type": "object"}, "the OpenAPI document")}}}
    doc_paths["/"] = {"get": {
        "summary": "The interactive what-if page",
        "responses": {"200": {"description": "an HTML page",
                              "content": {"text/html": {"schema": {"type": "string"}}}}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "kzpolicy", "version": version,
                 "description": "The rules engine of Shaymergenov & Biekenov, 'Kazakhstan "
                 "and NATO: Evaluation of Cooperation Prospects' (2010), over HTTP."},
        "paths": doc_paths,
        "components": {"schemas": components},
    }
