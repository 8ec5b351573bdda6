"""Item kinds: the one list of what a knowledge base's items can be, and what each means.

This is the *shape* of a knowledge base (a SWOT analysis, rivalry consequences,
scenario outcomes and background stimuli), not the content of one article: every other
module reads the kinds from here. Each kind has the ``rules/`` collection it is read
from (``None`` for scenario outcomes, which are read from the scenarios), the noun an
output calls it, and its role in a result: a *risk*, an *outcome* of the implied
scenario (the article's description of that scenario, good or bad), an *engaged*
(positive) item, or *background* (a fact no rule flags).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ENGAGED_KINDS",
    "FLAGGABLE",
    "GROUPS",
    "GROUP_OF",
    "ITEM_COLLECTIONS",
    "KINDS",
    "NODE_NOUNS",
    "OUTCOME_KINDS",
    "RISK_KINDS",
    "ItemKind",
    "Kind",
    "Role",
]

ItemKind = Literal[
    "strength", "weakness", "opportunity", "threat", "rivalry", "consequence", "stimulus"
]
Role = Literal["risk", "outcome", "engaged", "background"]


@dataclass(frozen=True, slots=True)
class Kind:
    """One item kind: its ID, where it is read from, what it is called, its role."""

    id: ItemKind
    collection: str | None
    noun: str
    role: Role


#: every item kind, in the order results list them (risks, outcomes, engaged, background)
KINDS: tuple[Kind, ...] = (
    Kind("threat", "threats", "threat", "risk"),
    Kind("weakness", "weaknesses", "weakness", "risk"),
    Kind("rivalry", "rivalry_consequences", "rivalry effect", "risk"),
    Kind("consequence", None, "scenario outcome", "outcome"),
    Kind("strength", "strengths", "strength", "engaged"),
    Kind("opportunity", "opportunities", "opportunity", "engaged"),
    Kind("stimulus", "stimuli", "stimulus", "background"),
)

#: rules/ collection -> the kind of its items, in the order the knowledge base reads them
ITEM_COLLECTIONS: dict[str, ItemKind] = {
    k.collection: k.id
    for k in sorted(KINDS, key=lambda k: ("strength", "weakness", "opportunity", "threat",
                                          "rivalry", "stimulus", "consequence").index(k.id))
    if k.collection is not None
}
#: the kinds a rule can flag (stimuli are background facts)
FLAGGABLE: frozenset[str] = frozenset(k.id for k in KINDS if k.role != "background")
#: flagged items listed as risks, in result order
RISK_KINDS: tuple[str, ...] = tuple(k.id for k in KINDS if k.role == "risk")
#: the implied scenario's outcomes, in result order
OUTCOME_KINDS: tuple[str, ...] = tuple(k.id for k in KINDS if k.role == "outcome")
#: flagged items listed as engaged (positive), in result order
ENGAGED_KINDS: tuple[str, ...] = tuple(k.id for k in KINDS if k.role == "engaged")

#: the groups a result lists flagged items in, by role: the field of
#: :class:`~kzpolicy.Assessment` (and of the analysis results) that holds them
GROUPS: dict[str, str] = {"risk": "risks", "outcome": "outcomes", "engaged": "engaged"}
#: each flaggable kind's group
GROUP_OF: dict[str, str] = {k.id: GROUPS[k.role] for k in KINDS if k.role in GROUPS}

#: the noun of every node kind of the rule network (items and the network's own kinds)
NODE_NOUNS: dict[str, str] = {
    "factor": "scenario factor", "condition": "condition", "rule": "rule",
    "scenario": "scenario", **{k.id: k.noun for k in KINDS},
}
