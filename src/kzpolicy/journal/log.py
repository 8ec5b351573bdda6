"""The decision log: one JSON line per answer, appended whole, read back strictly.

A line (format ``log: 1``) is one JSON object:

    log          1, the format of the line
    id           the decision's ID (a random UUID)
    time         when it was answered: UTC, ISO 8601
    operation    the operation that answered (assess, report, what-if, ...)
    input        what the caller gave; for assess and report ``conditions`` (a mapping
                 of condition IDs to true/false), ``preset`` and ``engine``
    reading      the reading the answer was made under (``article``: none)
    kb_version   the knowledge base's version: the content hash of its rules folder (or
                 the version the folder declares), with the reading's
    scenario     the implied scenario; null for an operation that implies none
    flagged      the IDs of the items flagged (sorted); null likewise

**Writing** (:class:`DecisionLog`). The file is opened with ``O_APPEND`` and each line
is written by one ``os.write`` of the whole encoded line, so lines appended by several
threads or processes never mix on a local file system: Linux appends a write to a
regular file whole, under the file's lock. POSIX promises that only for pipes and only
up to ``PIPE_BUF`` bytes (4,096 on Linux): a log that is a pipe or FIFO keeps lines
whole only up to that size, and a network file system (NFS) does not append atomically
at all. A short write (a full disk) is finished by further writes, so the line is
completed, but it may then mix with another process's line. The path is watched as
``logging.handlers.WatchedFileHandler`` watches it (that class does the watching here):
before each line, when the file at the path is gone or is another file (its device or
inode changed, as after ``logrotate`` renames it), it is opened again, so a log rotated
while ``kzpolicy serve`` runs loses no line: each lands in the old file or the new one.
A log that ends in a cut-off line is refused when opened (appending would glue the
next line to it). A reader may see a line another process is writing half written:
reads are not atomic with writes.

**Reading** (:class:`LogReader`): the log in chunks of lines. A line that is not a
logged decision is a :class:`~kzpolicy.DecisionLogError` naming the file, the line and
the fix, except the last line when it is cut off (no newline at its end and not a whole
JSON object: a write was interrupted): that one is reported (:attr:`LogReader.torn`,
a warning naming its line), never silently dropped.
"""

from __future__ import annotations

import json
import json.scanner
import logging.handlers
import os
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path
from typing import IO, Any

from kzpolicy.errors import DecisionLogError, InputError, expect

__all__ = ["CHUNK_LINES", "FORMAT", "REPLAYABLE", "DecisionLog", "LogReader", "answer_of",
           "encode", "problem", "record_of"]

FORMAT = 1
"""The format of a log line (its ``log`` field)."""

REPLAYABLE = ("assess", "report")
"""The operations whose decisions can be re-run: those that answer one assessment."""

CHUNK_LINES = 10_000
"""Lines read (and replayed) at a time: bounds the memory a long log takes (a parsed
line holds about 5 KB of Python objects, so a chunk about 60 MB; larger chunks are no
faster)."""

_Record = dict[str, Any]

_CUT_OFF_TRIES = 5


# ---------------------------------------------------------------------- one line
def answer_of(result: object) -> tuple[str | None, list[str] | None]:
    """The scenario and the flagged IDs (sorted) of a result: those of an assessment;
    (None, None) for a result that implies no single scenario."""
    from kzpolicy.engine.results import Assessment

    if isinstance(result, Assessment):
        return result.scenario.id, sorted(result.flagged_ids())
    return None, None


def record_of(operation: str, given: Mapping[str, object], result: object, *,
              kb_version: str, reading: str) -> _Record:
    """The log line of one answer, as data: ``given`` is the caller's input, and
    ``kb_version`` and ``reading`` the knowledge base's (a result's own win)."""
    scenario, flagged = answer_of(result)
    return {
        "log": FORMAT,
        "id": str(uuid.uuid4()),
        "time": datetime.now(timezone.utc).isoformat(timespec="microseconds"),
        "operation": operation,
        "input": dict(given),
        "reading": getattr(result, "reading", None) or reading,
        "kb_version": getattr(result, "kb_version", None) or kb_version,
        "scenario": scenario,
        "flagged": flagged,
    }


def encode(record: Mapping[str, object]) -> bytes:
    """One log line: compact JSON (ASCII) and a newline."""
    return (json.dumps(record, separators=(",", ":"), ensure_ascii=True) + "\n").encode()


# ---------------------------------------------------------------------- writing
class _Appender(logging.handlers.WatchedFileHandler):
    """The standard library's watched file (re-opened when the path is another file or
    gone), written a whole line at a time with one ``os.write`` (the file is opened in
    append mode: ``O_APPEND``)."""

    def __init__(self, path: str) -> None:
        super().__init__(path, mode="ab", delay=False)

    def emit_line(self, data: bytes) -> None:
        self.acquire()
        try:
            self.reopenIfNeeded()
            if self.stream is None:  # a re-open failed earlier: try again
                self.stream = self._open()
                self._statstream()
            fd = self.stream.fileno()
            done = os.write(fd, data)
            while done < len(data):  # a short write (a full disk): finish the line
                done += os.write(fd, data[done:])
        finally:
            self.release()


def _last_byte(path: Path) -> bytes:
    """The last byte of the file at ``path`` (empty for an empty or missing file)."""
    try:
        with path.open("rb") as f:
            size = f.seek(0, os.SEEK_END)
            if size == 0:
                return b""
            f.seek(size - 1)
            return f.read(1)
    except FileNotFoundError:
        return b""
    except OSError as exc:
        raise InputError(f"decision log {path}: cannot read it "
                         f"({exc.strerror or exc})") from None


def _refuse_cut_off(path: Path) -> None:
    """Refuse a log whose last line is cut off: a line appended now would join it. A
    reader may see another process's write half done, so the check is made a few times
    over a tenth of a second before refusing."""
    for _ in range(_CUT_OFF_TRIES):
        if _last_byte(path) in (b"", b"\n"):
            return
        time.sleep(0.02)
    raise InputError(
        f"decision log {path}: its last line is cut off (no newline at its end: a "
        "write was interrupted), and a new line would be glued to it; see it with "
        f"'kzpolicy replay {path}', then remove that line or log to another file")


class DecisionLog:
    """A decision log open for appending: :meth:`append` writes one answer's line.

    Safe to share between threads (a lock orders the lines) and between processes (each
    line is one ``O_APPEND`` write); follows the path when the file is rotated. Close it
    with :meth:`close` or use it as a context manager.
    """

    def __init__(self, path: str | Path) -> None:
        expect("DecisionLog", "path", path, (str, Path), "a path to a .jsonl file")
        self.path = Path(path)
        _refuse_cut_off(self.path)
        try:
            self._file = _Appender(str(self.path))
        except OSError as exc:
            raise InputError(
                f"decision log {path}: cannot open it for appending "
                f"({exc.strerror or exc}); give a file in a folder that exists and that "
                "you may write to") from None

    def append(self, operation: str, given: Mapping[str, object], result: object, *,
               kb_version: str, reading: str) -> str:
        """Log one answer (see :func:`record_of`); returns its decision ID."""
        record = record_of(operation, given, result, kb_version=kb_version,
                           reading=reading)
        self.write(record)
        return str(record["id"])

    def write(self, record: Mapping[str, object]) -> None:
        """Append one line made of ``record`` (one ``os.write``)."""
        try:
            line = encode(record)
        except (TypeError, ValueError) as exc:  # not JSON: a set, a Fraction, a cycle, ...
            raise InputError(f"decision log {self.path}: the decision cannot be written as "
                             f"JSON ({exc}); give its input as JSON values (mappings, "
                             "lists, strings, numbers, true/false, null)") from None
        self._file.emit_line(line)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> DecisionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------------- reading
_FIELDS: tuple[tuple[str, type], ...] = (
    ("id", str), ("time", str), ("operation", str), ("input", dict), ("reading", str),
    ("kb_version", str))

_FIX = ("kzpolicy writes every line whole, so the file was edited or other text was "
        "added to it; repair or remove that line (e.g. sed -i '{line}d' {file})")


_KEYS = ("log", *(key for key, _ in _FIELDS))
_SHAPE = (int, *(kind for _, kind in _FIELDS))


def problem(record: object) -> str | None:
    """What makes ``record`` not a logged decision, or None."""
    if (type(record) is dict and tuple(map(type, map(record.get, _KEYS))) == _SHAPE
            and record["log"] == FORMAT and type(record.get("scenario", 0)) in _ANSWER
            and type(record.get("flagged", 0)) in _FLAGGED):
        return None  # the common case, checked in one pass
    return _slow_problem(record)


_ANSWER = (str, type(None))
_FLAGGED = (list, type(None))


def _slow_problem(record: object) -> str | None:
    """:func:`problem` field by field, naming the first field that is wrong."""
    if type(record) is not dict:
        return f"a JSON {type(record).__name__}, not an object"
    if record.get("log") != FORMAT:
        return (f"its 'log' (the format) is {record.get('log')!r}, not {FORMAT}: written "
                "by another version of kzpolicy, or not a decision log line")
    for key, kind in _FIELDS:
        if type(record.get(key)) is not kind:
            return f"its {key!r} is missing or not a {kind.__name__}"
    for key in ("scenario", "flagged"):
        if key not in record:
            return f"its {key!r} is missing"
    scenario, flagged = record["scenario"], record["flagged"]
    if scenario is not None and type(scenario) is not str:
        return "its 'scenario' is neither a string nor null"
    if flagged is not None and type(flagged) is not list:  # its IDs: checked where used
        return "its 'flagged' is neither a list of IDs nor null"
    return None


class LogReader:
    """A decision log read a chunk of lines at a time (:meth:`chunks`).

    After reading: :attr:`lines` (lines read), :attr:`torn` (the number of a cut-off
    last line, not returned) and :attr:`warnings` (each names the file and the line).
    """

    def __init__(self, stream: IO[bytes], name: str, *, chunk: int = CHUNK_LINES) -> None:
        self.stream = stream
        self.name = name
        self.chunk = chunk
        self.lines = 0
        self.torn: int | None = None
        self.warnings: list[str] = []
        # json's own scanner: one JSON value at an offset, (value, end); typeshed types
        # make_scanner as a class taking itself
        self._scan: Callable[[str, int], tuple[Any, int]] = json.scanner.make_scanner(
            json.JSONDecoder())  # type: ignore[arg-type]

    def chunks(self) -> Iterator[tuple[int, list[_Record]]]:
        """Each chunk of decisions with the number of its first line (the lines of a
        chunk follow one another)."""
        for first, block, final in self.blocks():
            yield first, self.decode(block, first, final=final)

    def blocks(self) -> Iterator[tuple[int, list[bytes], bool]]:
        """Each chunk of lines as bytes, unread, with the number of its first line and
        whether it is the last (read it with :meth:`decode`)."""
        block = list(islice(self.stream, self.chunk))
        while block:
            after = list(islice(self.stream, self.chunk))
            first = self.lines + 1
            self.lines += len(block)
            yield first, block, not after
            block = after

    def _error(self, line: int, what: str) -> DecisionLogError:
        fix = _FIX.format(line=line, file=self.name)
        return DecisionLogError(f"not a logged decision: {what}; {fix}", file=self.name,
                                line=line)

    def decode(self, block: list[bytes], first: int, *, final: bool) -> list[_Record]:
        """The records of ``block``, whose first line is line ``first``; the last line of
        the log (``final``) may be torn."""
        last = first + len(block) - 1
        cut = final and not block[-1].endswith(b"\n")
        try:
            text = b"".join(block).decode("utf-8")
        except UnicodeDecodeError:
            text = ""  # find the line below
        out = self._scan_text(text, first) if text else None
        if out is None:
            out = self._line_by_line(block, first, final=final)
        for n, record in enumerate(out):
            wrong = problem(record)
            if wrong is not None:
                raise self._error(first + n, wrong)
        if cut and self.torn is None:
            self.warnings.append(
                f"{self.name}:{last}: the last line has no newline at its end but reads as "
                "a whole decision (the writer stopped before the newline); it is replayed")
        return out

    def _scan_text(self, text: str, first: int) -> list[Any] | None:
        """Every line of ``text`` as one JSON value each; None when one is not (then
        :meth:`_line_by_line` finds which)."""
        scan, out, pos, size = self._scan, [], 0, len(text)
        try:
            while pos < size:
                value, end = scan(text, pos)
                if end < size and text[end] != "\n":
                    return None
                out.append(value)
                pos = end + 1
        except (StopIteration, ValueError, RecursionError):
            return None
        return out

    def _line_by_line(self, block: list[bytes], first: int, *, final: bool) -> list[Any]:
        out: list[Any] = []
        for n, raw in enumerate(block):
            try:
                out.append(json.loads(raw))
                continue
            except (ValueError, RecursionError) as exc:
                reason = exc
            if final and n == len(block) - 1:
                self.torn = first + n
                ending = "" if raw.endswith(b"\n") else "no newline at its end, "
                self.warnings.append(
                    f"{self.name}:{first + n}: the last line is cut off ({ending}not a "
                    "whole JSON object: a write was interrupted, or was still under way "
                    "when the log was read); it is not replayed; if no writer is running, "
                    "remove it before appending to this log again")
                break
            raise self._error(first + n, f"not one JSON object ({reason})")
        return out
