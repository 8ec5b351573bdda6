"""YAML reading for rules/: safe loading that rejects duplicate keys and keeps line numbers.

With libyaml (PyYAML's C parser, present in its wheels) a file is read from libyaml's
events in one pass (``_from_events``): the data built straight from them with PyYAML's
own resolver and constructors, and the lines of the top-level keys and of the items of
top-level lists noted (all that reading a valid rules file asks for). Anything else, an
alias, an anchor, a tag, a merge key, a duplicate or complex key, nesting past the
limit, several documents, any error, is left to the node reader: libyaml's events are
scanned first, refusing aliases and deep nesting before any node is built, then libyaml
composes the nodes (with their line marks) and the strict constructor builds the data;
the nodes of a file read from events are composed the same way when an error first asks
for a line below the top level. Without libyaml the pure-Python loader does both at
once. The event and node readers give the same data, the same line numbers and the
same refusals (the tests compare them on generated documents); the pure-Python loader
too, save where PyYAML's two parsers themselves differ (a tab inside a line or a block
scalar's indentation, a byte-order mark past the start: libyaml and the pure-Python
parser read or refuse them differently; tests/kb/test_yaml_events_redteam.py lists
them). Reading from events is three times as fast as composing nodes: most of an
uncached load of a large rules folder.

``read_yaml`` returns the plain data of a file together with a ``LineIndex`` that
maps a path inside that data (as pydantic reports it, e.g. ``("threats", 3,
"label")``) back to the line it came from, so every error can name file and line.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
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


class LineIndex:
    """Maps a path into a file's data back to a 1-based line number.

    Built from the file's nodes, or from its text and the lines of its top-level keys
    and of the items of its top-level lists (``known``, all that reading a valid rules
    file asks for); the nodes are then composed when another line is first asked for
    (an error's)."""

    def __init__(self, root: yaml.Node | None, *, text: str | None = None,
                 name: str = "", limits: ReadingLimits | None = None,
                 known: dict[tuple[str | int, ...], int] | None = None) -> None:
        self._root = root
        self._text = text
        self._name = name
        self._limits = limits
        self._known = known or {}

    @property
    def root(self) -> yaml.Node | None:
        """The file's root node (None for an empty file)."""
        if self._text is not None:
            self._root = _compose(self._text, self._name, self._limits or ReadingLimits())[0]
            self._text = None
        return self._root

    def line(self, path: Sequence[str | int]) -> int | None:
        """Return the line of the deepest node that ``path`` reaches (None if no node)."""
        path = tuple(path)
        if all(type(step) is str or isinstance(step, int) for step in path):
            # (the node walk takes no other step: ("a", 1.0) equals ("a", 1))
            found = self._known.get(path)
            if found is not None:  # a top-level key or an item of a top-level list
                return found
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
    if use_libyaml:
        try:
            data, known = _from_events(text, limits)
        except _NodesNeededError:
            pass  # the node reader reads it, or refuses it, exactly
        else:
            return data, LineIndex(None, text=text, name=name, limits=limits, known=known)
    root, data = _compose(text, name, limits, construct=True)
    return data, LineIndex(root)


def _compose(text: str, name: str, limits: ReadingLimits, *, construct: bool = False
             ) -> tuple[yaml.Node | None, Any]:
    """The root node of ``text``, and with ``construct`` its data (else None)."""
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
            data = loader.construct_document(root) if construct and root is not None \
                else None
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
    return root, data


# ---------------------------------------------------------------------- from events
class _NodesNeededError(Exception):
    """What the event reader leaves to the node reader, which reads or refuses it
    exactly: an alias, an anchor, a tag, a merge key, a key that is not a plain scalar,
    a duplicate key, a top-level string key written like an earlier int, bool or null
    key ('1' after 1: LineIndex finds keys by their text), nesting past the limit, more
    than one document, any error."""


_STR = "tag:yaml.org,2002:str"
_RESOLVE: Any = yaml.resolver.Resolver().resolve
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
#: the plain-scalar tags read here, and how (a timestamp stays its text, as
#: _construct_timestamp_as_str keeps it); any other tag is left to the node reader
_SCALARS: dict[str, Any] = {
    "tag:yaml.org,2002:int": yaml.constructor.SafeConstructor.construct_yaml_int,
    "tag:yaml.org,2002:float": yaml.constructor.SafeConstructor.construct_yaml_float,
    "tag:yaml.org,2002:bool": yaml.constructor.SafeConstructor.construct_yaml_bool,
    "tag:yaml.org,2002:null": yaml.constructor.SafeConstructor.construct_yaml_null,
}
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_KEYS = (str, int, bool, type(None))  # keys read here (a float key: the node reader)


def _from_events(text: str, limits: ReadingLimits
                 ) -> tuple[Any, dict[tuple[str | int, ...], int]]:
    """The data of ``text`` built straight from libyaml's events, in one pass, with the
    same values as the node reader (the same resolver and constructors), and the lines
    of its top-level keys and of the items of its top-level lists; raises
    :class:`_NodesNeededError` for anything it leaves to the node reader."""
    try:
        return _build(yaml.parse(text, Loader=yaml.CSafeLoader), limits.depth)
    except _NodesNeededError:
        raise
    except (yaml.YAMLError, ValueError, KeyError, TypeError, RecursionError,
            OverflowError) as exc:
        raise _NodesNeededError from exc


def _scalar(event: Any, tags: dict[tuple[str, Any], str]) -> Any:
    if event.anchor is not None or event.tag is not None:
        raise _NodesNeededError
    key = (event.value, event.implicit)
    tag = tags.get(key)
    if tag is None:
        tag = tags[key] = _RESOLVE(yaml.ScalarNode, event.value, event.implicit)
    if tag in (_STR, _TIMESTAMP):
        return event.value
    construct = _SCALARS.get(tag)
    if construct is None:
        raise _NodesNeededError
    return construct(_CONSTRUCTOR, yaml.ScalarNode(tag, event.value, event.start_mark,
                                                   event.end_mark, event.style))


class _Frame:
    """A mapping or a sequence being built, and where it stands."""

    __slots__ = ("has_key", "items", "key", "mapping", "top")

    def __init__(self, mapping: bool, top: tuple[str, ...] | None) -> None:
        self.items: Any = {} if mapping else []
        self.mapping = mapping
        self.key: Any = None
        self.has_key = False
        self.top = top  # the root mapping: (); a list under one of its keys: (key,)


class _Builder:
    """Mappings and sequences built from a stream of events (see
    :func:`_from_events`), a step per kind of event."""

    def __init__(self, most: int) -> None:
        self.most = most
        self.tags: dict[tuple[str, Any], str] = {}
        self.known: dict[tuple[str | int, ...], int] = {}
        self.stack: list[_Frame | None] = []
        self.frame: _Frame | None = None
        self.root: Any = None
        self.documents = 0
        self.texts: set[str] = set()  # the text of top-level keys that are not strings

    def node(self, event: Any) -> None:
        """Before a scalar or a collection: the depth, and an item's line."""
        if len(self.stack) + 1 > self.most:
            raise _NodesNeededError
        frame = self.frame
        if frame is not None and frame.top:  # an item of a top-level list: its line
            self.known[(frame.top[0], len(frame.items))] = event.start_mark.line + 1

    def scalar(self, event: Any) -> None:
        value = _scalar(event, self.tags)
        frame = self.frame
        if frame is not None and frame.top == () and not frame.has_key:
            if type(value) is not str:
                # LineIndex finds a key by its text: an int, bool or null key written
                # alike (1, true, ~) hides a later string key '1'
                self.texts.add(event.value)
            elif value in self.texts:
                raise _NodesNeededError  # whose line the node walk gives
            else:
                self.known[(value,)] = event.start_mark.line + 1
        self.place(value)

    def start(self, event: Any, mapping: bool) -> None:
        if event.anchor is not None or event.tag is not None:
            raise _NodesNeededError
        frame = self.frame
        top: tuple[str, ...] | None = None
        if frame is None:
            top = () if mapping else None
        elif frame.top == () and frame.has_key and not mapping and type(frame.key) is str:
            top = (frame.key,)
        self.stack.append(frame)
        self.frame = _Frame(mapping, top)

    def end(self) -> None:
        if self.frame is None:
            raise _NodesNeededError
        value = self.frame.items
        self.frame = self.stack.pop()
        self.place(value)

    def document(self) -> None:
        self.documents += 1
        if self.documents > 1:
            raise _NodesNeededError

    def place(self, value: Any) -> None:
        """Put a finished value where it belongs: the root, a list, a mapping's key or
        its value."""
        frame = self.frame
        if frame is None:
            self.root = value
        elif not frame.mapping:
            frame.items.append(value)
        elif frame.has_key:
            frame.items[frame.key] = value
            frame.has_key = False
        else:
            if type(value) not in _KEYS or value in frame.items:
                raise _NodesNeededError
            frame.key = value
            frame.has_key = True


def _build(events: Any, most: int) -> tuple[Any, dict[tuple[str | int, ...], int]]:
    """Mappings and sequences from a stream of events (see :func:`_from_events`)."""
    builder = _Builder(most)
    for event in events:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            builder.node(event)
            builder.scalar(event)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            builder.node(event)
            builder.start(event, kind is yaml.MappingStartEvent)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            builder.end()
        elif kind is yaml.DocumentStartEvent:
            builder.document()
        elif kind is yaml.AliasEvent:
            raise _NodesNeededError
        # the stream's start and end, a document's end: nothing
    return builder.root, builder.known
