"""Replay: every decision of a decision log re-run against a knowledge base (another
rules folder, or a reading), and the decisions whose answer changes.

The log is read a chunk of lines at a time (:data:`~kzpolicy.journal.log.CHUNK_LINES`)
and each chunk is assessed as one batch on the bitset engine: the scenario and the
flagged items of each decision are compared, as columns, with those it logged. A chunk
of lines as kzpolicy writes them for ``assess`` and ``report`` is read as columns
straight from its bytes (:mod:`kzpolicy.journal.columnar`); any other chunk is read by
the JSON parser (:class:`~kzpolicy.journal.log.LogReader`), line by line; both give
the same answer. Only the changed decisions are kept, at most ``max_changes`` of them
(:data:`MAX_CHANGES` by default; the rest are counted, and ``capped`` says so), so a
log of millions of lines runs in bounded memory.

A decision is re-run as ``assess(conditions, preset=preset, kb=kb)`` with the
conditions and preset it logged (its engine does not matter: both give the same
answers), under the knowledge base given here, whatever reading it was made under.
Nothing is skipped silently: every decision not re-run is counted under its reason
(:class:`ReplaySkip`): an operation that is not an assessment, a condition or a preset
the knowledge base lacks, a cut-off last line.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from itertools import chain, repeat
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt
from pydantic import Field

from kzpolicy.engine.batch.columns import Batch, preset_order
from kzpolicy.engine.batch.many import assess_many, evaluate_matrix
from kzpolicy.engine.conditions import resolve
from kzpolicy.engine.decision import decision_outcomes
from kzpolicy.engine.results import ResultModel, trusted
from kzpolicy.errors import DecisionLogError, InputError, KzPolicyError, expect
from kzpolicy.journal.columnar import LogColumns, Reader, read_columns
from kzpolicy.journal.log import CHUNK_LINES, REPLAYABLE, LogReader
from kzpolicy.kb.gcpause import gc_paused
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base
from kzpolicy.kb.reading import ReadingSpec

__all__ = ["MAX_CHANGES", "REPLAYABLE", "Replay", "ReplayChange", "ReplaySkip", "replay",
           "replay_stream"]

MAX_CHANGES = 10_000
"""The changed decisions a replay keeps by default (the others are counted)."""


_UNKNOWN = -1  # a logged scenario the knowledge base does not have


class ReplayChange(ResultModel):
    """A logged decision whose answer changes: the scenario from and to, the items it
    flags now and did not (``added``) and those it no longer flags (``cleared``)."""

    line: int = Field(description="its line in the log")
    id: str = Field(description="its decision ID, as logged")
    time: str = Field(description="when it was answered (UTC, ISO 8601)")
    operation: str = Field(description="the operation that answered it (assess, report)")
    kb_version: str = Field(description="the knowledge base it was answered with")
    reading: str = Field(description="the reading it was answered under")
    scenario_before: str = Field(description="the scenario it logged")
    scenario_after: str = Field(description="the scenario it implies now")
    added: tuple[str, ...] = Field(
        description="the items it flags now and did not, in the knowledge base's order")
    cleared: tuple[str, ...] = Field(description="the items it flagged and no longer does")


class ReplaySkip(ResultModel):
    """The decisions not re-run for one reason: how many, the first one's line, and an
    example of the reason in words."""

    reason: str = Field(description="not-replayable, no-answer, unknown-condition, "
                        "unknown-preset or cut-off")
    count: int = Field(description="how many lines were skipped for it")
    first_line: int = Field(description="the first of them")
    example: str = Field(description="the reason, in words, for the first of them")


class Replay(ResultModel):
    """What re-running a decision log against a knowledge base changes."""

    log: str = Field(description="the log replayed (its path)")
    kb_version: str = Field(description="the knowledge base the decisions were re-run "
                            "against (its version)")
    reading: str = Field(description="the reading it was read under")
    lines: int = Field(description="lines read")
    replayed: int = Field(description="decisions re-run: changed + unchanged")
    changed: int = Field(description="decisions whose scenario or flagged items change "
                         "(all counted)")
    unchanged: int = Field(description="decisions re-run with the answer they logged")
    skipped: int = Field(description="decisions (or lines) not re-run: the sum of skips")
    skips: tuple[ReplaySkip, ...] = Field(description="the reasons, in the order first met")
    changes: tuple[ReplayChange, ...] = Field(
        description="the changed decisions in log order: the first max_changes of them")
    max_changes: int = Field(description="the most changed decisions kept in changes")
    capped: bool = Field(description="true when more decisions changed than changes lists")
    warnings: tuple[str, ...] = Field(
        description="what reading the log found, e.g. a cut-off last line (file:line: ...)")


class _Replayer:
    """One replay's state: the knowledge base's indices and the running counts."""

    def __init__(self, kb: KnowledgeBase, max_changes: int) -> None:
        self.kb = kb
        self.max_changes = max_changes
        self.known = frozenset(kb.condition_ids)
        self.item_ids = tuple(kb.items)
        self.item_index = {i: n for n, i in enumerate(self.item_ids)}
        self.scenarios = decision_outcomes(kb)
        self.scenario_code = {s: n for n, s in enumerate(self.scenarios)}
        self.presets: dict[str, dict[str, bool] | None] = {}
        self.order = preset_order(kb, {})
        self.skips: dict[str, list[Any]] = {}
        self.changes: list[ReplayChange] = []
        self.replayed = 0
        self.changed = 0

    # ------------------------------------------------------------------ one decision
    def skip(self, reason: str, line: int, example: str) -> None:
        found = self.skips.get(reason)
        if found is None:
            self.skips[reason] = [1, line, example]
        else:
            found[0] += 1

    def _preset(self, name: object) -> dict[str, bool] | None:
        if type(name) is not str:
            return None
        if name not in self.presets:
            try:
                self.presets[name] = resolve(self.kb, None, preset=name)
            except KzPolicyError:
                self.presets[name] = None
        return self.presets[name]

    def conditions(self, given: dict[str, Any], line: int, name: str) -> dict[str, Any] | None:
        """The conditions to re-run a decision with (its preset overlaid), or None when
        it is skipped (and counted)."""
        conditions = given.get("conditions")
        if type(conditions) is not dict:
            conditions = _as_mapping(conditions, line, name)
        if not self.known.issuperset(conditions):
            bad = sorted(set(conditions) - self.known)[0]
            self.skip("unknown-condition", line, f"condition {bad!r} is not in the "
                      f"knowledge base {self.kb.version}")
            return None
        preset = given.get("preset")
        if preset is not None:
            base = self._preset(preset)
            if base is None:
                self.skip("unknown-preset", line, f"preset {preset!r} is not in the "
                          f"knowledge base {self.kb.version}")
                return None
            conditions = {**base, **conditions}
        return conditions

    def flag_bits(self, flagged: list[list[str]], lines: list[int], name: str
                  ) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.bool_]]:
        """The logged lists of flagged IDs as rows of bits over the knowledge base's items
        (packed as ``Batch.flagged_bits``), and where a list names an item the knowledge
        base lacks (so that answer changed)."""
        size = len(flagged)
        lengths = np.fromiter(map(len, flagged), dtype=np.intp, count=size)
        flat = list(chain.from_iterable(flagged))
        try:
            codes = np.fromiter(map(self.item_index.get, flat, repeat(-1)), dtype=np.intp,
                                count=len(flat))
        except TypeError:  # an unhashable value where an ID belongs
            codes = np.full(len(flat), -1, dtype=np.intp)
        rows = np.repeat(np.arange(size), lengths)
        unknown = codes < 0
        for k in np.flatnonzero(unknown).tolist():  # rare: an ID of other rules, or no ID
            if type(flat[k]) is not str:
                raise DecisionLogError(
                    f"not a logged decision: its 'flagged' holds {flat[k]!r}, not an ID; "
                    "repair or remove that line", file=name, line=lines[int(rows[k])])
        forced = np.zeros(size, dtype=np.bool_)
        forced[rows[unknown]] = True
        matrix = np.zeros((size, len(self.item_ids)), dtype=np.bool_)
        matrix[rows[~unknown], codes[~unknown]] = True
        return np.packbits(matrix, axis=1, bitorder="little"), forced

    # ------------------------------------------------------------------ one chunk
    def chunk(self, first: int, records: list[dict[str, Any]], name: str) -> None:
        """Re-run the decisions of one chunk as a batch; count and keep the changes."""
        rows: list[dict[str, Any]] = []
        kept: list[dict[str, Any]] = []
        lines: list[int] = []
        codes: list[int] = []
        flagged: list[list[str]] = []
        for n, record in enumerate(records):
            line = first + n
            operation = record["operation"]
            if operation not in REPLAYABLE:
                self.skip("not-replayable", line, f"operation {operation!r} answers no "
                          f"single assessment (replayable: {', '.join(REPLAYABLE)})")
                continue
            before = record["scenario"]
            if before is None:
                self.skip("no-answer", line, "the decision logged no scenario")
                continue
            conditions = self.conditions(record["input"], line, name)
            if conditions is None:
                continue
            rows.append(conditions)
            kept.append(record)
            lines.append(line)
            codes.append(self.scenario_code.get(before, _UNKNOWN))
            flagged.append(record["flagged"] or [])
        if rows:
            then, forced = self.flag_bits(flagged, lines, name)
            self._compare(rows, kept, lines, np.asarray(codes, dtype=np.int16), then, forced,
                          name)

    def _compare(self, rows: list[dict[str, Any]], kept: list[dict[str, Any]],
                 lines: list[int], codes: npt.NDArray[np.int16], then: npt.NDArray[np.uint8],
                 forced: npt.NDArray[np.bool_], name: str) -> None:
        batch = _assess(self.kb, rows, lines, name)
        differs = (codes != batch.scenario) | forced | (then != batch.flagged_bits).any(axis=1)
        self._tally(differs, batch, lines, kept.__getitem__)

    def columns(self, first: int, read: LogColumns, block: list[bytes]) -> None:
        """Re-run the decisions of a chunk read as columns; count and keep the changes
        (a changed decision's line is parsed to report it)."""
        batch = evaluate_matrix(self.kb, read.asserted, self.order)
        differs = (read.scenario != batch.scenario) | \
            (read.flagged != batch.flagged_bits).any(axis=1)
        lines = range(first, first + len(block))
        self._tally(differs, batch, lines, lambda k: json.loads(block[k]))

    def _tally(self, differs: npt.NDArray[np.bool_], batch: Batch, lines: Sequence[int],
               record: Callable[[int], dict[str, Any]]) -> None:
        changed = np.flatnonzero(differs)
        self.replayed += len(differs)
        self.changed += len(changed)
        room = self.max_changes - len(self.changes)
        after, now = batch.scenario, batch.flagged_bits
        for k in changed[:max(room, 0)].tolist():
            self.changes.append(self._change(record(k), lines[k], int(after[k]), now[k]))

    def _change(self, record: dict[str, Any], line: int, after: int,
                bits: npt.NDArray[np.uint8]) -> ReplayChange:
        flags = np.unpackbits(bits, count=len(self.item_ids), bitorder="little")
        now = [self.item_ids[n] for n in np.flatnonzero(flags).tolist()]
        then = set(record["flagged"] or ())
        order = self.item_index
        cleared = sorted(then.difference(now), key=lambda i: (order.get(i, len(order)), i))
        # values a logged line (checked) and the knowledge base give: no validation
        return trusted(
            ReplayChange, line=line, id=record["id"], time=record["time"],
            operation=record["operation"], kb_version=record["kb_version"],
            reading=record["reading"], scenario_before=record["scenario"],
            scenario_after=self.scenarios[after],
            added=tuple(i for i in now if i not in then), cleared=tuple(cleared))


def _as_mapping(conditions: object, line: int, name: str) -> dict[str, Any]:
    """Logged conditions given as a list of IDs (all true) or none, as a mapping."""
    if conditions is None:
        return {}
    if type(conditions) is list and all(type(c) is str for c in conditions):
        return dict.fromkeys(conditions, True)
    raise DecisionLogError(
        "not a logged decision: its input's 'conditions' is neither a mapping of condition "
        "IDs to true/false nor a list of IDs; repair or remove that line", file=name,
        line=line)


def _assess(kb: KnowledgeBase, rows: list[dict[str, Any]], lines: list[int],
            name: str) -> Batch:
    """The batch of ``rows``; a row whose values are not true/false is an error naming
    its line (such a decision was never answered)."""
    try:
        return assess_many(rows, kb=kb)
    except InputError as exc:
        for row, line in zip(rows, lines, strict=True):
            bad = [k for k, v in row.items() if type(v) is not bool]
            if bad:
                raise DecisionLogError(
                    f"not a logged decision: condition {bad[0]!r} of its input is "
                    f"{row[bad[0]]!r}, not true or false; repair or remove that line",
                    file=name, line=line) from None
        raise exc


def replay_stream(stream: IO[bytes], name: str, kb: KnowledgeBase, *,
                  max_changes: int = MAX_CHANGES, chunk: int = CHUNK_LINES) -> Replay:
    """Replay the decision log read from ``stream`` (named ``name`` in messages) against
    ``kb``."""
    reader = LogReader(stream, name, chunk=chunk)
    state = _Replayer(kb, max_changes)
    columnar = Reader(kb)
    with gc_paused():  # parsing makes millions of objects, none of them cyclic garbage
        for first, block, final in reader.blocks():
            read = read_columns(block, columnar)
            if read is not None:
                state.columns(first, read, block)
                continue
            records = reader.decode(block, first, final=final)
            state.chunk(first, records, name)
            del records  # before the next chunk is read
    if reader.torn is not None:
        state.skip("cut-off", reader.torn, "the last line is cut off (a write was "
                   "interrupted)")
    skips = tuple(ReplaySkip(reason=r, count=c, first_line=f, example=e)
                  for r, (c, f, e) in state.skips.items())
    return Replay(
        log=name, kb_version=kb.version, reading=kb.reading, lines=reader.lines,
        replayed=state.replayed, changed=state.changed,
        unchanged=state.replayed - state.changed, skipped=sum(s.count for s in skips),
        skips=skips, changes=tuple(state.changes), max_changes=max_changes,
        capped=state.changed > len(state.changes), warnings=tuple(reader.warnings))


def replay(log: str | Path, *, kb: KnowledgeBase | None = None, reading: ReadingSpec = None,
           max_changes: int = MAX_CHANGES, chunk: int = CHUNK_LINES) -> Replay:
    """Re-run every decision of the decision log ``log`` against ``kb`` (the stock
    knowledge base by default) under ``reading``, and list those whose answer changes.

    The log is read ``chunk`` lines at a time, each chunk assessed as a batch on the
    bitset engine; at most ``max_changes`` changed decisions are kept (all are counted).
    A malformed line raises :class:`~kzpolicy.DecisionLogError` naming the file and the
    line; a cut-off last line is a warning and a skip.
    """
    expect("replay", "log", log, (str, Path), "a path to a decision log (.jsonl)")
    expect("replay", "max_changes", max_changes, int, "a whole number of changes to keep")
    expect("replay", "chunk", chunk, int, "a whole number of lines")
    if max_changes < 0 or chunk < 1:
        raise InputError(f"replay: max_changes must be at least 0 and chunk at least 1, "
                         f"not {max_changes} and {chunk}")
    target = knowledge_base("replay", kb, reading)
    path = Path(log)
    if path.is_dir():
        raise InputError(f"replay: {log} is a folder; give the decision log's file")
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise InputError(f"replay: cannot read the decision log {log} "
                         f"({exc.strerror or exc})") from None
    with stream:
        return replay_stream(stream, str(log), target, max_changes=max_changes, chunk=chunk)

