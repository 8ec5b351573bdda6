"""A small JSON Schema checker for the tests: the keywords pydantic's schemas of the
journal's models use (no validator library is a dependency). An unknown keyword fails
loudly, so the checker never passes what it does not read."""

from __future__ import annotations

import datetime
from typing import Any

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "boolean": (bool,),
    "number": (int, float), "integer": (int,), "null": (type(None),),
}
_READ = {"type", "properties", "required", "additionalProperties", "anyOf", "oneOf", "enum",
         "minimum", "maximum", "minLength", "maxLength", "minProperties", "$ref", "$defs",
         "format", "items", "title", "description", "default", "prefixItems", "minItems",
         "maxItems", "const"}


class SchemaError(AssertionError):
    """The instance does not satisfy the schema."""


def _is(value: object, kind: str) -> bool:
    if kind in ("number", "integer") and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[kind])


def check(instance: object, schema: dict[str, Any], root: dict[str, Any] | None = None,
          where: str = "$") -> None:
    """Raise SchemaError unless ``instance`` satisfies ``schema``."""
    root = root or schema
    unread = set(schema) - _READ
    if unread:
        raise NotImplementedError(f"{where}: the checker does not read {sorted(unread)}")
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        check(instance, root["$defs"][name], root, where)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            passed = 0
            for option in schema[key]:
                try:
                    check(instance, option, root, where)
                    passed += 1
                except SchemaError:
                    pass
            if passed == 0 or (key == "oneOf" and passed > 1):
                raise SchemaError(f"{where}: {passed} options of {key} match {instance!r}")
    if "type" in schema and not _is(instance, schema["type"]):
        raise SchemaError(f"{where}: {instance!r} is not of type {schema['type']}")
    if "enum" in schema and instance not in schema["enum"]:
        raise SchemaError(f"{where}: {instance!r} not in {schema['enum']}")
    if "const" in schema and instance != schema["const"]:
        raise SchemaError(f"{where}: {instance!r} is not {schema['const']!r}")
    if isinstance(instance, int | float) and not isinstance(instance, bool):
        if "minimum" in schema and instance < schema["minimum"]:
            raise SchemaError(f"{where}: {instance} < {schema['minimum']}")
        if "maximum" in schema and instance > schema["maximum"]:
            raise SchemaError(f"{where}: {instance} > {schema['maximum']}")
    if isinstance(instance, str):
        if len(instance) < schema.get("minLength", 0):
            raise SchemaError(f"{where}: too short")
        if len(instance) > schema.get("maxLength", len(instance)):
            raise SchemaError(f"{where}: too long")
        if schema.get("format") == "date":
            try:
                datetime.date.fromisoformat(instance)
            except ValueError:
                raise SchemaError(f"{where}: {instance!r} is not a date") from None
    if isinstance(instance, list):
        if len(instance) < schema.get("minItems", 0):
            raise SchemaError(f"{where}: too few items")
        if "items" in schema:
            for n, item in enumerate(instance):
                check(item, schema["items"], root, f"{where}[{n}]")
    if isinstance(instance, dict):
        _check_object(instance, schema, root, where)


def _check_object(instance: dict[str, Any], schema: dict[str, Any], root: dict[str, Any],
                  where: str) -> None:
    for key in schema.get("required", ()):
        if key not in instance:
            raise SchemaError(f"{where}: {key!r} is required")
    if len(instance) < schema.get("minProperties", 0):
        raise SchemaError(f"{where}: too few properties")
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for key, value in instance.items():
        if key in properties:
            check(value, properties[key], root, f"{where}.{key}")
        elif extra is False:
            raise SchemaError(f"{where}: {key!r} is not allowed")
        elif isinstance(extra, dict):
            check(value, extra, root, f"{where}.{key}")
