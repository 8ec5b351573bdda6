"""Typed fields of the kzpolicy steps: what text each accepts and what it becomes.

parse() reads ``pattern`` and ``regex_group_count`` off a converter, so a field
never runs past its own text: an ID stops at a quote, a comma or a space, and
the word fields accept exactly the words listed here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from kzpolicy.errors import InputError, UnknownConditionError, UnknownIdError

__all__ = ["CHANGE_STATES", "FIELDS", "KIND", "Field"]


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
STATUS = {w: w for w in ("flagged", "not flagged", "engaged", "not engaged")}
CHANGE = {
    w: w
    for w in (
        "newly flagged", "no longer flagged", "still flagged", "still not flagged",
        "newly engaged", "no longer engaged", "still engaged", "still not engaged",
    )
}
#: a change word -> (present before, present after)
CHANGE_STATES = {
    "newly": (False, True), "no longer": (True, False), "still": (True, True),
    "still not": (False, False),
}
SIDE = {
    "the United States and NATO": "us_nato",
    "the US and NATO": "us_nato",
    "the U.S. and NATO": "us_nato",
    "NATO": "us_nato",
    "the US": "us_nato",
    "Russia": "russia",
    "no side": "none",
}
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
CELL = {"yes": "yes", "no": "no", "unknown": "unknown"}

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
        _enum("Truth", TRUTH, "whether one condition holds; unknown means not asserted"),
        _enum("Truths", TRUTHS, "the same for several conditions"),
        _enum("Kind", KIND, "what the item is in the article; risk means any risk"),
        _enum("Kinds", KINDS, "the same, in the plural"),
        _enum("Status", STATUS, "flagged for risks, engaged for strengths and opportunities"),
        _enum("Change", CHANGE, "how a what-if changed an item"),
        _enum("Side", SIDE, "the side that gains the objective advantage"),
        _enum("Verdict", VERDICT, "the conclusion's verdict on a scenario"),
        _enum("Decided", DECIDED, "how the scenario decision rule reached its result"),
        _enum("Refusal", REFUSAL, "the kind of refusal"),
        _enum("Recorded", RECORDED, "how a condition stands in the assessment"),
        _enum("CellValue", CELL, "a partnership-table cell"),
    ]
}

