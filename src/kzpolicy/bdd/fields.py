"""Typed fields of the kzpolicy steps: what text each accepts and what it becomes.

parse() reads ``pattern`` and ``regex_group_count`` off a converter, so a field
never runs past its own text: an ID stops at a quote, a comma or a space, and
the word fields accept exactly the words listed here. The one field whose words are
the knowledge base's, ``Side``, accepts what its ``sides`` declare (see
:func:`name_sides_from`).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from kzpolicy.errors import InputError, UnknownConditionError, UnknownIdError

if TYPE_CHECKING:  # a knowledge base loads when a step first reads a side
    from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["BASIS", "CHANGE_STATES", "FIELDS", "KIND", "STATUS_WORDS", "Field", "name_sides_from"]


class Field:
    """A typed step field: the text it accepts (a regex) and what it becomes.

    parse() reads ``pattern`` and ``regex_group_count`` off the converter, so a
    field never runs past its own text (IDs stop at a quote, a comma or a space).
    """

    def __init__(
        self,
        name: str,
        pattern: str,
        convert: Callable[[str], object],
        placeholder: str,
        doc: str,
    ) -> None:
        self.name = name
        self.pattern = pattern
        self.regex_group_count = 0
        self.placeholder = placeholder
        self.doc = doc
        self._convert = convert

    def __call__(self, text: str) -> object:
        return self._convert(text)


def _choice(mapping: Mapping[str, object]) -> Callable[[str], object]:
    lowered = {k.lower(): v for k, v in mapping.items()}

    def convert(text: str) -> object:
        return lowered[" ".join(text.lower().split())]

    return convert


def _alternatives(mapping: Mapping[str, object]) -> str:
    # longest first, so that "not flagged" is tried before "flagged"
    words = (r"\s+".join(re.escape(w) for w in k.split()) for k in mapping)
    return "|".join(sorted(words, key=len, reverse=True))


def _enum(name: str, mapping: Mapping[str, object], doc: str) -> Field:
    shown = " | ".join(mapping)
    return Field(name, _alternatives(mapping), _choice(mapping), f"<{shown}>", doc)


def _ids(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(","))


TRUTH = {"holds": True, "does not hold": False, "is unknown": None}
TRUTHS = {"hold": True, "do not hold": False, "are unknown": None}
KIND = {
    "threat": "threat",
    "weakness": "weakness",
    "strength": "strength",
    "opportunity": "opportunity",
    "outcome": "consequence",
    "rivalry effect": "rivalry",
    "risk": "risk",
    # the words the output uses (kinds in JSON and text, names in the HTML report)
    "scenario outcome": "consequence",
    "consequence": "consequence",
    "rivalry consequence": "rivalry",
    "rivalry": "rivalry",
}
KINDS = {
    "threats": "threat",
    "weaknesses": "weakness",
    "strengths": "strength",
    "opportunities": "opportunity",
    "outcomes": "consequence",
    "rivalry effects": "rivalry",
    "risks": "risk",
    "scenario outcomes": "consequence",
    "consequences": "consequence",
    "rivalry consequences": "rivalry",
}
STATUS = {w: w for w in ("flagged", "not flagged", "engaged", "not engaged", "reached",
                         "not reached")}
CHANGE = {
    w: w
    for w in (
        "newly flagged", "no longer flagged", "still flagged", "still not flagged",
        "newly engaged", "no longer engaged", "still engaged", "still not engaged",
        "newly reached", "no longer reached", "still reached", "still not reached",
    )
}
#: the status word each group of items takes: a scenario's outcome is reached (or, as
#: before outcomes stood apart, flagged), a risk flagged, a strength or opportunity engaged
STATUS_WORDS = {"outcomes": ("reached", "flagged"), "risks": ("flagged",),
                "engaged": ("engaged",)}
#: a change word -> (present before, present after)
CHANGE_STATES = {
    "newly": (False, True), "no longer": (True, False), "still": (True, True),
    "still not": (False, False),
}

#: the knowledge base whose sides the Side field reads (none, or gone: the stock one)
_SIDES_FROM: list[weakref.ref[KnowledgeBase]] = []


def name_sides_from(kb: KnowledgeBase) -> None:
    """Read the words of the Side field against ``kb``'s ``sides`` from now on.

    A :class:`~kzpolicy.bdd.world.World` calls it with the knowledge base it runs on,
    so the steps of a scenario name the sides of that knowledge base; before any
    World, the stock knowledge base's sides are read.
    """
    _SIDES_FROM[:] = [weakref.ref(kb)]


def _side(text: str) -> str:
    """The ID of the side ``text`` names; a ValueError (the step then does not read the
    text) when it names none."""
    kb = _SIDES_FROM[0]() if _SIDES_FROM else None
    if kb is None:
        from kzpolicy.kb.loading import load

        kb = load()
    found = kb.side_named(text)
    if found is None:
        raise ValueError(f"no side of the knowledge base is called {text!r}")
    return found

VERDICT = {
    "undesirable": "undesirable",
    "desirable": "desirable",
    "very unlikely": "very unlikely",
    "the only rational course": "rational",
    "not a rational course": "not rational",
}
DECIDED = {"by the threshold": "threshold", "by default": "default"}
REFUSAL = {
    "an unknown condition": UnknownConditionError,
    "an unknown name": UnknownIdError,
    "invalid input": InputError,
}
RECORDED = {"true": True, "false": False, "unknown": None}
BASIS = {"by default": "default", "on what was asserted": "asserted"}
STANCE = {"stated": "stated", "an interpretation": "interpretation"}
MOMENT = {"before the change": "before", "after the change": "after"}
CELL = {"yes": "yes", "no": "no", "unknown": "unknown"}
#: how a literal a route needs stands now (why-not)
HELD = {"unknown": "unknown", "denied": "denied", "asserted the other way": "denied",
        "held": "held"}
#: what a counterfactual asks for
ACTION = {"flag": "flag", "clear": "clear", "imply": "imply", "leave": "leave"}
#: a change of one condition: asserted true, asserted false, made unknown
VERB = {"assert": True, "deny": False, "clear": None}

_RISK_CHANGE = ("how a risk moved on a timeline since the date before: flagged now and not "
                "then (added), or the other way round (cleared)")

FIELDS: dict[str, Field] = {
    f.name: f
    for f in [
        Field("Id", r'[^"\s,]+', str, "<ID>", "one ID, as `kzpolicy list` shows it"),
        Field(
            "Ids",
            r'[^"\s,]+(?:\s*,\s*[^"\s,]+)*',
            _ids,
            "<ID, ID, ...>",
            "IDs separated by commas",
        ),
        Field("Text", r'[^"]*', str, "<text>", "any text without a double quote"),
        Field("Year", r"-?\d{1,4}", int, "<year>", "a year, e.g. 2004"),
        Field("Count", r"\d{1,6}", int, "<number>", "a whole number, e.g. 2"),
        _enum("Truth", TRUTH, "whether one condition holds; unknown means not asserted"),
        _enum("Truths", TRUTHS, "the same for several conditions"),
        _enum("Kind", KIND, "what the item is in the article; risk means any risk"),
        _enum("Kinds", KINDS, "the same, in the plural"),
        _enum("Status", STATUS, "flagged for risks, engaged for strengths and opportunities, "
              "reached (or flagged) for a scenario's outcomes"),
        _enum("Change", CHANGE, "how a what-if changed an item"),
        _enum("Basis", BASIS, "what a conclusion rests on: by default (the default scenario, "
              "none of its factors asserted) or on what was asserted"),
        _enum("Stance", STANCE, "stated (every step of the chain is the article's word) or "
              "an interpretation (one step at least is the project's reading)"),
        _enum("Moment", MOMENT, "which side of a what-if"),
        Field("Side", r'[^"]+', _side, "<side>",
              "a side that can gain the objective advantage: its ID, label or a synonym "
              "from the knowledge base's `sides` (rules/parameters.yaml)"),
        _enum("Verdict", VERDICT, "the conclusion's verdict on a scenario"),
        _enum("Decided", DECIDED, "how the scenario decision rule reached its result"),
        _enum("Refusal", REFUSAL, "the kind of refusal"),
        _enum("Recorded", RECORDED, "how a condition stands in the assessment"),
        _enum("CellValue", CELL, "a partnership-table cell"),
        Field("RiskChange", "added|cleared", str, "<added | cleared>", _RISK_CHANGE),
    ]
}
# the fields of the steps about what the caller has not said (kzpolicy.bdd.reasoning_steps)
for _field in (
    _enum("Held", HELD, "how a condition a route needs stands now: unknown (nobody asserted "
          "it), denied (asserted the other way) or held"),
    _enum("Action", ACTION, "what a counterfactual asks for: flag or clear an item, imply "
          "or leave a scenario"),
    _enum("Verb", VERB, "a change: assert (true), deny (false) or clear (unknown)"),
):
    FIELDS[_field.name] = _field

