"""The words reports print for values: a truth value, and how firmly a conclusion stands.

``truth`` says ``true``, ``false`` or ``unknown``; ``standing`` says an item's or a
scenario's stance and basis in one phrase ("interpretation via scenario_decision; holds
by default"), so every output words them alike; ``rule_words`` and ``counts_words`` say how
the decision rule weighed the factors (shares, counts, or no rule: *undecided*), and
``reading_words`` which reading a result was made under.
"""

from __future__ import annotations

from kzpolicy.engine.results import Contested, Flagged, ScenarioResult
from kzpolicy.kb.schema import UNDECIDED

__all__ = ["basis_words", "counts_words", "reading_words", "rule_words", "stance_words",
           "standing", "truth", "undecided"]


def truth(value: bool | None) -> str:
    """``true``, ``false``, or ``unknown`` for a condition nobody asserted (None)."""
    return "unknown" if value is None else ("true" if value else "false")


def basis_words(basis: str, scenario: str) -> str:
    """What a basis means, said plainly, for a result whose implied scenario is
    ``scenario``."""
    if basis == "default":
        return f"holds by default: no factor of {scenario} asserted"
    if scenario == UNDECIDED:
        return "the factor counts are those asserted"
    return "follows from what was asserted"


def stance_words(result: Flagged | Contested | ScenarioResult, *, named: bool = True) -> str:
    """The stance, with the interpretations it rests on (rule IDs, unless ``named`` is
    false): ``stated``, ``interpretation via r1, r2``; a scenario's is the decision
    rule's."""
    if isinstance(result, ScenarioResult):
        if undecided(result):
            return "not decided: no decision rule, and none invented"
        return "stated" if result.stance == "stated" else "interpretation (decision rule)"
    via = ", ".join(result.interpretations)
    if not via or not named:
        return result.stance
    if result.stance == "stated":  # one chain is stated throughout; others are not
        return f"stated (other chains via {via})"
    return f"interpretation via {via}"


def standing(result: Flagged | Contested | ScenarioResult, *, named: bool = True) -> str:
    """:func:`stance_words`, and ``by default`` when it rests on the default scenario:
    ``interpretation via scenario_decision; by default``."""
    return (stance_words(result, named=named)
            + ("; by default" if result.basis == "default" else ""))


def undecided(sc: ScenarioResult) -> bool:
    """Whether the decision rule implied no scenario (form ``none``)."""
    return sc.decided_by == "undecided"


def rule_words(sc: ScenarioResult) -> str:
    """The decision rule a scenario was decided by, in a few words: ``threshold 0.50``,
    ``threshold 4 factors``, ``no decision rule``; and when a tie with the default goes to
    the pole."""
    if sc.form == "none":
        return "no decision rule"
    said = (f"threshold {int(sc.threshold)} factors" if sc.form == "count"
            else f"threshold {sc.threshold:.2f}")
    return said if sc.strict else f"{said}, a tie with the default goes to the pole"


def counts_words(sc: ScenarioResult, sep: str = ", ") -> str:
    """How many factors of each scenario were asserted true: ``integration 4, balance 0``."""
    return sep.join(f"{k} {v}" for k, v in sc.counts.items())


def reading_words(reading: str, kb_version: str) -> str:
    """The reading a result was made under and the knowledge base it names."""
    return f"{reading} (knowledge base {kb_version})"
