"""The landscape: every combination of the scenario factors, accounted for at once.

``landscape()`` accounts for all 2^F combinations of the F scenario factors (each
asserted true or false; the context conditions fixed by the caller): how many
combinations imply each scenario, how often each item is flagged, and each factor's
influence, the number of combinations in which switching that factor alone changes the
implied scenario. It counts them (``method="count"``, :mod:`kzpolicy.analysis.counting`:
the decision depends only on per-scenario factor counts, an item only on its cone of
rules) and evaluates them one by one (``method="enumerate"``) only where counting cannot
(an item whose rules read too many factors); the result says which it used.

Enumerating runs on the bitset engine (:mod:`kzpolicy.engine.bitset`), vectorised over
chunks of combinations; :mod:`kzpolicy.analysis.montecarlo` evaluates its samples the
same way (:func:`literal_columns`, :data:`CHUNK_BITS`, :data:`Progress`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal

import numpy as np
import numpy.typing as npt

from kzpolicy.analysis.counting import counter_for, influence
from kzpolicy.engine.bitset import BitsetRules, Column, bitset, count
from kzpolicy.engine.conditions import ConditionInput, normalise, resolve
from kzpolicy.engine.display import Displayed
from kzpolicy.engine.results import ResultModel, trusted
from kzpolicy.errors import ArgumentTypeError, ConeTooLargeError, InputError, expect
from kzpolicy.kb.kinds import FLAGGABLE
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base
from kzpolicy.kb.reading import ReadingSpec
from kzpolicy.kb.schema import Locator

__all__ = [
    "CHUNK_BITS",
    "MAX_FACTORS",
    "FactorInfluence",
    "ItemFrequency",
    "Landscape",
    "Progress",
    "enumerate_factors",
    "influence_counts",
    "landscape",
    "literal_columns",
]

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each chunk of inputs."""
MAX_FACTORS = 26
"""Most factors a landscape enumerates (2^26 combinations, a 64 MB scenario array);
counting has no such limit."""
Method = Literal["auto", "count", "enumerate"]
CHUNK_BITS = 18
"""Inputs are evaluated in chunks of 2^CHUNK_BITS (a quarter of a million) at a time."""


class FactorInfluence(ResultModel):
    """How often switching one factor alone changes the implied scenario."""

    id: str
    scenario: str
    label: str
    locator: Locator
    changes: int
    """Combinations in which switching this factor alone changes the scenario."""
    share: float
    """``changes`` over all combinations."""


class ItemFrequency(ResultModel):
    """How many combinations flag (or engage) an item."""

    id: str
    kind: str
    label: str
    locator: Locator
    count: int
    share: float


class Landscape(ResultModel, Displayed):
    """Every combination of the scenario factors, with the context held fixed."""

    kb_version: str
    reading: str
    """The reading it was made under (``article``: the knowledge base as written)."""
    context: dict[str, bool]
    factors: int
    combinations: int
    scenarios: dict[str, int]
    """Combinations implying each scenario (and ``undecided``, under a decision rule of
    form none)."""
    scenario_shares: dict[str, float]
    influence: tuple[FactorInfluence, ...]
    items: tuple[ItemFrequency, ...]
    method: Literal["count", "enumerate"]
    """How the combinations were accounted for: counted, or evaluated one by one."""


def landscape_context(
    kb: KnowledgeBase, context: ConditionInput, preset: str | None
) -> dict[str, bool]:
    """The fixed context: a preset's context conditions overlaid with the caller's."""
    fixed = {c: v for c, v in resolve(kb, None, preset=preset).items() if c in kb.conditions}
    own = normalise(context, kb)
    for c in own:
        if c in kb.factors:
            raise InputError(
                f"{c!r} is a scenario factor; the landscape varies every factor, so fix only "
                f"context conditions (e.g. {next(iter(kb.conditions))!r})"
            )
    fixed.update(own)
    return fixed


def literal_columns(
    context: Mapping[str, bool]
) -> tuple[dict[str, Column], dict[str, Column]]:
    """The bitset engine's input columns of conditions fixed in every input: (which are
    true, which are false), each a constant; the varying conditions are added to both."""
    true: dict[str, Column] = dict(context)
    false: dict[str, Column] = {c: not v for c, v in context.items()}
    return true, false


def enumerate_factors(
    engine: BitsetRules,
    fixed: Mapping[str, bool],
    free: list[str],
    *,
    chunk_bits: int = CHUNK_BITS,
    progress: Progress | None = None,
) -> tuple[npt.NDArray[np.uint8], dict[str, int]]:
    """Evaluate all 2^len(free) combinations of the ``free`` conditions (true or false),
    with ``fixed`` asserted in each. Combination ``x`` has ``free[i]`` true exactly when
    bit ``i`` of ``x`` is set. Returns each combination's scenario index and how many
    combinations flag each flaggable item."""
    kb = engine.kb
    n = len(free)
    total = 1 << n
    low_bits = min(n, chunk_bits)
    chunk = 1 << low_bits
    x = np.arange(chunk, dtype=np.uint32)
    true, false = literal_columns(fixed)
    for i in range(low_bits):  # the low conditions vary alike in every chunk
        col = ((x >> i) & 1).astype(np.bool_)
        true[free[i]], false[free[i]] = col, ~col
    flaggable = [i for i, info in kb.items.items() if info.kind in FLAGGABLE]
    item_counts = dict.fromkeys(flaggable, 0)
    scenario = np.empty(total, dtype=np.uint8)
    for start in range(0, total, chunk):
        for i in range(low_bits, n):  # the high conditions are constant within a chunk
            on = bool(start >> i & 1)
            true[free[i]], false[free[i]] = on, not on
        result = engine.evaluate(chunk, true, false)
        scenario[start:start + chunk] = result.scenario
        for item in flaggable:
            item_counts[item] += count(result.flagged(item), chunk)
        if progress is not None:
            progress(start + chunk, total)
    return scenario, item_counts


def influence_counts(scenario: npt.NDArray[np.uint8], n: int) -> list[int]:
    """For each of ``n`` bits, the combinations in which flipping that bit alone changes
    the scenario (``scenario`` indexed by combination, as from ``enumerate_factors``)."""
    out = []
    for i in range(n):
        pairs = scenario.reshape(-1, 2, 1 << i)  # [:, 0, :] has bit i clear, [:, 1, :] set
        out.append(2 * int(np.count_nonzero(pairs[:, 0, :] != pairs[:, 1, :])))
    return out


def _counted(kb: KnowledgeBase, ctx: Mapping[str, bool], factors: list[str]
             ) -> tuple[list[int], list[int], dict[str, int]]:
    """Scenario counts, influence per factor and item counts, by counting."""
    counter = counter_for(kb, tuple(factors), dict(ctx))
    ones = ([1] * len(factors), [1] * len(factors))
    scen = counter.scenarios(ones, exact=True, normalised=True)
    per_group = influence(counter)
    group_of = {f: n for n, g in enumerate(counter.groups) for f in
                (counter.uncertain[i] for i in g)}
    items = counter.items(ones, exact=True, scenarios=scen)
    return ([int(c) for c in scen], [int(per_group[group_of[f]]) for f in factors],
            {i: int(c) for i, c in items.items()})


def _enumerated(kb: KnowledgeBase, ctx: Mapping[str, bool], factors: list[str],
                progress: Progress | None, uncounted: ConeTooLargeError | None = None
                ) -> tuple[list[int], list[int], dict[str, int]]:
    """Scenario counts, influence and item counts by evaluating every combination;
    ``uncounted``: why counting could not (when it was tried first)."""
    n = len(factors)
    if n > MAX_FACTORS:
        head = (f"the knowledge base has {n} factors; a landscape enumerates at most "
                f"{MAX_FACTORS} (2^{MAX_FACTORS} combinations)")
        if uncounted is None:
            raise InputError(f"{head}; use method='count'")
        raise ConeTooLargeError(f"{head}, and counting cannot either: {uncounted}")
    engine = bitset(kb)
    scenario, item_counts = enumerate_factors(engine, ctx, factors, progress=progress)
    per_scenario = np.bincount(scenario, minlength=len(engine.scenario_ids))
    return ([int(c) for c in per_scenario], influence_counts(scenario, n), item_counts)


def landscape(
    context: ConditionInput = None,
    *,
    preset: str | None = None,
    kb: KnowledgeBase | None = None,
    progress: Progress | None = None,
    method: Method = "auto",
    reading: ReadingSpec = None,
) -> Landscape:
    """Account for every combination of the scenario factors (each true or false).

    ``context`` fixes context conditions (not factors); ``preset`` contributes its
    context conditions (its factors vary like the others). ``method`` is ``"count"``
    (sum over factor counts and item cones), ``"enumerate"`` (evaluate each
    combination) or ``"auto"`` (count, enumerate only where counting cannot); both give
    the same numbers. ``progress(done, total)`` is called as combinations are
    accounted for. ``reading`` applies readings to ``kb`` first.
    """
    expect("landscape", "preset", preset, str, "a preset ID (see 'kzpolicy list presets')",
           optional=True)
    kb = knowledge_base("landscape", kb, reading)
    if progress is not None and not callable(progress):
        raise ArgumentTypeError("landscape", "progress", "a callable progress(done, total)",
                                progress)
    expect("landscape", "method", method, str, "'auto', 'count' or 'enumerate'")
    if method not in ("auto", "count", "enumerate"):
        raise InputError(f"landscape: unknown method {method!r}; use 'auto', 'count' or "
                         "'enumerate'")
    ctx = landscape_context(kb, context, preset)
    factors = list(kb.factors)
    n = len(factors)
    total = 1 << n
    used: Literal["count", "enumerate"] = "enumerate"
    uncounted: ConeTooLargeError | None = None
    if method != "enumerate":
        try:
            per_scenario, changes, item_counts = _counted(kb, ctx, factors)
            used = "count"
            if progress is not None:
                progress(total // 2, total)
                progress(total, total)
        except ConeTooLargeError as exc:
            if method == "count":
                raise
            uncounted = exc
    if used == "enumerate":
        per_scenario, changes, item_counts = _enumerated(kb, ctx, factors, progress,
                                                         uncounted)
    influence_rows = []
    for f, c in zip(factors, changes, strict=True):
        info = kb.factors[f]
        influence_rows.append(trusted(FactorInfluence, id=f, scenario=info.scenario,
                                      label=info.factor.label, locator=info.factor.locator,
                                      changes=c, share=c / total))
    ids = bitset(kb).scenario_ids
    return trusted(
        Landscape,
        kb_version=kb.version,
        reading=kb.reading,
        context=dict(ctx),
        factors=n,
        combinations=total,
        scenarios=dict(zip(ids, per_scenario, strict=True)),
        scenario_shares={s: c / total for s, c in zip(ids, per_scenario, strict=True)},
        influence=tuple(influence_rows),
        items=tuple(
            trusted(ItemFrequency, id=i, kind=kb.items[i].kind, label=kb.items[i].label,
                    locator=kb.items[i].locator, count=c, share=c / total)
            for i, c in item_counts.items()
        ),
        method=used,
    )
