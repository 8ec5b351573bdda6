"""The knowledge-base schema: pydantic models for every entry of rules/.

Every model forbids unknown keys (and suggests the closest known key), so a
typo in a YAML file is an error, never silently ignored. Entries are frozen.

No ``from __future__ import annotations`` here: the field annotations are objects when
the classes are made, so pydantic does not evaluate them from strings (a few milliseconds
of every process that loads a knowledge base); a method's return annotation naming its
own class is quoted.
"""

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    model_validator,
)

from kzpolicy.errors import closest
from kzpolicy.kb import expr
from kzpolicy.kb.limits import reading_limits

__all__ = [
    "ARTICLE",
    "UNDECIDED",
    "Advantage",
    "ArticleList",
    "BoundaryRule",
    "Cell",
    "Condition",
    "Decision",
    "DecisionForm",
    "Doctrine",
    "Factor",
    "Figure",
    "Finding",
    "Item",
    "Judgement",
    "Locator",
    "Milestone",
    "Preset",
    "PresetEntry",
    "Programme",
    "Row",
    "Rule",
    "Scenario",
    "Section",
    "Side",
    "Source",
    "Stage",
    "State",
]

Id = Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")]
#: one or more IDs (what a rule sets, what a finding concerns, the decision's poles)
Ids = Annotated[tuple[Id, ...], Field(min_length=1)]
Stance = Literal["stated", "interpretation"]


def _parse_when(raw: Any) -> expr.Expr:
    """A `when` tree, refused when its disjunctive normal form would be too large."""
    parsed = expr.parse(raw)
    size = expr.dnf_size(parsed)
    limits = reading_limits()
    if size > limits.conjunctions:
        raise ValueError(f"this `when` expands to {size:,} conjunctions; at most "
                         f"{limits.conjunctions} (split it into several rules) "
                         + limits.hint("conjunctions"))
    return parsed


When = Annotated[
    expr.Expr,
    BeforeValidator(_parse_when),
    PlainSerializer(expr.to_data, return_type=Any),
]


class Entry(BaseModel):
    """Base of every rules/ entry: frozen, strict about unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True,
                              defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _reject_unknown_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            known = set(cls.model_fields)
            unknown = [k for k in data if k not in known]
            if unknown:
                key = str(unknown[0])
                hint = closest(key, known)
                extra = f"; did you mean {hint[0]!r}?" if hint else ""
                allowed = ", ".join(sorted(known))
                raise ValueError(f"unknown key {key!r}{extra} (allowed: {allowed})")
        return data


class Stanced(Entry):
    """Base of the entries with a ``stance`` and, for the project's reading, a ``reason``
    (sides, rules, findings): an ``interpretation`` says why in ``reason``, a ``stated``
    entry has none.

    Each subclass declares the two fields itself, where they stand among its own (the
    order of its validation messages); declared here, pydantic would put them first.
    """

    if TYPE_CHECKING:
        stance: Stance
        reason: str | None

    @model_validator(mode="after")
    def _interpretation_needs_reason(self) -> "Stanced":
        if self.stance == "interpretation" and not (self.reason or "").strip():
            what = type(self).__name__.lower()
            raise ValueError(f"a {what} with stance: interpretation needs a one-line `reason`")
        if self.stance == "stated" and self.reason:
            raise ValueError("`reason` is for stance: interpretation; drop it or change the "
                             "stance")
        return self


class Locator(Entry):
    """Where in the article a fact stands: section, optionally list and item, or a pointer."""

    section: Id
    list: Id | None = None
    item: Annotated[int, Field(ge=1)] | None = None
    where: str | None = None

    @model_validator(mode="after")
    def _item_needs_list(self) -> "Locator":
        if self.item is not None and self.list is None:
            raise ValueError("a locator with `item` needs `list` too")
        return self

    def __str__(self) -> str:
        parts = [self.section]
        if self.list:
            parts.append(self.list)
        if self.item is not None:
            parts.append(f"item {self.item}")
        text = " / ".join(parts)
        return f"{text} ({self.where})" if self.where else text


class Source(Entry):
    """Bibliographic data of the article."""

    title: str
    authors: tuple[str, ...]
    journal: str
    issue: str
    year: int
    license: str
    #: where bibliographic data that the article's text does not carry comes from
    metadata_from: str | None = None


class ArticleList(Entry):
    """A list inside a section, with the number of items it has in the article."""

    id: Id
    size: Annotated[int, Field(ge=1)]
    label: str
    holds: str | None = None
    enumerated: Literal["article", "project"] = "article"


class Section(Entry):
    """A section of the article."""

    id: Id
    title: str
    lists: tuple[ArticleList, ...] = ()


class Item(Entry):
    """A statement of the article: a SWOT item, rivalry consequence, outcome or stimulus.

    ``presupposes`` names the conditions the item's own content amounts to (threat T7,
    relations in the region cooling, is itself the condition that they cool): when the
    caller asserts one of them false, an assessment reports the item *contested*
    instead of flagging it.
    """

    id: Id
    label: str
    statement: str
    locator: Locator
    presupposes: tuple[Id, ...] = ()


class Factor(Item):
    """A factor the article lists for a scenario; also a condition callers assert."""


class Side(Stanced):
    """A side that can gain the objective advantage in a scenario (``sides``).

    ``label`` names it in reports; ``synonyms`` are other words a feature file may
    use for it ("the objective advantage goes to ..."). Scenarios name it by ``id``.
    """

    id: Id
    label: str
    synonyms: tuple[Annotated[str, Field(min_length=1)], ...] = ()
    locator: Locator
    stance: Stance
    reason: str | None = None


class Advantage(Entry):
    """Which side the article says gains the objective advantage in a scenario."""

    side: Id
    """A declared side's ID (checked at load against ``sides``)."""
    statement: str
    locator: Locator


class Judgement(Entry):
    """The article's verdict on a scenario (from its conclusion)."""

    desirable: StrictBool
    likelihood: Literal["very_unlikely", "unlikely", "likely", "unknown"]
    rational: StrictBool
    statement: str
    locator: Locator


class Scenario(Entry):
    """One of the article's scenarios, with its factors and outcomes."""

    id: Id
    ordinal: int
    label: str
    statement: str
    locator: Locator
    factors: Annotated[tuple[Factor, ...], Field(min_length=1)]
    consequences: tuple[Item, ...]
    advantage: Advantage
    judgement: Judgement


class Condition(Entry):
    """A context condition a caller can assert, beyond the scenario factors."""

    id: Id
    label: str
    description: str
    locator: Locator
    bears_on: tuple[Id, ...] = ()


class Rule(Stanced):
    """A link the article draws (or the project reads into it): when -> then."""

    id: Id
    label: str
    when: When
    then: Ids
    stance: Stance
    reason: str | None = None
    locator: Locator


class Finding(Stanced):
    """An assessment the authors make in their argument, beyond the article's lists.

    ``concerns`` names what the finding bears on: items, scenarios, factors or
    context conditions. An assessment notes the finding when one of them is flagged,
    implied or asserted true. ``stance`` says whether the article itself ties the
    finding to those IDs (``stated``) or the project does (``interpretation``, with its
    ``reason``).
    """

    id: Id
    label: str
    statement: str
    locator: Locator
    concerns: Ids
    stance: Stance
    reason: str | None = None


#: the name of the reading that changes nothing: a knowledge base as written
#: (:mod:`kzpolicy.kb.reading`)
ARTICLE = "article"
DecisionForm = Literal["share", "count", "none"]
#: what a result names when the decision rule leaves the scenario undecided (``form:
#: none``); no scenario may take this ID
UNDECIDED = "undecided"


class Decision(Entry):
    """Parameters of the scenario decision rule.

    ``form`` says what each scenario's evidence is: the ``share`` of its factors asserted
    true (``threshold`` a fraction up to 1), their ``count`` (``threshold`` a whole number
    of factors, the same for every pole), or ``none``: no rule at all, so no scenario is
    implied (``threshold`` is then not used). A pole is implied when its evidence reaches
    ``threshold`` and leads: higher than every other scenario's (``strict``), or, with
    ``strict: false``, higher than the other poles' and at least as high as the rest (a
    tie with the default goes to the pole).
    """

    id: Id
    label: str
    form: DecisionForm = "share"
    threshold: Annotated[float, Field(gt=0)]
    strict: StrictBool = True
    poles: Ids
    default: Id
    stance: Stance
    reason: str
    locator: Locator

    @model_validator(mode="after")
    def _threshold_fits_the_form(self) -> "Decision":
        if self.form == "share" and self.threshold > 1:
            raise ValueError(f"threshold {self.threshold}: a share is at most 1 (or write "
                             "form: count for a number of factors)")
        if self.form == "count" and self.threshold != int(self.threshold):
            raise ValueError(f"threshold {self.threshold}: with form: count it is a whole "
                             "number of factors")
        return self


class PresetEntry(Entry):
    """One condition a preset asserts, with where the article supports it."""

    condition: Id
    value: StrictBool
    locator: Locator
    note: str | None = None


class Preset(Entry):
    """A named set of asserted conditions."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9\-_]*$")]
    label: str
    description: str
    factors_of: tuple[Id, ...] = ()
    factors_locator: Locator | None = None
    #: whether asserting ``factors_of`` is the article's own statement or the project's reading
    factors_stance: Stance | None = None
    factors_reason: str | None = None
    set: tuple[PresetEntry, ...] = ()

    @model_validator(mode="after")
    def _interpretation_needs_reason(self) -> "Preset":
        if self.factors_stance == "interpretation" and not self.factors_reason:
            raise ValueError("factors_stance: interpretation needs a `factors_reason`")
        return self


class BoundaryRule(Entry):
    """How a year shared by two stages is assigned, and the last year the article covers."""

    stance: Stance
    reason: str
    open_end_year: int


class Stage(Entry):
    """A stage of Kazakhstan-NATO relations."""

    id: Id
    ordinal: int
    start: int
    end: int | None
    label: str
    statement: str
    locator: Locator


class Doctrine(Entry):
    """A military doctrine of Kazakhstan and NATO's place in it."""

    id: Id
    year: int
    label: str
    stage: Id
    nato_role: str
    statement: str
    locator: Locator
    approved: str | None = None


class Programme(Entry):
    """A NATO programme or format, with the year the article gives (None: none given)."""

    id: Id
    abbreviation: str
    name: str
    year: int | None
    statement: str
    locator: Locator


class Figure(Entry):
    """A number the article gives."""

    value: int
    unit: str
    qualifier: Literal["exact", "more than", "about"]


class Milestone(Entry):
    """A dated event or a figure of the cooperation."""

    id: Id
    year: int | None
    end_year: int | None = None
    date: str | None = None
    label: str
    statement: str
    figures: tuple[Figure, ...] = ()
    locator: Locator


class State(Entry):
    """A Central Asian state of the partnership table."""

    id: Id
    label: str


class Row(Entry):
    """A row of the partnership table."""

    id: Id
    label: str
    programme: Id | None = None
    locator: Locator


class Cell(Entry):
    """A partnership-table cell the article's prose or footnotes make known."""

    state: Id
    row: Id
    value: Literal["yes", "no"]
    stance: Stance
    evidence: Locator
    note: str | None = None

    @model_validator(mode="after")
    def _interpretation_needs_note(self) -> "Cell":
        if self.stance == "interpretation" and not self.note:
            raise ValueError("a cell with stance: interpretation needs a `note` saying why")
        return self
