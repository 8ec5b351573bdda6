"""YAML reading for rules/: safe loading that rejects duplicate keys and keeps line numbers.

With libyaml (PyYAML's C parser, present in its wheels) a file is read in two C passes:
its events are scanned first, refusing aliases and deep nesting before any node is
built, then libyaml composes the nodes (with their line marks) and the strict
constructor builds the data. Without libyaml the pure-Python loader does both at once.
The two give the same data, the same line numbers and the same refusals.

``read_yaml`` returns the plain data of a file together with a ``LineIndex`` that
maps a path inside that data (as pydantic reports it, e.g. ``("threats", 3,
"label")``) back to the line it came from, so every error can name file and line.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kzpolicy.errors import RulesFileError, shown
from kzpolicy.kb.limits import ReadingLimits, reading_limits

__all__ = ["LineIndex", "parse_yaml", "read_text", "read_yaml"]


class _StrictLoader(yaml.SafeLoader):
    """A SafeLoader that refuses duplicate mapping keys, aliases and deep nesting, and
    keeps dates as strings. Rules files never need aliases; refusing them makes an
    alias bomb (a few hundred bytes that expand to billions of nodes) impossible."""

    _depth = 0
    limits = ReadingLimits()

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise RulesFileError(
                "YAML aliases (*name) are not allowed in rules files; write the entry out",
                file=str(self.name), line=event.start_mark.line + 1)
        self._depth += 1
        try:
            if self._depth > self.limits.depth:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise RulesFileError(
                    f"nested more than {self.limits.depth} levels deep; flatten the entry "
                    + self.limits.hint("depth"),
                    file=str(self.name), line=event.start_mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


try:
    _CParser: Any = importlib.import_module("yaml.cyaml").CParser
except (ImportError, AttributeError):  # PyYAML built without libyaml
    _CParser = None
HAVE_LIBYAML: bool = _CParser is not None
#: whether parse_yaml uses libyaml (tests switch it off to check the pure-Python path)
use_libyaml: bool = HAVE_LIBYAML

if HAVE_LIBYAML:

    class _CStrictLoader(
        _CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver  # type: ignore[misc]
    ):
        """libyaml's parser and composer with the strict constructor."""

        limits = ReadingLimits()

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)


def _scan_events(text: str, name: str, limits: ReadingLimits) -> None:
    """Refuse aliases and nesting deeper than the limit, from libyaml's events alone."""
    depth = 0
    most = limits.depth
    starts = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        # depth counts nodes as the pure-Python composer does: a collection and each
        # node inside it one level deeper, scalars included
        kind = type(event)
        if kind is yaml.ScalarEvent:
            if depth + 1 > most:
                raise RulesFileError(
                    f"nested more than {most} levels deep; flatten the entry "
                    + limits.hint("depth"), file=name, line=_line(event))
        elif kind in starts:
            depth += 1
            if depth > most:
                raise RulesFileError(
                    f"nested more than {most} levels deep; flatten the entry "
                    + limits.hint("depth"), file=name, line=_line(event))
        elif kind in ends:
            depth -= 1
        elif kind is yaml.AliasEvent:
            raise RulesFileError(
                "YAML aliases (*name) are not allowed in rules files; write the entry out",
                file=name, line=_line(event))


def _line(event: yaml.Event) -> int | None:
    mark = event.start_mark
    return mark.line + 1 if mark is not None else None


def _construct_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise RulesFileError(
                f"mapping keys must be plain scalars, not {type(key).__name__}",
                file=str(loader.name),
                line=line,
            )
        if key in seen:
            raise RulesFileError(
                f"duplicate key {key!r} (first defined on line {seen[key]}); "
                "remove one of them or merge their contents",
                file=str(loader.name),
                line=line,
            )
        seen[key] = line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


def _construct_timestamp_as_str(loader: Any, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


for _loader in ([_StrictLoader, _CStrictLoader] if HAVE_LIBYAML else [_StrictLoader]):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_str)


@dataclass(frozen=True)
class LineIndex:
    """Maps a path into a file's data back to a 1-based line number."""

    root: yaml.Node | None

    def line(self, path: Sequence[str | int]) -> int | None:
        """Return the line of the deepest node that ``path`` reaches (None if no node)."""
        node = self.root
        if node is None:
            return None
        best = node.start_mark.line + 1
        for step in path:
            child: yaml.Node | None = None
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if getattr(key_node, "value", None) == step:
                        child = value_node
                        best = key_node.start_mark.line + 1
                        break
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(step, int)
                and 0 <= step < len(node.value)
            ):
                child = node.value[step]
                best = child.start_mark.line + 1
            if child is None:
                break
            node = child
        return best


def read_yaml(path: Path, *, display: str | None = None, limits: ReadingLimits | None = None
              ) -> tuple[Any, LineIndex]:
    """Parse one YAML file strictly; raise RulesFileError with file and line on failure."""
    name = display or str(path)
    return parse_yaml(read_text(path, name, limits), name, limits)


def read_text(path: Path, name: str, limits: ReadingLimits | None = None) -> str:
    """A rules file's text, refusing one too large to read or not UTF-8 (``limits``: the
    reading limits, by default those in force)."""
    most = (limits or reading_limits()).file_bytes
    try:
        with path.open("rb") as handle:
            raw = handle.read(most + 1)
    except OSError as exc:
        raise RulesFileError(f"cannot read the file ({exc.strerror or exc})", file=name) from None
    if len(raw) > most:
        raise RulesFileError(
            f"the file is larger than {most:,} bytes (the limit is passed on this line); "
            "split it into several files " + (limits or reading_limits()).hint("file_bytes"),
            file=name, line=raw.count(b"\n", 0, most) + 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RulesFileError(f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                             file=name) from None
    return text


def parse_yaml(text: str, name: str, limits: ReadingLimits | None = None
               ) -> tuple[Any, LineIndex]:
    """Parse YAML text strictly (``name`` says where it came from in errors; ``limits``:
    the reading limits, by default those in force)."""
    limits = limits or reading_limits()
    if len(text) > limits.file_bytes:
        raise RulesFileError(f"larger than {limits.file_bytes:,} characters "
                             + limits.hint("file_bytes"), file=name,
                             line=text.count("\n", 0, limits.file_bytes) + 1)
    try:
        loader: Any
        if use_libyaml:
            _scan_events(text, name, limits)
            loader = _CStrictLoader(text)
        else:
            loader = _StrictLoader(text)
        loader.name = name
        loader.limits = limits
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except RulesFileError:
        raise
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise RulesFileError(f"invalid YAML: {exc.problem}", file=name, line=line) from exc
    except yaml.YAMLError as exc:
        raise RulesFileError(f"invalid YAML: {exc}", file=name) from exc
    except (ValueError, KeyError, TypeError, RecursionError, OverflowError) as exc:
        # a value YAML resolves but Python refuses: !!int abc, !!bool maybe, 5,000 digits
        raise RulesFileError(f"invalid YAML value ({type(exc).__name__}: {shown(str(exc))})",
                             file=name) from None
    return data, LineIndex(root)
