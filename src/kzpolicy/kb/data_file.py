"""A caller's data file: YAML or JSON (or standard input), read strictly, with its lines.

The one reader of what a caller gives in a file: the conditions of ``--file``, the
probabilities of ``--probabilities`` and situation files (:mod:`kzpolicy.journal`). YAML
is read by the rules' strict reader (:mod:`kzpolicy.kb.strict_yaml`: duplicate keys,
aliases and deep nesting refused, dates kept as text); JSON by the strict JSON reader
(:mod:`kzpolicy.kb.strict_json`: duplicate keys, overlarge numbers and ``NaN`` refused),
the line of a refusal named where it can be found. Either way the data come with a
:class:`LineIndex`, so that a later error can name the file and the line. A file that
cannot be read at all is an :class:`~kzpolicy.InputError` naming the option (or the file)
and what to give instead; a file that is not valid YAML a
:class:`~kzpolicy.RulesFileError` (file and line), as in a rules folder.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kzpolicy.errors import InputError, RulesFileError
from kzpolicy.kb.strict_yaml import LineIndex, parse_yaml, read_text, read_yaml

__all__ = ["read_data"]


def read_data(path: str | Path, flag: str | None = None) -> tuple[object, LineIndex]:
    """The data of the YAML or JSON file ``path`` (given to the option ``flag``, which
    errors name; ``-`` reads standard input, as YAML, of which JSON is a subset), with the
    index of its lines."""
    shown = str(path)
    where = f"{flag} {shown}" if flag else shown
    if shown == "-":
        return _stdin(where)
    file = Path(path)
    if file.is_dir():
        raise InputError(f"{where}: is a folder, not a file")
    if not file.exists():
        raise InputError(f"{where}: no such file")
    if not file.is_file():
        raise InputError(f"{where}: not a regular file (give a .yaml or .json file)")
    if file.suffix == ".json":
        return _json(read_text(file, shown), shown, where)
    return read_yaml(file, display=shown)


def _stdin(where: str) -> tuple[object, LineIndex]:
    try:
        text = sys.stdin.read()
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: standard input is not text ({exc})") from None
    return parse_yaml(text, "standard input")


def _json(text: str, name: str, where: str) -> tuple[object, LineIndex]:
    """JSON text's data, read by the one JSON reader (:mod:`kzpolicy.kb.strict_json`), and
    its lines as the YAML reader finds them (JSON is YAML's flow style; tabs, which JSON
    allows between tokens, read as spaces)."""
    from kzpolicy.kb.strict_json import parse_json

    try:
        data = parse_json(text, where)
    except InputError as exc:
        line = _error_line(text, name)
        message = str(exc)
        if line is not None and message.startswith(where):
            message = f"{where}:{line}{message[len(where):]}"
        raise type(exc)(message) from None
    index = _lines(text, name)
    return data, index if index is not None else LineIndex(None)


def _error_line(text: str, name: str) -> int | None:
    """The line of what makes JSON text unreadable: a syntax error's, or a key's given
    twice (None where neither is found)."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return exc.lineno
    except (ValueError, RecursionError):
        return None
    try:
        parse_yaml(text.replace("\t", " "), name)
    except RulesFileError as exc:
        return exc.line if exc.reason.startswith("duplicate key") else None
    return None


def _lines(text: str, name: str) -> LineIndex | None:
    """The lines of JSON text's nodes (None where the YAML reader cannot follow)."""
    try:
        _, index = parse_yaml(text.replace("\t", " "), name)
    except RulesFileError:
        return None
    return index
