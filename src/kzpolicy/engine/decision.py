"""The scenario decision rule: which scenario the asserted factors imply, and why.

Each scenario's evidence is the share of its factors asserted true. A pole (from
parameters.yaml) is implied only when its share reaches the threshold and is strictly
higher than every other share; otherwise the default scenario is implied. The outcome
shows all shares, the margin and the runner-up.

The rule itself is written once, in :func:`implied`, over shares that are numbers (one
input: :func:`decide`, with its reasons) or arrays (many inputs at once: the bitset
engine's ``decide_counts``, which passes ``numpy.where``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["ScenarioDecision", "decide", "implied", "leads"]

S = TypeVar("S")


def leads(shares: Sequence[Any], pole: int, threshold: float) -> Any:
    """Whether scenario ``pole``'s share reaches ``threshold`` and is strictly higher than
    every other share: a bool for numbers, a boolean array for arrays of shares."""
    wins = shares[pole] >= threshold
    for other, share in enumerate(shares):
        if other != pole:
            wins = wins & (shares[pole] > share)
    return wins


def _pick(cond: bool, then: int, otherwise: int) -> int:
    return then if cond else otherwise


def implied(shares: Sequence[Any], poles: Sequence[int], default: int, threshold: float,
            where: Callable[[Any, int, Any], Any] = _pick) -> Any:
    """The decision rule: the index of the implied scenario, given each scenario's share
    (numbers, or arrays with ``where=numpy.where``): the pole that :func:`leads`, else
    ``default``."""
    winner: Any = default
    for pole in poles:
        winner = where(leads(shares, pole, threshold), pole, winner)
    return winner


@dataclass(frozen=True, slots=True)
class ScenarioDecision:
    """The decision and everything it was based on."""

    scenario: str
    shares: dict[str, float]
    runner_up: str
    margin: float
    decided_by: str  # "threshold" or "default"
    evidence: tuple[str, ...]  # the implied scenario's factors asserted true
    reason: str
    warnings: tuple[str, ...]


def _fmt(x: float) -> str:
    return f"{x:.2f}"


class _Table:
    """The decision rule of one knowledge base, memoised by the factor counts.

    Everything but the evidence depends only on how many factors of each scenario
    are asserted true, and there are few such combinations.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        order = sorted(kb.scenarios.values(), key=lambda s: s.ordinal)
        self.factors = tuple((sc.id, tuple(f.id for f in sc.factors)) for sc in order)
        self.scenario_of = {f: n for n, (_, ids) in enumerate(self.factors) for f in ids}
        self.evidence_of = dict(self.factors)
        self.decisions: dict[tuple[tuple[int, ...], tuple[str, ...]], ScenarioDecision] = {}
        self.by_counts: dict[tuple[int, ...], tuple[str, dict[str, float], str, float, str,
                                                    str, tuple[str, ...]]] = {}

    def decide(self, asserted: Mapping[str, bool]) -> ScenarioDecision:
        # O(asserted): count the factors asserted true per scenario
        tally = [0] * len(self.factors)
        scenario_of = self.scenario_of
        for c, v in asserted.items():
            if v is True:
                n = scenario_of.get(c)
                if n is not None:
                    tally[n] += 1
        counts = tuple(tally)
        found = self.by_counts.get(counts)
        if found is None:
            found = self.by_counts[counts] = _decide_counts(self.kb, self.factors, counts)
        winner = found[0]
        evidence = tuple([f for f in self.evidence_of[winner] if asserted.get(f) is True])
        key = (counts, evidence)
        decision = self.decisions.get(key)
        if decision is None:  # a frozen value: shared by every input with these counts
            if len(self.decisions) >= 4096:
                self.decisions.clear()
            _, shares, runner_up, margin, decided_by, reason, warnings = found
            decision = self.decisions[key] = ScenarioDecision(
                winner, dict(shares), runner_up, margin, decided_by, evidence, reason, warnings)
        return decision


def decide(kb: KnowledgeBase, asserted: Mapping[str, bool]) -> ScenarioDecision:
    """Apply the decision rule of ``kb`` to the asserted conditions."""
    return kb.derived(_Table).decide(asserted)


def _no_lead(pole: str, shares: Mapping[str, float], winner: str) -> str:
    """Why a pole that reached the threshold is not implied: another share is higher
    (it trails) or as high (it ties)."""
    mine = shares[pole]
    ahead = [s for s, v in shares.items() if s != pole and v > mine]
    level = [s for s, v in shares.items() if s != pole and v == mine]
    if ahead:
        top = max(ahead, key=lambda s: shares[s])
        why = f"trails {top} at {_fmt(shares[top])}"
    else:
        why = "ties with " + " and ".join(f"{s} at {_fmt(shares[s])}" for s in level)
    return (f"{pole} reaches the threshold at {_fmt(mine)} but {why}, so the default "
            f"{winner} is implied")


def _decide_counts(
    kb: KnowledgeBase,
    factors: tuple[tuple[str, tuple[str, ...]], ...],
    counts: tuple[int, ...],
) -> tuple[str, dict[str, float], str, float, str, str, tuple[str, ...]]:
    dec = kb.decision
    shares: dict[str, float] = {
        sid: n / len(ids) for (sid, ids), n in zip(factors, counts, strict=True)
    }
    order = [sid for sid, _ in factors]
    values = list(shares.values())
    poles = [order.index(p) for p in dec.poles]
    chosen: int = implied(values, poles, order.index(dec.default), dec.threshold)
    winner = order[chosen]
    decided_by = ("threshold" if chosen in poles and leads(values, chosen, dec.threshold)
                  else "default")
    qualified = [p for p in dec.poles if shares[p] >= dec.threshold]
    others = [sid for sid in order if sid != winner]
    runner_up = max(others, key=lambda s: shares[s])  # first in article order on ties
    margin = round(shares[winner] - shares[runner_up], 10)
    listing = ", ".join(f"{s} {_fmt(v)}" for s, v in shares.items())
    if decided_by == "threshold":
        reason = (f"{winner} share {_fmt(shares[winner])} reaches the threshold "
                  f"{_fmt(dec.threshold)} and leads every other share ({listing})")
    elif qualified:
        reason = (f"{' and '.join(qualified)} reached the threshold {_fmt(dec.threshold)} "
                  f"without a strict lead ({listing}), so the default {winner} holds")
    else:
        reason = (f"no pole reached the threshold {_fmt(dec.threshold)} ({listing}), "
                  f"so the default {winner} holds")
    warnings: list[str] = []
    if len(qualified) > 1:
        warnings.append(
            "both poles are pressed at once: " + " and ".join(
                f"{p} at {_fmt(shares[p])}" for p in qualified)
            + f" reach the threshold {_fmt(dec.threshold)}; the conditions pull in opposite "
            "directions"
        )
    elif qualified and decided_by == "default":
        warnings.append(_no_lead(qualified[0], shares, winner))
    return winner, shares, runner_up, margin, decided_by, reason, tuple(warnings)
