"""The columnar batch: many assessments held as bits, columns derived and rows built on
access.

A :class:`Batch` is what :func:`~kzpolicy.assess_many` returns. It keeps, per row (one
condition set each):

* the asserted conditions as bit planes (:mod:`~kzpolicy.engine.batch.bits`: two bits
  a condition, true and false, 64 rows a word, the preset already overlaid);
* the implied scenario, an index into ``scenario_ids``, as bit planes too: the index in
  binary (:func:`~kzpolicy.engine.batch.bits.code_planes`, two bits a row for up to
  four outcomes, not a byte).

Everything else it shows is derived from those when read (a chunk of rows at a time,
:mod:`~kzpolicy.engine.batch.derive`):

* ``asserted`` (rows x conditions, int8: 1 true, 0 false, -1 unknown), ``counts``
  (rows x scenarios, uint16: each scenario's factors asserted true) and ``shares``
  (float64, their share) are computed **at each access** and not kept: each is larger
  than the bits it comes from (``asserted`` four times), so keeping it would make a
  batch as large as the matrix it was read from; read one once into a variable;
* ``scenario`` (rows, uint8) is decoded from its planes **at its first access and
  kept** (a byte a row: indexing it in a loop costs nothing more);
* ``flagged`` (rows x items) and ``fired`` (rows x rules) come from running the rules
  on the bit planes (the bitset engine's fixpoint, 64 rows an AND): the bit matrices
  ``flagged_bits`` and ``fired_bits`` (eight columns a byte, ``np.packbits(..., axis=1,
  bitorder="little")``) are each computed **once, at its first access, and kept** (a
  bit a row per item or rule; the other is computed at its own first access, the
  rules run again then); ``flagged`` and ``fired`` unpack them at each access, and
  :meth:`Batch.column` reads one column without unpacking the rest.

It behaves as the list of :class:`~kzpolicy.Assessment` it stands for: ``len``,
indexing, slicing (a slice is a batch), iteration and equality with a list. Row ``i``
is built when read, and equals ``assess(..., engine="bitset")`` on the same input; its
``asserted`` lists the preset's conditions first, then the others in the knowledge
base's order (``assess`` keeps the order it was given, so the JSON text is the same
when the input lists its conditions in that order). A batch pickles, its knowledge
base named by version (loaded where it is unpickled).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, SupportsIndex, overload

import numpy as np
import numpy.typing as npt

from kzpolicy.engine.batch import bits as planes
from kzpolicy.engine.batch import derive
from kzpolicy.engine.decision import decision_outcomes
from kzpolicy.engine.display import Displayed
from kzpolicy.errors import InputError, UnknownIdError, expect
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base_of

if TYPE_CHECKING:  # the result models load when a row is first built (assess_resolved)
    from kzpolicy.engine.results import Assessment

__all__ = ["Batch", "preset_order"]

Int8Array = npt.NDArray[np.int8]
BoolArray = npt.NDArray[np.bool_]
Bits = npt.NDArray[np.uint8]
Planes = npt.NDArray[np.uint64]


def preset_order(kb: KnowledgeBase, preset: Mapping[str, bool]) -> tuple[int, ...]:
    """Condition indices in the order ``assess`` lists them in ``asserted``: the preset's
    first (in its order), then the rest in the knowledge base's order."""
    index = {c: n for n, c in enumerate(kb.condition_ids)}
    first = [index[c] for c in preset]
    seen = set(first)
    return (*first, *(n for n in range(len(index)) if n not in seen))


def _unpack(bits: Bits, width: int) -> BoolArray:
    return np.unpackbits(bits, axis=1, count=width, bitorder="little").view(np.bool_)


def _frozen(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
    a.flags.writeable = False
    return a


class Batch(Sequence["Assessment"], Displayed):
    """Assessments of many condition sets, held as columns (see the module docstring).

    Build it with :func:`~kzpolicy.assess_many`. The columns are read-only numpy arrays;
    ``batch[i]`` builds row ``i`` as an :class:`~kzpolicy.Assessment`. ``bits`` are the
    asserted bits (:mod:`~kzpolicy.engine.batch.bits`); ``scenario`` the planes of the
    implied scenario (:func:`~kzpolicy.engine.batch.bits.code_planes`) of the ``size``
    rows; ``rules``, the flagged and the fired bits where known (else each derived at
    its first access).
    """

    __slots__ = ("_bits", "_codes", "_kb", "_order", "_rules", "_scenario", "_size")
    _rules: tuple[Bits | None, Bits | None]
    __hash__ = None  # type: ignore[assignment]  # like a list: compared by value

    def __init__(self, kb: KnowledgeBase, *, order: tuple[int, ...], bits: Planes,
                 scenario: Planes, size: int,
                 rules: tuple[Bits | None, Bits | None] = (None, None)) -> None:
        self._kb = kb
        self._order = order
        self._bits = _frozen(bits)
        self._scenario = _frozen(scenario)
        self._codes: npt.NDArray[np.uint8] | None = None  # ``scenario``, once read
        self._size = size
        flagged, fired = rules
        self._rules = (None if flagged is None else _frozen(flagged),
                       None if fired is None else _frozen(fired))

    # ------------------------------------------------------------------ the columns
    @property
    def kb_version(self) -> str:
        """The content hash of the knowledge base every row was assessed on."""
        return self._kb.version

    @property
    def reading(self) -> str:
        """The reading every row was assessed under (``article``: the rules as written)."""
        return self._kb.reading

    @property
    def condition_ids(self) -> tuple[str, ...]:
        """The columns of ``asserted``: every condition, in the knowledge base's order."""
        return tuple(self._kb.condition_ids)

    @property
    def scenario_ids(self) -> tuple[str, ...]:
        """What ``scenario`` indexes: the scenarios, which are the columns of ``counts`` and
        ``shares``, then ``undecided`` under a decision rule of form none."""
        return decision_outcomes(self._kb)

    @property
    def item_ids(self) -> tuple[str, ...]:
        """The columns of ``flagged``: every item, in the knowledge base's order."""
        return tuple(self._kb.items)

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The columns of ``fired``: every rule, in the knowledge base's order."""
        return tuple(r.id for r in self._kb.rules)

    @property
    def asserted(self) -> Int8Array:
        """Rows x conditions: 1 asserted true, 0 asserted false, -1 unknown (unpacked from
        the asserted bits at each access, not kept)."""
        return _frozen(derive.asserted(self._kb, self._bits, len(self)))

    @property
    def scenario(self) -> npt.NDArray[np.uint8]:
        """Per row, the implied scenario: an index into ``scenario_ids`` (decoded from its
        bits at the first access, then kept: a byte a row)."""
        codes = self._codes
        if codes is None:  # two threads may both decode it: equal arrays either way
            codes = self._codes = _frozen(derive.scenario(self._scenario, len(self)))
        return codes

    @property
    def counts(self) -> npt.NDArray[np.uint16]:
        """Rows x scenarios: how many of each scenario's factors are asserted true
        (counted from the asserted bits at each access, not kept)."""
        return _frozen(derive.counts(self._kb, self._bits, len(self)))

    @property
    def shares(self) -> npt.NDArray[np.float64]:
        """Rows x scenarios: each scenario's share of factors asserted true (computed
        from ``counts`` at each access, not kept; the same floats as
        ``Assessment.scenario.shares``)."""
        sizes = np.array([len(s.factors) for s in self._kb.scenarios.values()],
                         dtype=np.float64)
        counts = derive.counts(self._kb, self._bits, len(self))
        return _frozen(np.divide(counts, sizes, out=np.empty(counts.shape, np.float64)))

    @property
    def flagged(self) -> BoolArray:
        """Rows x items: True where the row flags (risks) or engages the item (unpacked
        from ``flagged_bits`` at each access)."""
        return _unpack(self.flagged_bits, len(self._kb.items))

    @property
    def fired(self) -> BoolArray:
        """Rows x rules: True where at least one conjunction of the rule fired (unpacked
        from ``fired_bits`` at each access)."""
        return _unpack(self.fired_bits, len(self._kb.rules))

    @property
    def flagged_bits(self) -> Bits:
        """``flagged`` as a bit matrix: item ``k`` is bit ``k % 8`` of byte ``k // 8``
        (the rules run at the first access, then it is kept)."""
        return self._rule_bits(0)

    @property
    def fired_bits(self) -> Bits:
        """``fired`` as a bit matrix: rule ``k`` is bit ``k % 8`` of byte ``k // 8``
        (the rules run at the first access, then it is kept)."""
        return self._rule_bits(1)

    def _rule_bits(self, n: int) -> Bits:
        """The flagged (``n`` 0) or fired (1) bits, derived at the first access."""
        bits = self._rules[n]
        if bits is None:  # two threads may both derive them: the same arrays either way
            bits = _frozen(derive.rule_bits(self._kb, self._bits, self._scenario, len(self),
                                            n))
            kept = list(self._rules)
            kept[n] = bits
            self._rules = (kept[0], kept[1])
        return bits

    def column(self, ident: str) -> BoolArray:
        """One boolean column: where item ``ident`` is flagged, rule ``ident`` fired, or
        scenario ``ident`` is implied."""
        expect("Batch.column", "ident", ident, str, "an item, rule or scenario ID")
        for n, ids in enumerate((self.item_ids, self.rule_ids)):
            if ident in ids:
                k = ids.index(ident)
                bits = self._rule_bits(n)
                return ((bits[:, k >> 3] >> (k & 7)) & 1).astype(np.bool_)
        if ident in self.scenario_ids:
            return derive.implied(self._scenario, self.scenario_ids.index(ident), len(self))
        raise UnknownIdError("item, rule or scenario", ident,
                             (*self.item_ids, *self.rule_ids, *self.scenario_ids))

    # ------------------------------------------------------------------ the rows
    def asserted_of(self, i: SupportsIndex) -> dict[str, bool]:
        """Row ``i``'s asserted conditions, as ``Assessment.asserted`` lists them."""
        true, false = planes.row(self._bits, self._position(i))
        ids = self._kb.condition_ids
        return {ids[n]: true[n] == 1 for n in self._order if true[n] or false[n]}

    def _position(self, i: SupportsIndex) -> int:
        n = self._size
        k = operator.index(i)
        if not -n <= k < n:
            raise IndexError(f"batch index {k} out of range for {n} rows")
        return k + n if k < 0 else k

    def _row(self, k: int) -> Assessment:
        from kzpolicy.engine.assess import assess_resolved

        return assess_resolved(self._kb, self.asserted_of(k))

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, i: SupportsIndex) -> Assessment: ...

    @overload
    def __getitem__(self, i: slice) -> Batch: ...

    def __getitem__(self, i: SupportsIndex | slice) -> Assessment | Batch:
        if isinstance(i, slice):
            rules = self._rules
            return Batch(self._kb, order=self._order, bits=self._slice(self._bits, i),
                         scenario=self._slice(self._scenario, i),
                         size=len(range(*i.indices(len(self)))),
                         rules=(None if rules[0] is None else rules[0][i],
                                None if rules[1] is None else rules[1][i]))
        return self._row(self._position(i))

    def _slice(self, bits: Planes, i: slice) -> Planes:
        """The rows ``i`` of ``bits`` (the asserted planes or the scenario's)."""
        start, stop, step = i.indices(len(self))
        if step == 1:
            return planes.rows(bits, start, stop)
        return planes.take(bits, np.arange(start, stop, step, dtype=np.intp))

    def __iter__(self) -> Iterator[Assessment]:
        for k in range(len(self)):
            yield self._row(k)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Batch):
            return (self._kb.version == other._kb.version and len(self) == len(other)
                    and np.array_equal(self._bits, other._bits))
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return len(other) == len(self) and all(
                a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __repr__(self) -> str:
        return f"<kzpolicy.Batch of {len(self)} assessments on knowledge base {self.kb_version}>"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # the knowledge base travels by its version (it must be loaded where unpickled)
        # the derived flagged and fired bits are not sent: derived again when read
        return (_restore, (self._kb.version, self._order, self._bits, self._scenario,
                           self._size))

    # ------------------------------------------------------------------ combining, export
    @classmethod
    def concat(cls, batches: Iterable[Batch]) -> Batch:
        """One batch of the rows of ``batches``, in order (all on one knowledge base):
        how the partitions of a distributed run are put back together."""
        expect("Batch.concat", "batches", batches, Iterable, "a list of Batch objects")
        parts = list(batches)
        if not parts:
            raise InputError("Batch.concat needs at least one batch (it takes the "
                             "knowledge base from them)")
        for n, b in enumerate(parts):
            expect("Batch.concat", f"batches[{n}]", b, Batch, "a Batch (from assess_many)")
        kb = parts[0]._kb
        if any(b._kb.version != kb.version for b in parts):
            raise InputError("Batch.concat: the batches come from different knowledge bases")
        orders = {b._order for b in parts}
        order = orders.pop() if len(orders) == 1 else tuple(range(len(kb.condition_ids)))
        rules = (_joined([b._rules[0] for b in parts]), _joined([b._rules[1] for b in parts]))
        return Batch(kb, order=order, bits=planes.concat([(b._bits, len(b)) for b in parts]),
                     scenario=planes.concat([(b._scenario, len(b)) for b in parts]),
                     size=sum(len(b) for b in parts), rules=rules)

    def to_arrow(self) -> Any:
        """The batch as a ``pyarrow.Table``, one row per condition set (needs pyarrow;
        columns: see :func:`kzpolicy.engine.batch.export.to_arrow`)."""
        from kzpolicy.engine.batch.export import to_arrow

        return to_arrow(self)

    def to_pandas(self) -> Any:
        """The batch as a ``pandas.DataFrame``, one row per condition set (needs pandas;
        columns: see :func:`kzpolicy.engine.batch.export.to_pandas`)."""
        from kzpolicy.engine.batch.export import to_pandas

        return to_pandas(self)


def _joined(parts: list[Bits | None]) -> Bits | None:
    """The rows of ``parts`` in one matrix, if every part is known."""
    known = [p for p in parts if p is not None]
    return np.concatenate(known) if len(known) == len(parts) else None


def _restore(version: str, order: tuple[int, ...], bits: Planes, scenario: Planes,
             size: int) -> Batch:
    return Batch(knowledge_base_of(version), order=order, bits=bits, scenario=scenario,
                 size=size)
