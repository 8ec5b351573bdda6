"""Tipping points: the fewest factor changes that switch the implied scenario.

``tipping_points(base)`` is :func:`~kzpolicy.analysis.counterfactuals.counterfactuals`
with the target "leave the scenario implied now", in the form tipping points always
had: the sets of at most ``max_size`` changes (the smallest ones, or with
``all_minimal`` every minimal one), each leading to another scenario with its shares.
Only factors enter the decision rule, so only they can tip it, and factors of one
scenario are interchangeable: the answer is compact (``sets``: "any 4 of I1..I7 made
true, and any 4 of B1..B7 made not true"), and a page of the concrete sets comes in
``points``, where a factor made not true is listed as asserted false (clearing it is the
same change for the scenario). ``nearest`` says how many changes the nearest tipping
point needs even when that is more than ``max_size``.
"""

from __future__ import annotations

from typing import Any

from kzpolicy.analysis.bounds import Meter, SearchBudget, Work, budget_of
from kzpolicy.analysis.counterfactuals import ChangeSet, ConcreteSet, search
from kzpolicy.analysis.whatif import Base, resolve_base
from kzpolicy.engine.decision import decide
from kzpolicy.engine.display import Displayed
from kzpolicy.engine.results import ResultModel, trusted
from kzpolicy.errors import InputError, expect
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base
from kzpolicy.kb.reading import ReadingSpec
from kzpolicy.kb.schema import UNDECIDED

__all__ = ["TippingPoint", "TippingPoints", "tipping_points"]


class TippingPoint(ConcreteSet):
    """A set of changes that switches the implied scenario, and where it leads."""


class TippingPoints(ResultModel, Displayed):
    """The smallest sets of factor changes that switch the implied scenario."""

    kb_version: str
    reading: str
    """The reading it was made under (``article``: the knowledge base as written)."""
    asserted: dict[str, bool]
    scenario: str
    shares: dict[str, float]
    reason: str
    """Why the decision rule implies ``scenario`` now."""
    warnings: tuple[str, ...]
    """The decision's warnings now (a pole that reached the threshold without leading)."""
    max_size: int
    distance: int | None
    """The size of the smallest switching set; None when none has at most max_size changes."""
    nearest: int | None
    """The fewest changes that switch the scenario at all, even above ``max_size``
    (None when no factor counts switch it, or the search could not tell)."""
    sets: tuple[ChangeSet, ...]
    """The sets of ``distance`` changes (or every minimal set up to max_size, if asked),
    compactly: interchangeable factors as picks from a pool."""
    total: int
    """How many sets of factors ``sets`` stand for (a factor made not true counted once,
    whether cleared or denied)."""
    points: tuple[TippingPoint, ...]
    """A page of those sets, each change named (from ``offset``, at most ``limit``)."""
    offset: int
    limit: int | None
    searched: int
    """How many cells of the lattice of changes were evaluated."""
    work: Work


def tipping_points(
    base: Base = None,
    *,
    preset: str | None = None,
    max_size: int = 3,
    all_minimal: bool = False,
    offset: int = 0,
    limit: int | None = 20,
    kb: KnowledgeBase | None = None,
    reading: ReadingSpec = None,
    budget: SearchBudget | dict[str, Any] | None = None,
) -> TippingPoints:
    """The smallest sets of factor changes (at most ``max_size``) that switch the scenario.

    By default only the sets of the smallest size are returned (``distance`` is that
    size); with ``all_minimal`` every set up to ``max_size`` that switches the scenario
    while none of its proper subsets does. ``points`` lists ``limit`` of them from
    ``offset`` (None: all); ``budget`` bounds the search (:class:`SearchBudget`).
    Under a reading with no decision rule (the scenario is undecided) no factor change
    switches it: the answer has no set.
    """
    expect("tipping_points", "preset", preset, str, "a preset ID (see 'kzpolicy list presets')",
           optional=True)
    base_kb = knowledge_base("tipping_points", kb, reading)
    expect("tipping_points", "max_size", max_size, int, "a positive whole number")
    if max_size < 1:
        raise InputError(f"tipping_points: max_size must be a positive whole number, not "
                         f"{max_size!r}")
    expect("tipping_points", "offset", offset, int, "a whole number from 0")
    expect("tipping_points", "limit", limit, int, "a whole number from 0, or None for all",
           optional=True)
    if offset < 0 or (limit is not None and limit < 0):
        raise InputError("tipping_points: offset and limit must be whole numbers from 0")
    max_size = min(max_size, len(base_kb.factors))
    limits = budget_of("tipping_points", budget)
    limits = limits.model_copy(update={"changes": min(max_size, limits.changes or max_size)})
    asserted = resolve_base(base_kb, base, preset)
    decision = decide(base_kb, asserted)
    if decision.scenario == UNDECIDED:  # no decision rule: nothing to switch
        return trusted(
            TippingPoints, kb_version=base_kb.version, reading=base_kb.reading,
            asserted=asserted, scenario=decision.scenario, shares=dict(decision.shares),
            reason=decision.reason, warnings=decision.warnings, max_size=max_size,
            distance=None, nearest=None, sets=(), total=0, points=(), offset=offset,
            limit=limit, searched=0,
            work=Meter(limits).work("nothing searched: no decision rule, so no change of "
                                    "the factors switches the scenario"))
    found = search(base_kb, asserted, "leave", decision.scenario, limits)
    cells = [c for c in found.cells if c.cost <= limits.changes]  # type: ignore[operator]
    distance = cells[0].cost if cells else None
    if not all_minimal:
        cells = [c for c in cells if c.cost == distance]
    describe = found.describe
    sets = tuple(describe.change_set(c, 1) for c in cells) if describe else ()
    total = sum(cs.sets for cs in sets)
    points = [trusted(TippingPoint, changes=p.changes, scenario=p.scenario, shares=p.shares)
              for p in (describe.page(cells, offset, limit, (False,)) if describe else ())]
    nearest = found.cells[0].cost if found.cells and found.meter.hit != "nodes" else None
    work = found.meter.work("the decision over every shift of every scenario's count of "
                            "true factors")
    return trusted(
        TippingPoints, kb_version=base_kb.version, reading=base_kb.reading, asserted=asserted,
        scenario=decision.scenario, shares=dict(decision.shares), reason=decision.reason,
        warnings=decision.warnings, max_size=max_size, distance=distance, nearest=nearest,
        sets=sets, total=total, points=tuple(points), offset=offset, limit=limit,
        searched=work.searched, work=work)
