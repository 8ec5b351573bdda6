"""The decision log read as columns: a chunk of lines laid out as kzpolicy's own writer
lays them out, read without a JSON parser and checked byte for byte.

Replay spends most of its time reading JSON: the standard library's parser makes some
40 Python objects of every line (about 10 µs a line), where assessing it in a batch
costs a fraction of a microsecond. The lines :class:`~kzpolicy.journal.log.DecisionLog`
writes for ``assess`` and ``report`` all have one layout, so a chunk of them is read
here with a few passes of numpy over its bytes:

    head         ``{"log":1,"id":"<id>","time":"<time>","operation":"assess","input":{``
                 ... ``"conditions":{``: the first line's head, byte for byte, but for
                 the id and the time (plain strings of the same length)
    conditions   ``"ID":true`` or ``"ID":false``, comma-separated, each ID one of the
                 knowledge base's conditions, none twice
    tail         from the ``}`` closing the conditions to ``"flagged":[``: the rest of
                 the input (preset, engine, ...), the reading, the version and the
                 scenario; a chunk has a few distinct tails, each parsed once with
                 ``json``
    flagged      ``"ID"``, comma-separated, each one of the knowledge base's items, and
                 ``]}`` and the newline

Two skeletons of each distinct tail (the first line's head, the tail, and between them
one condition and one flagged item, or none) are parsed by ``json`` and must read as a
logged decision with exactly those conditions and items, so that the conditions and the
flagged list ``json`` keeps are the ones in the line's regions, not a key the tail
repeats. Every line read here therefore parses, with ``json``, to the decision read
here: the pieces that differ from line to line are plain strings and tokens of the
knowledge base's own vocabulary, looked up exactly (their bytes compared, not a hash).

Any line not in this layout (another operation, conditions as a list of IDs, an
unknown ID, an escape in a string, a cut-off last line, whitespace, keys in another
order, ...) makes :func:`read_columns` answer None, and the chunk is read by the JSON
parser (:class:`~kzpolicy.journal.log.LogReader`), which names what is wrong: the two
readers give the same replay (checked by the tests on generated logs).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from kzpolicy.engine.batch.inputs import base_row
from kzpolicy.engine.conditions import resolve
from kzpolicy.engine.decision import decision_outcomes
from kzpolicy.errors import KzPolicyError
from kzpolicy.journal.log import FORMAT, REPLAYABLE, encode, problem
from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["LogColumns", "Reader", "read_columns"]

Bytes = npt.NDArray[np.uint8]
Ints = npt.NDArray[np.intp]
Words = npt.NDArray[np.uint64]

_CONDITIONS = b'"conditions":{'
_FLAGGED = b'"flagged":['
_END = b"]}\n"
_MOST_TAILS = 4096  # distinct tails remembered between chunks
_LONGEST_TAIL = 2048  # bytes: a longer tail (a large input) is read by the JSON reader
_MOST_BITS = 20  # the largest table of a vocabulary: 2^20 slots

_COMMA, _BRACE, _BRACKET, _NEWLINE = b",}[\n"

#: the low ``n`` bytes of a 64-bit word, for n = 0 ... 8
_LOW = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)
_PAD = bytes(8)  # after a chunk: a word read at any byte of it stays inside
_ONES = 0x0101010101010101
_HIGH = np.uint64(0x8080808080808080)


def _odd_constants(count: int) -> tuple[int, ...]:
    """``count`` odd 64-bit multipliers (splitmix64 from a fixed seed)."""
    out, state, mask = [], 0x9E3779B97F4A7C15, (1 << 64) - 1
    for _ in range(count):
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = ((state ^ (state >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        out.append((z ^ (z >> 31)) | 1)
    return tuple(out)


#: the multipliers tried, in turn, for a table of a vocabulary without collisions
_MULTIPLIERS = _odd_constants(32)


def _word(text: bytes) -> int:
    return int.from_bytes(text, "little")


def _has_byte(words: Words, byte: int) -> npt.NDArray[np.bool_]:
    """Which words hold the byte ``byte`` (an exact test; the words are ASCII)."""
    x = words ^ np.uint64(_ONES * byte)
    found: npt.NDArray[np.bool_] = ((x - np.uint64(_ONES)) & ~x & _HIGH) != 0
    return found


def _plain(words: Words) -> bool:
    """Whether every byte of ``words`` may stand in a JSON string unescaped and is
    printable ASCII: none is 0x80 or above, below 0x20, DEL, '"' or '\\' (the bit
    tests of "Bit Twiddling Hacks", exact for whether such a byte exists)."""
    if (words & _HIGH).any():
        return False
    low = ((words - np.uint64(_ONES * 0x20)) & ~words & _HIGH) != 0  # a byte below 0x20
    return not (low | _has_byte(words, 0x22) | _has_byte(words, 0x5C)
                | _has_byte(words, 0x7F)).any()


class _Text:
    """A chunk's bytes, and a 64-bit word at every byte (``words[p]``: bytes ``p`` to
    ``p + 7``, little-endian; an unaligned view, nothing copied)."""

    def __init__(self, parts: Sequence[bytes]) -> None:
        padded = b"".join([*parts, _PAD])
        self.size = len(padded) - len(_PAD)
        self.blob = padded
        self.data: Bytes = np.frombuffer(padded, dtype=np.uint8)[:self.size]
        self.words: Words = np.ndarray((len(padded) - 7,), dtype="<u8", buffer=padded,
                                       strides=(1,))

    def rows(self, starts: Ints, offsets: Sequence[int]) -> Words:
        """The words at ``offsets`` from each of ``starts`` (rows x offsets)."""
        at = starts[:, None] + np.asarray(offsets, dtype=np.intp)
        found: Words = self.words[np.minimum(at, len(self.words) - 1)]
        return found


class _Words:
    """Tokens looked up exactly in a vocabulary. A token is read as 64-bit words: its
    first 8 bytes, its last 8 bytes and, for a token of more than 16 bytes, the words
    between (a token of fewer than 8 bytes: its bytes, zeros after). Its words and
    length, mixed, find the one candidate (in a table without collisions, or else by
    binary search of the mixes), and every word and the length must be the candidate's:
    a token is a word exactly when its bytes are the word's."""

    def __init__(self, words: Sequence[bytes]) -> None:
        self.size = len(words)
        self.longest = max(map(len, words), default=0)
        self.shortest = min(map(len, words), default=0)
        lengths = np.array([len(w) for w in words], dtype=np.intp)
        starts = np.cumsum(lengths) - lengths + 8  # after 8 bytes: a last word reads back
        text = _Text([bytes(8), *words])
        self.length = lengths
        self.first, self.last, self.middle = self._read(text, starts, lengths)
        # a table of about 2 V^2 slots (at most 2^20) holds V words without a collision
        # for most multipliers; past that size the mixes are searched in sorted order
        bits = min(_MOST_BITS, max(6, (2 * self.size ** 2).bit_length()))
        self.shift = np.uint64(64 - bits)
        self.slots: Ints | None = None
        self.multiplier = np.uint64(_MULTIPLIERS[0])
        for m in _MULTIPLIERS:
            self.multiplier = np.uint64(m)
            mixed = self._mixed(self.first, self.last, self.middle, lengths)
            slot = (mixed >> self.shift).astype(np.intp)
            if len(np.unique(slot)) == self.size:
                self.slots = np.full(1 << bits, -1, dtype=np.intp)
                self.slots[slot] = np.arange(self.size)
                break
        mixed = self._mixed(self.first, self.last, self.middle, lengths)
        self.order = np.argsort(mixed, kind="stable")
        self.sorted = mixed[self.order]
        self.usable = self.size > 0 and (self.slots is not None
                                         or len(np.unique(mixed)) == self.size)

    def _read(self, text: _Text, starts: Ints, lengths: Ints
              ) -> tuple[Words, Words, list[tuple[Words, Ints]]]:
        """The tokens' first and last words, and each inner word ``k`` (at byte 8k) of
        the tokens long enough to hold it whole before their last word, with which
        tokens those are."""
        first = text.words[starts]
        if self.longest <= 8:  # one word: the token's bytes, zeros after
            first &= _LOW[lengths]
            return first, first, []
        last = text.words[starts + lengths - 8]
        if self.shortest < 8:  # short tokens: their own bytes only, zeros after
            short = lengths < 8
            first = np.where(short, first & _LOW[np.minimum(lengths, 8)], first)
            last = np.where(short, first, last)
        middle = []
        for k in range(1, max(1, (self.longest - 1) // 8)):
            which = np.flatnonzero(lengths > 8 * k + 8)
            middle.append((text.words[starts[which] + 8 * k], which))
        return first, last, middle

    def _mixed(self, first: Words, last: Words, middle: list[tuple[Words, Ints]],
               lengths: Ints) -> Words:
        m = self.multiplier
        x = first * m + (last ^ lengths.astype(np.uint64)) * np.uint64(0xBF58476D1CE4E5B9)
        for k, (words, which) in enumerate(middle, start=1):
            x[which] += words * np.uint64(_MULTIPLIERS[-k])
        mixed: Words = (x ^ (x >> np.uint64(29))) * m
        return mixed

    def _candidates(self, mixed: Words) -> Ints:
        if self.slots is not None:
            found: Ints = self.slots[(mixed >> self.shift).astype(np.intp)]
            return found
        at = np.minimum(np.searchsorted(self.sorted, mixed), self.size - 1)
        near: Ints = self.order[at]
        return near

    def codes(self, text: _Text, starts: Ints, lengths: Ints) -> Ints | None:
        """The word of each token (``lengths[i]`` bytes from ``starts[i]``), or None
        when a token is not one of the words."""
        if not self.usable:
            return None
        if not len(starts):
            return np.zeros(0, dtype=np.intp)
        if int(np.min(lengths)) < 1 or int(np.max(lengths)) > self.longest:
            return None
        first, last, middle = self._read(text, starts, lengths)
        code = self._candidates(self._mixed(first, last, middle, lengths))
        if (code < 0).any() or not ((self.first[code] == first) & (self.last[code] == last)
                                    & (self.length[code] == lengths)).all():
            return None
        for (mine, holders), (words, which) in zip(self.middle, middle, strict=True):
            # the candidates have the token's length, so they hold word k too
            at = np.searchsorted(holders, code[which])
            if len(which) and not (mine[at] == words).all():
                return None
        return code


class LogColumns(NamedTuple):
    """A chunk of logged decisions as columns, a row per line."""

    asserted: npt.NDArray[np.int8]
    """rows x conditions: 1 true, 0 false, -1 unknown (the preset overlaid)"""
    scenario: npt.NDArray[np.int16]
    """the logged scenario, an index into the knowledge base's outcomes (-1: none of
    them)"""
    flagged: Bytes
    """the logged flagged items as bits (packed as ``Batch.flagged_bits``)"""


class _Tail(NamedTuple):
    base: npt.NDArray[np.int8]  # the preset's row (or all unknown)
    scenario: int


def _replayable(line: bytes) -> dict[str, Any] | None:
    """``line`` as the JSON reader reads it, when it is a logged decision of an operation
    that can be replayed; None otherwise."""
    try:
        record: dict[str, Any] = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if problem(record) is not None or record["operation"] not in REPLAYABLE:
        return None
    return record


class Reader:
    """What reading a chunk against one knowledge base needs, made once per replay."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.ids = tuple(kb.condition_ids)
        self.items = tuple(kb.items)
        # a condition's token with its value: code 2n + 1 is condition n true, 2n false
        self.conditions = _Words([b'"%s":%s' % (c.encode(), v)
                                  for c in self.ids for v in (b"false", b"true")])
        self.flags = _Words([b'"%s"' % i.encode() for i in self.items])
        self.scenario_code = {s: n for n, s in enumerate(decision_outcomes(kb))}
        self.tails: dict[tuple[bytes, bytes], _Tail | None] = {}
        self._marks = np.zeros(0, dtype=np.bool_)
        self._scratch = np.zeros(0, dtype=np.bool_)

    def delimiters(self, data: Bytes) -> npt.NDArray[np.bool_]:
        """Where ``data`` holds a comma, '}', '[' or a newline: compared in place in
        buffers kept between chunks (a new buffer of a chunk's size costs more in page
        faults than the comparisons)."""
        if len(self._marks) < len(data):
            self._marks = np.empty(len(data), dtype=np.bool_)
            self._scratch = np.empty(len(data), dtype=np.bool_)
        marks, scratch = self._marks[:len(data)], self._scratch[:len(data)]
        np.equal(data, _COMMA, out=marks)
        for byte in (_BRACE, _BRACKET, _NEWLINE):
            np.equal(data, byte, out=scratch)
            marks |= scratch
        return marks

    # ------------------------------------------------------------------ the head
    def head(self, line: bytes) -> tuple[bytes, list[tuple[int, int]]] | None:
        """The first line's head (up to its conditions) and the spans of its id and
        time, or None when the line is not in the layout."""
        record = _replayable(line)
        if record is None:
            return None
        ident, time = record["id"], record["time"]
        if not (ident.isascii() and time.isascii()):
            return None  # a non-ASCII string (a lone surrogate too) is escaped: not plain
        start = encode({"log": FORMAT, "id": ""})[:-3]  # {"log":1,"id":"
        prefix = encode({"log": FORMAT, "id": ident, "time": time})[:-2]
        size = line.find(_CONDITIONS)
        if not line.startswith(prefix) or size < len(prefix):
            return None
        spans = [(len(start), len(start) + len(ident)),
                 (len(prefix) - 1 - len(time), len(prefix) - 1)]
        if line[spans[0][0]:spans[0][1]] != ident.encode() or \
                line[spans[1][0]:spans[1][1]] != time.encode():
            return None
        return line[:size + len(_CONDITIONS)], spans

    # ------------------------------------------------------------------ a tail
    def tail(self, head: bytes, tail: bytes) -> _Tail | None:
        """A distinct tail, read once: the skeleton line (the head, one condition, the
        tail, one flagged item) must read as a logged decision with exactly those, and
        the line with neither as the same decision with none (so the conditions and the
        flagged list read are the ones ``json`` keeps, not a key the tail repeats)."""
        key = (head, tail)
        if key not in self.tails:
            if len(self.tails) >= _MOST_TAILS:  # a log of ever new tails: bounded memory
                self.tails.clear()
            self.tails[key] = self._tail(head, tail)
        return self.tails[key]

    def _tail(self, head: bytes, tail: bytes) -> _Tail | None:
        if not self.ids or not self.items:
            return None
        condition, item = self.ids[0], self.items[0]
        record = _replayable(b'%s"%s":true%s"%s"]}' % (head, condition.encode(), tail,
                                                         item.encode()))
        if record is None:
            return None
        given = record["input"]
        if given.get("conditions") != {condition: True} or record.get("flagged") != [item] \
                or type(record.get("scenario")) is not str:
            return None
        bare = _replayable(b"%s%s]}" % (head, tail))
        if bare != {**record, "input": {**given, "conditions": {}}, "flagged": []}:
            return None  # e.g. a second "conditions" or "input" key, a list after "flagged"
        preset = given.get("preset")
        if preset is not None and type(preset) is not str:
            return None
        try:
            fixed = resolve(self.kb, None, preset=preset)
        except KzPolicyError:
            return None  # an unknown preset: the JSON reader counts it as a skip
        base = np.frombuffer(base_row(self.kb, fixed), dtype=np.int8)
        return _Tail(base, self.scenario_code.get(record["scenario"], -1))


def read_columns(block: Sequence[bytes], reader: Reader) -> LogColumns | None:
    """The decisions of ``block`` (whole lines, each ending in a newline) as columns, or
    None when a line is not in the writer's layout (see the module docstring)."""
    if not block or not block[-1].endswith(b"\n"):
        return None
    found = reader.head(block[0])
    if found is None:
        return None
    head, spans = found
    text = _Text(block)
    points = np.flatnonzero(reader.delimiters(text.data))
    kinds = text.data[points]
    ends = points[kinds == _NEWLINE] + 1
    if len(ends) != len(block):
        return None
    starts = np.concatenate([[0], ends[:-1]])
    if (ends - starts).min() < len(head) + len(_FLAGGED) + len(_END):
        return None
    if not _heads_match(text, starts, head, spans):
        return None
    if not ((text.words[ends - 8] >> np.uint64(40)) == np.uint64(_word(_END))).all():
        return None
    return _columns(text, points, kinds, reader, head, starts + len(head),
                    ends - len(_END))


def _heads_match(text: _Text, starts: Ints, head: bytes, spans: list[tuple[int, int]]
                 ) -> bool:
    """Whether every line begins with ``head`` but for plain strings in ``spans``."""
    fixed = np.ones(len(head), dtype=np.bool_)
    for a, b in spans:
        fixed[a:b] = False
    offsets = (*range(0, len(head) - 8, 8), len(head) - 8)  # words over the head
    mask = np.array([_word(bytes(np.where(fixed[at:at + 8], 0xFF, 0).astype(np.uint8)))
                     for at in offsets], dtype=np.uint64)
    want = np.array([_word(head[at:at + 8]) for at in offsets], dtype=np.uint64) & mask
    if not ((text.rows(starts, offsets) & mask) == want).all():
        return False
    inner = [at for a, b in spans for at in (*range(a, b - 8, 8), b - 8)]
    return _plain(text.rows(starts, inner))  # each string, its last word overlapping


def _tokens(commas: Ints, starts: Ints, stops: Ints) -> tuple[Ints, Ints, Ints]:
    """The tokens of the regions ``[starts[k], stops[k])`` (apart, in order), split at
    ``commas`` (every comma of the chunk, in order): their starts, lengths and regions;
    an empty region has none."""
    low, high = np.searchsorted(commas, starts), np.searchsorted(commas, stops)
    count = (high - low) + (starts < stops)
    rows = np.repeat(np.arange(len(starts)), count)
    j = np.arange(len(rows)) - np.repeat(np.cumsum(count) - count, count)  # in its region
    at = low[rows] + j  # the comma after each token (or the region's end)
    top = len(commas) - 1
    first = np.where(j == 0, starts[rows], commas[np.clip(at - 1, 0, top)] + 1)
    last = np.where(j == count[rows] - 1, stops[rows], commas[np.minimum(at, top)])
    return first, last - first, rows


def _columns(text: _Text, points: Ints, kinds: Bytes, reader: Reader, head: bytes,
             open_: Ints, close: Ints) -> LogColumns | None:
    """The columns once the heads and ends are checked: ``open_`` is where each line's
    conditions begin, ``close`` where its flagged list ends (at its ']'); ``points``
    are the delimiters and ``kinds`` their bytes."""
    braces = points[kinds == _BRACE]
    brackets = points[kinds == _BRACKET]
    if not len(braces) or not len(brackets):
        return None
    # the '}' closing the conditions; the flagged list opens at the line's last '['
    # (no token holds either)
    shut = braces[np.minimum(np.searchsorted(braces, open_), len(braces) - 1)]
    listed = brackets[np.maximum(np.searchsorted(brackets, close) - 1, 0)] + 1
    if (shut < open_).any() or (listed - len(_FLAGGED) < shut).any():
        return None
    grouped = _tails(text, reader, head, shut, listed)
    if grouped is None:
        return None
    known, which = grouped
    commas = points[kinds == _COMMA]
    asserted = _asserted(text, commas, reader, open_, shut, known, which)
    flagged = _flagged(text, commas, reader, listed, close)
    if asserted is None or flagged is None:
        return None
    scenario = np.array([t.scenario for t in known], dtype=np.int16)[which]
    return LogColumns(asserted, scenario, flagged)


def _tails(text: _Text, reader: Reader, head: bytes, shut: Ints, listed: Ints
           ) -> tuple[list[_Tail], Ints] | None:
    """The distinct tails (from the '}' closing the conditions to the flagged list's
    '['), each read once, and which one each line has; grouped by their words (equal
    lengths and bytes), one line's bytes read per group."""
    lengths = listed - shut
    if int(np.max(lengths)) > _LONGEST_TAIL:
        return None
    width = -(-int(np.max(lengths)) // 8)
    words = text.rows(shut, range(0, 8 * width, 8))
    cut = np.clip(lengths[:, None] - np.arange(0, 8 * width, 8), 0, 8)
    words &= _LOW[cut]
    key = words[:, 0] ^ lengths.astype(np.uint64)
    for k in range(1, width):
        key = key * np.uint64(_MULTIPLIERS[k % len(_MULTIPLIERS)]) + words[:, k]
    _, first, which = np.unique(key, return_index=True, return_inverse=True)
    which = which.reshape(-1)
    if not (words == words[first][which]).all() or \
            not (lengths == lengths[first][which]).all():
        return None  # two tails mixed to one key: read them with the JSON parser
    known: list[_Tail] = []
    for k in first.tolist():
        read = reader.tail(head, text.blob[int(shut[k]):int(listed[k])])
        if read is None:
            return None
        known.append(read)
    return known, which.astype(np.intp)


def _asserted(text: _Text, commas: Ints, reader: Reader, open_: Ints, shut: Ints,
              known: list[_Tail], which: Ints) -> npt.NDArray[np.int8] | None:
    first, lengths, rows = _tokens(commas, open_, shut)
    code = reader.conditions.codes(text, first, lengths)
    if code is None:
        return None
    column = code >> 1
    cells = rows * len(reader.ids) + column
    if len(cells) and int(np.max(np.bincount(cells))) > 1:
        return None  # a condition given twice in one line: the JSON reader decides
    asserted: npt.NDArray[np.int8] = np.stack([t.base for t in known])[which]
    asserted[rows, column] = code & 1
    return asserted


def _flagged(text: _Text, commas: Ints, reader: Reader, listed: Ints, close: Ints
             ) -> Bytes | None:
    first, lengths, rows = _tokens(commas, listed, close)
    item = reader.flags.codes(text, first, lengths)
    if item is None:
        return None
    matrix = np.zeros((len(listed), len(reader.items)), dtype=np.bool_)
    matrix[rows, item] = True
    return np.packbits(matrix, axis=1, bitorder="little")
