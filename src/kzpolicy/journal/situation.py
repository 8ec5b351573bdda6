"""A situation file: what a caller believes as of one date, and on what evidence.

    title: "Before the spring talks"
    as_of: 2014-03-18
    beliefs:
      cooperation_intensifies: true                # a bare value: true or false
      D1: 0.4                                      # or a probability from 0 to 1
      joint_exercises:                             # or a value with its evidence
        value: true                                #   (or probability: 0.7)
        source: "example: analyst's own judgement"
        date: 2014-03-10
        note: "why the analyst believes it"
        confidence: medium                         #   optional: low, medium, high

A belief of ``true``/``false`` (or probability 1 or 0) is *certain*: it goes to
``assess`` as an asserted condition. Any other probability is *uncertain*: it goes to
``probabilities``, the certain ones fixed beside it. A condition left out is unknown.

:func:`read_situation` reads a file with the data-file reader
(:func:`kzpolicy.kb.data_file.read_data`: strict YAML, or JSON) and refuses a malformed
one with an :class:`~kzpolicy.InputError` naming the file, the line and the fix;
:func:`situation_from` does the same for data already parsed (an API body), and
:func:`check_conditions` refuses a condition the knowledge base lacks, by its line.
:func:`is_situation` tells a situation from a condition file by its shape (a mapping
with ``beliefs``).
"""

from __future__ import annotations

import datetime
import numbers
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    WithJsonSchema,
    model_validator,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from kzpolicy.errors import (
    InputError,
    RulesFileError,
    UnknownConditionError,
    closest,
    expect,
    shown,
)
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.strict_yaml import LineIndex

__all__ = [
    "Belief",
    "BeliefValue",
    "Confidence",
    "Situation",
    "check_conditions",
    "describe_errors",
    "is_situation",
    "read_data_of",
    "read_situation",
    "situation",
    "situation_from",
]

Confidence = Literal["low", "medium", "high"]
"""How sure the caller is of a belief's evidence (the credibility of Analysis of
Competing Hypotheses), in words."""
BeliefValue = bool | float
"""A belief's value: true, false, or the probability that the condition holds."""

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: object) -> object:
    """A date as ``YYYY-MM-DD`` text (YAML dates stay text) or a ``datetime.date``."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("date", "{value} is not a date; write it as YYYY-MM-DD, "
                              "e.g. 2014-03-18", {"value": shown(value)})


def _probability(value: object) -> float:
    """A probability: a number (not a boolean) from 0 to 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise PydanticCustomError("probability", "{value} is not a probability; write a "
                                  "number from 0 to 1, e.g. 0.7", {"value": shown(value)})
    number = float(value)
    if not 0 <= number <= 1:  # also NaN
        raise PydanticCustomError("probability", "{value} is not from 0 to 1; write a "
                                  "probability from 0 to 1 (or true or false for a certain "
                                  "belief)", {"value": shown(value)})
    return number


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]
Probability = Annotated[float, BeforeValidator(_probability),
                        WithJsonSchema({"type": "number", "minimum": 0, "maximum": 1})]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


class Belief(BaseModel):
    """One belief with its evidence: ``value`` (true or false) or ``probability`` (from 0
    to 1), and where the caller has it from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: bool | None = Field(default=None, strict=True)
    probability: Probability | None = None
    source: Text | None = None
    """Where the caller has it from (a document, a person, their own judgement)."""
    date: IsoDate | None = None
    """The date of the evidence (not after the situation's ``as_of``)."""
    note: Text | None = None
    confidence: Confidence | None = None

    @model_validator(mode="after")
    def _one_value(self) -> Belief:
        if (self.value is None) == (self.probability is None):
            given = "both" if self.value is not None else "neither"
            raise PydanticCustomError(
                "belief_value", "{given} of value and probability given; write exactly one: "
                "`value: true` (or false) or `probability: 0.7`", {"given": given})
        return self

    @property
    def held(self) -> BeliefValue:
        """The value, or the probability."""
        return self.value if self.value is not None else float(self.probability or 0.0)


def _belief_form(value: object) -> str | None:
    """Which form a belief is written in (None: none of them)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, numbers.Real):
        return "number"
    if isinstance(value, Mapping | Belief):
        return "mapping"
    return None


#: the tags of the forms of a belief, which pydantic puts into an error's location
_FORMS = ("bool", "number", "mapping")
_BELIEF_HELP = ("write true, false, a probability from 0 to 1, or a mapping with "
                "`value` or `probability` and its `source`, `date` and `note`")
BeliefEntry = Annotated[
    Annotated[bool, Tag("bool")] | Annotated[Probability, Tag("number")]
    | Annotated[Belief, Tag("mapping")],
    Discriminator(_belief_form, custom_error_type="belief",
                  custom_error_message=f"not a belief: {_BELIEF_HELP}"),
]


class Situation(BaseModel):
    """What a caller believes as of one date: condition ID -> a belief, bare or with its
    evidence. :func:`kzpolicy.situation` reads one from a file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Text
    as_of: IsoDate
    beliefs: dict[str, BeliefEntry] = Field(min_length=1)

    _file: str | None = PrivateAttr(default=None)
    _index: LineIndex | None = PrivateAttr(default=None)
    _prefix: tuple[str | int, ...] = PrivateAttr(default=())

    def __eq__(self, other: object) -> bool:
        """The same title, date and beliefs (wherever each was read from)."""
        if not isinstance(other, Situation):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]  # its beliefs are a dict

    # ---------------------------------------------------------------- the beliefs
    def belief(self, condition: str) -> Belief:
        """The belief about ``condition`` in its full form (a bare value has no
        evidence); a condition not believed raises KeyError."""
        entry = self.beliefs[condition]
        if isinstance(entry, Belief):
            return entry
        if isinstance(entry, bool):
            return Belief(value=entry)
        return Belief(probability=entry)

    def certain(self) -> dict[str, bool]:
        """The certain beliefs as conditions for ``assess``: true or false, or a
        probability of 1 or 0."""
        out: dict[str, bool] = {}
        for c in self.beliefs:
            held = self.belief(c).held
            if isinstance(held, bool):
                out[c] = held
            elif held in (0.0, 1.0):
                out[c] = held == 1.0
        return out

    def uncertain(self) -> dict[str, float]:
        """The uncertain beliefs for ``probabilities``: each probability strictly
        between 0 and 1."""
        out: dict[str, float] = {}
        for c in self.beliefs:
            held = self.belief(c).held
            if not isinstance(held, bool) and 0.0 < held < 1.0:
                out[c] = held
        return out

    # ---------------------------------------------------------------- its origin
    @property
    def file(self) -> str | None:
        """The file it was read from (None: made in Python or given in a request)."""
        return self._file

    def named(self, *path: str | int) -> str:
        """``file:line: beliefs.D1`` (or, not read from a file, ``beliefs.D1``): how an
        error names ``path`` inside the situation."""
        dotted = ".".join(str(x) for x in (*self._prefix, *path))
        return dotted if self._file is None else f"{self.where(*path)}: {dotted}"

    def where(self, *path: str | int) -> str:
        """``file:line`` of ``path`` inside the situation (as errors name it)."""
        if self._file is None:
            return ".".join(str(x) for x in (*self._prefix, *path)) or "the situation"
        return _where(self._file, self._index, (*self._prefix, *path))


def _where(name: str, index: LineIndex | None, path: Sequence[str | int]) -> str:
    line = index.line(path) if index is not None else None
    return f"{name}:{line}" if line else name


# ---------------------------------------------------------------------- errors
_EXAMPLES = {"title": 'title: "what this situation is"', "as_of": "as_of: 2014-03-18",
             "beliefs": "beliefs: {ID: true}` with a condition ID, e.g. `beliefs: {D1: true}"}


def _fix(err: Mapping[str, Any], loc: tuple[str | int, ...], model: type[BaseModel]) -> str:
    """What to do about one error pydantic found."""
    kind = err["type"]
    if kind == "missing":
        return f"add `{_EXAMPLES.get(str(loc[-1]), str(loc[-1]) + ': ...')}`"
    if kind == "extra_forbidden":
        allowed = list(Belief.model_fields if "beliefs" in loc
                       else Situation.model_fields if len(loc) > 2 else model.model_fields)
        near = closest(str(loc[-1]), allowed, 1)
        hint = f"did you mean {near[0]!r}? " if near else ""
        return f"{hint}remove it or use one of {', '.join(allowed)}"
    if kind == "literal_error":
        return "write one of low, medium, high"
    if kind in ("string_type", "string_too_short", "string_too_long"):
        return "write text of 1 to 2000 characters, in quotes if it could be read as " \
               "something else"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "write a mapping (key: value lines)"
    if kind in ("too_short",):
        return "give at least one belief, e.g. `beliefs: {D1: true}`"
    if kind == "bool_type":
        return "write true or false"
    return ""  # the custom errors (belief, date, probability, belief_value) say it


def _location(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """The place in the file: without the tag pydantic puts in for a belief's form."""
    return tuple(x for n, x in enumerate(loc)
                 if not (n >= 1 and x in _FORMS and loc[n - 1] != "beliefs"))


def describe_errors(exc: PydanticValidationError, name: str, index: LineIndex | None,
                    prefix: tuple[str | int, ...] = (), model: type[BaseModel] = BaseModel
                    ) -> list[str]:
    """Each error pydantic found in a file's data, as ``file:line: where: what; fix``."""
    out = []
    for err in exc.errors(include_url=False):
        loc = _location(tuple(err["loc"]))
        message = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = f"unknown key {str(loc[-1])!r}"
        fix = _fix(err, loc, model)
        where = ".".join(str(x) for x in (*prefix, *loc)) or "the top level"
        if index is not None:  # read from a file: its name and the line first
            where = f"{_where(name, index, (*prefix, *loc))}: {where}"
        out.append(f"{where}: {message}" + (f"; {fix}" if fix else ""))
    return out


def refuse(problems: Sequence[str], name: str) -> InputError:
    """One error for the problems of a file (each names its line)."""
    if len(problems) == 1:
        return InputError(problems[0])
    return InputError(f"{len(problems)} problems in {name}:\n  " + "\n  ".join(problems))


def _dated_after(s: Situation) -> list[str]:
    """The beliefs whose evidence is dated after the situation's ``as_of``."""
    out = []
    for c, entry in s.beliefs.items():
        if isinstance(entry, Belief) and entry.date is not None and entry.date > s.as_of:
            out.append(f"{s.named('beliefs', c, 'date')}: {entry.date} is "
                       f"after as_of {s.as_of}; date the situation later or give the "
                       "evidence it rests on as of then")
    return out


# ---------------------------------------------------------------------- reading
def is_situation(data: object) -> bool:
    """Whether parsed file data is a situation (a mapping with ``beliefs`` that is not a
    condition's true/false) rather than a condition file."""
    return (isinstance(data, Mapping) and "beliefs" in data
            and not isinstance(data["beliefs"], bool))


def situation_from(data: object, name: str = "the situation", index: LineIndex | None = None,
                   prefix: tuple[str | int, ...] = ()) -> Situation:
    """The situation of parsed data (from the file ``name``, its lines in ``index``, at
    ``prefix`` inside it); a malformed one raises InputError naming file, line and fix."""
    try:
        found = Situation.model_validate(data)
    except PydanticValidationError as exc:
        raise refuse(describe_errors(exc, name, index, prefix, Situation), name) from None
    found._file, found._index, found._prefix = name, index, prefix
    problems = _dated_after(found)
    if problems:
        raise refuse(problems, name)
    if index is None:  # not read from a file
        found._file = None
    return found


def read_data_of(path: str | Path, flag: str | None = None) -> tuple[object, LineIndex]:
    """A data file's data and lines, as the data-file reader gives them, a file that is not
    valid YAML refused as bad input (file and line) rather than as a rules file."""
    from kzpolicy.kb.data_file import read_data

    try:
        return read_data(path, flag)
    except RulesFileError as exc:
        where = exc.file + (f":{exc.line}" if exc.line else "")
        reason = exc.reason.replace(" in rules files", "")
        fix = "" if ";" in reason else "; fix the YAML there"
        raise InputError(f"{where}: {reason}{fix}") from None


def read_situation(path: str | Path, flag: str | None = None) -> Situation:
    """The situation of a YAML or JSON file (given to ``flag``, for the messages)."""
    data, index = read_data_of(path, flag)
    name = str(path)
    if not is_situation(data):
        raise InputError(f"{name}:1: not a situation file; write a mapping with `title`, "
                         "`as_of: YYYY-MM-DD` and `beliefs: {ID: true|false|probability}`")
    return situation_from(data, name, index)


def situation(path: str | Path) -> Situation:
    """The situation of a YAML or JSON file: a title, an ``as_of`` date and beliefs (see
    the module); a malformed file raises InputError naming the file, the line and the
    fix."""
    expect("situation", "path", path, (str, Path), "the path of a situation file")
    return read_situation(path)


def check_conditions(s: Situation, kb: KnowledgeBase) -> None:
    """Refuse a belief about a condition ``kb`` lacks, naming its line."""
    for c in s.beliefs:
        if c not in kb.condition_set:
            exc = UnknownConditionError(c, kb.condition_ids)
            exc.message = f"{s.named('beliefs', c)}: {exc.message}"
            exc.args = (exc.message,)
            raise exc
