"""A caller's data file: YAML or JSON (or standard input), read strictly, with its lines.

The one reader of what a caller gives in a file: the conditions of ``--file``, the
probabilities of ``--probabilities`` and situation files (:mod:`kzpolicy.journal`). YAML
is read by the rules' strict reader (:mod:`kzpolicy.kb.strict_yaml`: duplicate keys,
aliases and deep nesting refused, dates kept as text); JSON by Python's, with duplicate
keys refused too. Either way the data come with a :class:`LineIndex`, so that a later
error can name the file and the line. A file that cannot be read at all is an
:class:`~kzpolicy.InputError` naming the option (or the file) and what to give instead; a
file that is not valid YAML a :class:`~kzpolicy.RulesFileError` (file and line), as in a
rules folder.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kzpolicy.errors import InputError, RulesFileError
from kzpolicy.kb.strict_yaml import LineIndex, parse_yaml, read_text, read_yaml

__all__ = ["read_data"]


class _DuplicateKeyError(Exception):
    """A JSON object with a key twice (found by :func:`_refuse_duplicates`)."""


def _refuse_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out


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
    """JSON text's data, and its lines as the YAML reader finds them (JSON is YAML's
    flow style; tabs, which JSON allows between tokens, read as spaces)."""
    try:
        data = json.loads(text, object_pairs_hook=_refuse_duplicates)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}:{exc.lineno}: invalid JSON ({exc.msg}, column "
                         f"{exc.colno}); fix the syntax there") from None
    except _DuplicateKeyError as exc:
        _lines(text, name)  # the YAML reader raises, naming the line of the second key
        raise InputError(f"{where}: duplicate key {exc.args[0]!r}; remove one of them or "
                         "merge their contents") from None
    except (UnicodeDecodeError, RecursionError) as exc:
        raise InputError(f"{where}: invalid JSON ({exc})") from None
    index = _lines(text, name)
    return data, index if index is not None else LineIndex(None)


def _lines(text: str, name: str) -> LineIndex | None:
    """The lines of JSON text's nodes; raises the YAML reader's error for a duplicate key
    (as an InputError naming file and line), None where the YAML reader cannot follow."""
    try:
        _, index = parse_yaml(text.replace("\t", " "), name)
    except RulesFileError as exc:
        if exc.reason.startswith("duplicate key"):
            raise InputError(str(exc)) from None
        return None
    return index
