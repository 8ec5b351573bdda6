"""The scenario decision rule: which scenario the asserted factors imply, and why.

Each scenario's evidence is, by the rule's ``form`` (parameters.yaml, or a reading), the
share of its factors asserted true or their count. A pole is implied only when its
evidence reaches the threshold and leads (``strict``: higher than every other scenario's;
not strict: higher than the other poles' and at least as high as the rest); otherwise the
default scenario is implied. The outcome shows all shares and counts, the margin and the
runner-up. With ``form: none`` there is no rule: no scenario is implied
(:data:`~kzpolicy.kb.schema.UNDECIDED`), and the outcome says so with the factor counts
instead of inventing a winner.

The rule itself is written once, in :func:`implied`, over evidence that is numbers (one
input: :func:`decide`, with its reasons) or arrays (many inputs at once: the bitset
engine's ``decide_counts``, which passes ``numpy.where``); :class:`Rule` holds one
knowledge base's parameters as scenario indices and turns counts into evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.schema import UNDECIDED

__all__ = ["UNDECIDED", "Rule", "ScenarioDecision", "decide", "decision_outcomes", "implied",
           "leads", "outcome_label", "rule_of"]

S = TypeVar("S")
DecidedBy = Literal["threshold", "default", "undecided"]
#: how a result names the outcome of a rule that decides nothing
UNDECIDED_LABEL = "not decided: no decision rule"


def leads(values: Sequence[Any], pole: int, threshold: float, *, strict: bool = True,
          poles: Sequence[int] = ()) -> Any:
    """Whether scenario ``pole``'s evidence reaches ``threshold`` and leads: strictly
    higher than every other scenario's (``strict``), or higher than the other ``poles``'
    and at least as high as the rest. A bool for numbers, a boolean array for arrays."""
    mine = values[pole]
    wins = mine >= threshold
    for other, value in enumerate(values):
        if other != pole:
            wins = wins & ((mine > value) if strict or other in poles else (mine >= value))
    return wins


def _pick(cond: bool, then: int, otherwise: int) -> int:
    return then if cond else otherwise


def implied(values: Sequence[Any], poles: Sequence[int], default: int, threshold: float,
            where: Callable[[Any, int, Any], Any] = _pick, *, strict: bool = True) -> Any:
    """The decision rule: the index of the implied scenario, given each scenario's evidence
    (numbers, or arrays with ``where=numpy.where``): the pole that :func:`leads`, else
    ``default``. Two poles can never both lead, strict or not."""
    winner: Any = default
    for pole in poles:
        winner = where(leads(values, pole, threshold, strict=strict, poles=poles), pole, winner)
    return winner


@dataclass(frozen=True, slots=True)
class Rule:
    """One knowledge base's decision rule over scenario indices (of the order it was made
    for): what :func:`implied` needs, and how counts become evidence (``sizes``: each
    scenario's number of factors)."""

    poles: tuple[int, ...]
    sizes: tuple[int, ...]
    default: int
    form: str
    threshold: float
    strict: bool

    @property
    def undecided(self) -> int:
        """The index that stands for :data:`UNDECIDED` (one past the scenarios)."""
        return len(self.sizes)

    def evidence(self, counts: Sequence[Any]) -> list[Any]:
        """Each scenario's evidence from its factors asserted true: their share, or (form
        ``count``) the count itself. Numbers or arrays."""
        if self.form == "count":
            return list(counts)
        return [c / n for c, n in zip(counts, self.sizes, strict=True)]

    def implied(self, counts: Sequence[Any], where: Callable[[Any, int, Any], Any] = _pick
                ) -> Any:
        """The implied scenario's index for factor ``counts`` (numbers or arrays):
        :func:`implied` over the evidence, or :attr:`undecided` when the rule has form
        ``none``."""
        if self.form == "none":
            return self.undecided
        return implied(self.evidence(counts), self.poles, self.default, self.threshold,
                       where, strict=self.strict)

    def leads(self, values: Sequence[Any], pole: int) -> Any:
        """:func:`leads` with this rule's parameters."""
        return leads(values, pole, self.threshold, strict=self.strict, poles=self.poles)


def rule_of(kb: KnowledgeBase, order: Sequence[str]) -> Rule:
    """The decision rule of ``kb`` with scenarios indexed in ``order``."""
    dec = kb.decision
    index = {sid: n for n, sid in enumerate(order)}
    return Rule(tuple(index[p] for p in dec.poles),
                tuple(len(kb.scenarios[s].factors) for s in order), index[dec.default],
                dec.form, dec.threshold, dec.strict)


def decision_outcomes(kb: KnowledgeBase) -> tuple[str, ...]:
    """What the decision rule of ``kb`` can give, in the knowledge base's order of
    scenarios: every scenario, then :data:`UNDECIDED` for a rule of form ``none``."""
    ids = tuple(kb.scenarios)
    return (*ids, UNDECIDED) if kb.decision.form == "none" else ids


def outcome_label(kb: KnowledgeBase, outcome: str) -> str:
    """The label of a scenario, or the words for :data:`UNDECIDED`."""
    return UNDECIDED_LABEL if outcome == UNDECIDED else kb.scenarios[outcome].label


@dataclass(frozen=True, slots=True)
class ScenarioDecision:
    """The decision and everything it was based on."""

    scenario: str
    """The implied scenario, or :data:`UNDECIDED`."""
    shares: dict[str, float]
    counts: dict[str, int]
    runner_up: str | None
    """The scenario of the highest evidence after the implied one; None when undecided."""
    margin: float | None
    """The implied scenario's evidence minus the runner-up's; None when undecided."""
    decided_by: DecidedBy
    evidence: tuple[str, ...]  # the implied scenario's factors asserted true
    reason: str
    warnings: tuple[str, ...]


def _fmt(x: float) -> str:
    return f"{x:.2f}"


_Decided = tuple[str, dict[str, float], dict[str, int], str | None, float | None, DecidedBy,
                 str, tuple[str, ...]]


class _Table:
    """The decision rule of one knowledge base, memoised by the factor counts.

    Everything but the evidence depends only on how many factors of each scenario
    are asserted true, and there are few such combinations.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        order = sorted(kb.scenarios.values(), key=lambda s: s.ordinal)
        self.factors = tuple((sc.id, tuple(f.id for f in sc.factors)) for sc in order)
        self.rule = rule_of(kb, [sid for sid, _ in self.factors])
        self.scenario_of = {f: n for n, (_, ids) in enumerate(self.factors) for f in ids}
        self.evidence_of = dict(self.factors)
        self.decisions: dict[tuple[tuple[int, ...], tuple[str, ...]], ScenarioDecision] = {}
        self.by_counts: dict[tuple[int, ...], _Decided] = {}

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
            found = self.by_counts[counts] = _decide_counts(self.factors, self.rule, counts)
        winner = found[0]
        evidence = tuple([f for f in self.evidence_of.get(winner, ())
                          if asserted.get(f) is True])
        key = (counts, evidence)
        decision = self.decisions.get(key)
        if decision is None:  # a frozen value: shared by every input with these counts
            if len(self.decisions) >= 4096:
                self.decisions.clear()
            _, shares, counted, runner_up, margin, decided_by, reason, warnings = found
            decision = self.decisions[key] = ScenarioDecision(
                winner, dict(shares), dict(counted), runner_up, margin, decided_by, evidence,
                reason, warnings)
        return decision


def decide(kb: KnowledgeBase, asserted: Mapping[str, bool]) -> ScenarioDecision:
    """Apply the decision rule of ``kb`` to the asserted conditions."""
    return kb.derived(_Table).decide(asserted)


class _Words:
    """How the reasons name the evidence, by the rule's form: shares (``0.57``) or counts
    of factors (``4 of 7``)."""

    def __init__(self, rule: Rule, order: Sequence[str], values: Sequence[float],
                 counts: Sequence[int]) -> None:
        self.rule = rule
        self.values = dict(zip(order, values, strict=True))
        self.counts = dict(zip(order, counts, strict=True))
        self.sizes = dict(zip(order, rule.sizes, strict=True))
        self.unit = "count" if rule.form == "count" else "share"

    def value(self, sid: str) -> str:
        if self.rule.form == "share":
            return _fmt(self.values[sid])
        return f"{self.counts[sid]} of {self.sizes[sid]}"

    def at(self, sid: str) -> str:
        return f"{sid} at {self.value(sid)}"

    def threshold(self) -> str:
        if self.rule.form == "count":
            return f"the threshold of {int(self.rule.threshold)} factors"
        return f"the threshold {_fmt(self.rule.threshold)}"

    def listing(self) -> str:
        return ", ".join(f"{s} {self.value(s)}" for s in self.values)

    def won(self, winner: str) -> str:
        lead = (f"leads every other {self.unit}" if self.rule.strict
                else f"leads the other poles and is at least every other {self.unit}")
        return (f"{winner} {self.unit} {self.value(winner)} reaches {self.threshold()} and "
                f"{lead} ({self.listing()})")


def _no_lead(pole: str, words: _Words, winner: str) -> str:
    """Why a pole that reached the threshold is not implied: another scenario's evidence is
    higher (it trails) or as high (it ties)."""
    values = words.values
    mine = values[pole]
    ahead = [s for s, v in values.items() if s != pole and v > mine]
    level = [s for s, v in values.items() if s != pole and v == mine]
    if ahead:
        why = "trails " + words.at(max(ahead, key=lambda s: values[s]))
    else:
        why = "ties with " + " and ".join(words.at(s) for s in level)
    return (f"{pole} reaches the threshold at {words.value(pole)} but {why}, so the default "
            f"{winner} is implied")


def _undecided(words: _Words, shares: dict[str, float], counted: dict[str, int]
               ) -> _Decided:
    """The outcome of a rule of form ``none``: no scenario, the factor counts, and why."""
    counts = ", ".join(f"{s} {words.counts[s]} of {words.sizes[s]}" for s in words.counts)
    reason = (f"not decided: no decision rule weighs the factors (asserted true: {counts}), "
              "so no scenario and none of the scenarios' outcomes is implied")
    return UNDECIDED, shares, counted, None, None, "undecided", reason, ()


def _decide_counts(factors: tuple[tuple[str, tuple[str, ...]], ...], rule: Rule,
                   counts: tuple[int, ...]) -> _Decided:
    order = [sid for sid, _ in factors]
    shares: dict[str, float] = {
        sid: n / len(ids) for (sid, ids), n in zip(factors, counts, strict=True)
    }
    counted = dict(zip(order, counts, strict=True))
    values = rule.evidence(counts)
    words = _Words(rule, order, values, counts)
    chosen: int = rule.implied(counts)
    if chosen == rule.undecided:
        return _undecided(words, shares, counted)
    winner = order[chosen]
    decided_by: DecidedBy = ("threshold" if chosen in rule.poles and rule.leads(values, chosen)
                             else "default")
    qualified = [order[p] for p in rule.poles if values[p] >= rule.threshold]
    others = [sid for sid in order if sid != winner]
    by = words.values
    runner_up = max(others, key=lambda s: by[s])  # first in article order on ties
    margin = round(by[winner] - by[runner_up], 10)
    if decided_by == "threshold":
        reason = words.won(winner)
    elif qualified:
        lead = "a strict lead" if rule.strict else "a lead"
        reason = (f"{' and '.join(qualified)} reached {words.threshold()} without {lead} "
                  f"({words.listing()}), so the default {winner} holds")
    else:
        reason = (f"no pole reached {words.threshold()} ({words.listing()}), so the default "
                  f"{winner} holds")
    warnings: list[str] = []
    if len(qualified) > 1:
        warnings.append(
            "both poles are pressed at once: " + " and ".join(words.at(p) for p in qualified)
            + f" reach {words.threshold()}; the conditions pull in opposite directions")
    elif qualified and decided_by == "default":
        warnings.append(_no_lead(qualified[0], words, winner))
    return winner, shares, counted, runner_up, margin, decided_by, reason, tuple(warnings)
