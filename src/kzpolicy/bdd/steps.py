"""The kzpolicy step library for Gherkin feature files (pytest-bdd).

Loaded by the ``kzpolicy`` pytest plugin (``kzpolicy.bdd.plugin``), so any
project that installs kzpolicy can run feature files against it without a
``conftest.py``. A step with the same text in a user's own ``conftest.py`` or
test module overrides the one here.

Every step works on one :class:`World` per scenario (``kzpolicy.bdd.world``),
the ``kzpolicy_world`` fixture; it is built on the ``kzpolicy_kb`` fixture,
which a project may override to point at its own rules folder. Steps that ask
kzpolicy something (assess, a what-if, a look-up) keep a refusal instead of
raising it, so a scenario can check it; any later step that needs the answer,
or the end of the scenario, fails with the refusal if no step examined it.

Each check a step makes is recorded on the World, which is how
``kzpolicy coverage`` tells which parts of the article the features exercise.
The typed fields are in ``kzpolicy.bdd.fields``. Each step is registered with
``library_step`` (``kzpolicy.bdd.registry``), which adds it to ``STEP_LIBRARY``:
every step with its pattern, a one-line description and an example (``kzpolicy
steps`` renders it).

No ``__all__`` here on purpose: pytest-bdd injects its step fixtures into this
module's namespace, and pytest must see them all.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import pytest

from kzpolicy.bdd.fields import BASIS, CHANGE_STATES
from kzpolicy.bdd.registry import STEP_LIBRARY as STEP_LIBRARY  # re-exported: filled here
from kzpolicy.bdd.registry import StepDef as StepDef
from kzpolicy.bdd.registry import library_step, nearest_steps
from kzpolicy.bdd.world import World as World  # re-exported for users who write their own steps
from kzpolicy.bdd.world import asserted_text, describe, fail
from kzpolicy.errors import KzPolicyError, UnknownConditionError, UnknownIdError

if TYPE_CHECKING:  # the models load when a scenario first needs them
    from kzpolicy.analysis.robustness import Holds
    from kzpolicy.engine.results import Assessment, Contested, Flagged
    from kzpolicy.kb.knowledge import CellStatus, KnowledgeBase
    from kzpolicy.kb.schema import Doctrine, Milestone, Programme, Stage


# --------------------------------------------------------------------------- lookup errors
def pytest_bdd_step_func_lookup_error(
    request: pytest.FixtureRequest, feature: object, scenario: object, step: Any,
    exception: Exception,
) -> None:
    """A step no definition reads: answer with the nearest kzpolicy steps."""
    from pytest_bdd.exceptions import StepDefinitionNotFoundError

    keyword = str(getattr(step, "type", "")).lower()
    near = nearest_steps(keyword, str(getattr(step, "name", "")))
    if near:
        hint = "; ".join(f"{d.keyword.capitalize()} {d.pattern}  (e.g. {d.example})"
                         for d in near)
        raise StepDefinitionNotFoundError(
            f"{exception} Did you mean: {hint}? (`kzpolicy steps` lists every step)"
        ) from None


# --------------------------------------------------------------------------- fixtures
@pytest.fixture
def kzpolicy_kb() -> KnowledgeBase:
    """The knowledge base the steps use: the stock one (override it to use your rules)."""
    from kzpolicy.kb.loading import load

    return load()


@pytest.fixture
def kzpolicy_world(kzpolicy_kb: KnowledgeBase) -> Iterator[World]:
    """A fresh World per scenario; a refusal nobody examined fails the scenario."""
    world = World(kzpolicy_kb)
    yield world
    world.finish()


# --------------------------------------------------------------------------- Given
@library_step(
    "given",
    "nothing is asserted about the situation",
    doc="Start from nothing: every condition unknown, no preset.",
    example="Given nothing is asserted about the situation",
)
def start_from_nothing(kzpolicy_world: World) -> None:
    kzpolicy_world.start_over()


@library_step(
    "given",
    'the situation described by the preset "{preset:Text}"',
    doc="Start from a named preset (`kzpolicy list presets`); conditions asserted in the "
    "scenario are laid over it.",
    example='Given the situation described by the preset "article-2010"',
)
def start_from_preset(kzpolicy_world: World, preset: str) -> None:
    kzpolicy_world.preset = preset


@library_step(
    "given",
    'the condition "{condition:Id}" {truth:Truth}',
    doc="Assert one condition (a factor such as D2, or a context condition) true or false, "
    "or leave it unknown.",
    example='Given the condition "cooperation_intensifies" holds',
)
def assert_condition(kzpolicy_world: World, condition: str, truth: bool | None) -> None:
    kzpolicy_world.set_condition(condition, truth)


@library_step(
    "given",
    'the conditions "{conditions:Ids}" {truth:Truths}',
    doc="Assert several conditions at once; handy in a Scenario Outline over subsets.",
    example='Given the conditions "D1, D2, D3, D4" hold',
)
def assert_conditions(
    kzpolicy_world: World, conditions: tuple[str, ...], truth: bool | None
) -> None:
    for ident in conditions:
        kzpolicy_world.set_condition(ident, truth)


_TABLE_VALUES = {"true": True, "false": False, "unknown": None}


@library_step(
    "given",
    "these conditions:",
    doc="Assert conditions from a data table with the columns ID and value "
    "(true, false or unknown; any other value goes to kzpolicy, which refuses it).",
    example="Given these conditions:\n  | ID                 | value |\n"
    "  | russia_west_worsen | true  |\n  | info_scarce        | false |",
)
def assert_condition_table(kzpolicy_world: World, datatable: Sequence[Sequence[object]]) -> None:
    rows = [[str(c).strip() for c in row] for row in datatable]
    if not rows or [c.lower() for c in rows[0]] != ["id", "value"]:
        fail("the table of conditions needs exactly two columns headed 'ID' and 'value'")
    for ident, raw in rows[1:]:
        value = _TABLE_VALUES.get(raw.lower(), raw)
        kzpolicy_world.set_condition(ident, value)


@library_step(
    "given",
    'the reading "{reading:Text}"',
    doc="Read the rules under a reading for every assessment of the scenario: a name of "
    "`kzpolicy list readings` (stated-only: the article's stated links only, no decision "
    "rule), names joined by +, or a reading file.",
    example='Given the reading "stated-only"',
)
def use_reading(kzpolicy_world: World, reading: str) -> None:
    kzpolicy_world.reading = reading


# --------------------------------------------------------------------------- When
@library_step(
    "when",
    "the situation is assessed",
    doc="Run kzpolicy.assess on what the scenario asserted (a refusal is kept for a Then step).",
    example="When the situation is assessed",
)
def assess_situation(kzpolicy_world: World) -> None:
    kzpolicy_world.assess()


@library_step(
    "when",
    'I ask what if the condition "{condition:Id}" {truth:Truth}',
    doc="A what-if: the last assessment's conditions with one change, assessed again; "
    "the earlier result stays available for comparison.",
    example='When I ask what if the condition "russia_west_worsen" holds',
)
def what_if_condition(kzpolicy_world: World, condition: str, truth: bool | None) -> None:
    kzpolicy_world.what_if({condition: truth})


@library_step(
    "when",
    'I ask what if the conditions "{conditions:Ids}" {truth:Truths}',
    doc="A what-if changing several conditions at once.",
    example='When I ask what if the conditions "B1, B2, B3, B4, B5, B6, B7" are unknown',
)
def what_if_conditions(
    kzpolicy_world: World, conditions: tuple[str, ...], truth: bool | None
) -> None:
    kzpolicy_world.what_if(dict.fromkeys(conditions, truth))


@library_step(
    "when",
    "I look up the stage of the year {year:Year}",
    doc="Find the stage of Kazakhstan-NATO relations a year belongs to.",
    example="When I look up the stage of the year 2004",
)
def look_up_year(kzpolicy_world: World, year: int) -> None:
    kzpolicy_world.look_up_year(year)


@library_step(
    "when",
    'I look up "{state:Text}" in the row "{row:Text}" of the partnership table',
    doc="Find one cell of the comparative partnership table (a state, and a row or programme).",
    example='When I look up "Kazakhstan" in the row "IPAP" of the partnership table',
)
def look_up_cell(kzpolicy_world: World, state: str, row: str) -> None:
    kzpolicy_world.look_up_cell(state, row)


# --------------------------------------------------------------------------- Then: scenario
@library_step(
    "then",
    'the implied scenario is "{scenario:Id}"',
    doc="The scenario the decision rule implies (a scenario ID of the knowledge base).",
    example='Then the implied scenario is "balance"',
)
def implied_scenario(kzpolicy_world: World, scenario: str) -> None:
    w = kzpolicy_world
    a = w.result()
    w.kb.scenario(scenario)  # an unknown scenario name is a mistake in the feature
    sc = a.scenario
    w.verify(
        sc.id == scenario,
        f"the implied scenario is {sc.id!r}, not {scenario!r}: {sc.reason}",
        what="scenario", subject=scenario, expected="implied", assessment=a,
    )


@library_step(
    "then",
    "no scenario is implied",
    doc="The decision rule decides nothing (a reading without one, such as stated-only): "
    "the result says not decided, with the factor counts, and no scenario's outcomes.",
    example="Then no scenario is implied",
)
def no_scenario(kzpolicy_world: World) -> None:
    w = kzpolicy_world
    a = w.result()
    w.verify(
        a.scenario.decided_by == "undecided",
        f"the scenario {a.scenario.id!r} is implied: {a.scenario.reason}",
        what="robustness", subject=a.scenario.id, expected="undecided", assessment=a,
    )


def _holding(w: World, ident: str) -> Holds:
    """Where ``ident`` (a scenario or an item) holds across the stock readings."""
    from kzpolicy.analysis.robustness import Holds, holds_words

    r = w.robustness()
    for h in (*r.scenarios, *r.items):
        if h.id == ident:
            return h
    if ident not in w.kb.scenarios and ident not in w.kb.items:
        raise UnknownIdError("scenario or item", ident, [*w.kb.scenarios, *w.kb.items])
    return Holds(id=ident, kind="", label="", holds_under=(),
                 fails_under=tuple(o.reading for o in r.readings),
                 summary=holds_words(0, len(r.readings)))


@library_step(
    "then",
    '"{ident:Id}" holds under every reading',
    doc="Across every stock reading (`kzpolicy robustness`): the item is reached, or the "
    "scenario implied, under each of them.",
    example='Then "T1" holds under every reading',
)
def holds_everywhere(kzpolicy_world: World, ident: str) -> None:
    w = kzpolicy_world
    h = _holding(w, ident)
    w.verify(
        not h.fails_under,
        f"{ident} {h.summary}; not under {', '.join(h.fails_under)}",
        what="robustness", subject=ident, expected="every reading",
    )


@library_step(
    "then",
    '"{ident:Id}" does not hold under the reading "{reading:Text}"',
    doc="Across the stock readings: the item is not reached, or the scenario not implied, "
    "under one of them.",
    example='Then "balance" does not hold under the reading "stated-only"',
)
def fails_under(kzpolicy_world: World, ident: str, reading: str) -> None:
    w = kzpolicy_world
    h = _holding(w, ident)
    if reading not in (*h.holds_under, *h.fails_under):
        fail(f"{reading!r} is none of the readings compared: "
             f"{', '.join((*h.holds_under, *h.fails_under))}")
    w.verify(
        reading in h.fails_under,
        f"{ident} holds under {reading} ({h.summary})",
        what="robustness", subject=ident, expected=f"not under {reading}",
    )


@library_step(
    "then",
    'the implied scenario moves from "{before:Id}" to "{after:Id}"',
    doc="After a what-if: the scenario implied before and after the change.",
    example='Then the implied scenario moves from "balance" to "distancing"',
)
def scenario_moves(kzpolicy_world: World, before: str, after: str) -> None:
    w = kzpolicy_world
    old, new = w.before(), w.result()
    w.kb.scenario(before)
    w.kb.scenario(after)
    w.verify(
        old.scenario.id == before and new.scenario.id == after,
        f"the implied scenario went from {old.scenario.id!r} to {new.scenario.id!r}",
        what="scenario", subject=after, expected="implied", assessment=new,
    )


@library_step(
    "then",
    "the scenario is decided {how:Decided}",
    doc="Whether a pole reached the threshold or the default scenario held.",
    example="Then the scenario is decided by default",
)
def decided_by(kzpolicy_world: World, how: str) -> None:
    w = kzpolicy_world
    a = w.result()
    w.verify(
        a.scenario.decided_by == how,
        f"the scenario was decided by {a.scenario.decided_by}: {a.scenario.reason}",
        what="decision", subject=a.scenario.id, expected=how, assessment=a,
    )


@library_step(
    "then",
    'the assessment warns "{text:Text}"',
    doc="One of the assessment's warnings contains the text (any case).",
    example='Then the assessment warns "both poles are pressed at once"',
)
def warns(kzpolicy_world: World, text: str) -> None:
    w = kzpolicy_world
    a = w.result()
    w.verify(
        any(text.lower() in x.lower() for x in a.warnings),
        f"no warning contains {text!r}; warnings: {list(a.warnings) or 'none'}",
        what="warning", subject=text, expected="present", assessment=a,
    )


@library_step(
    "then",
    "the assessment gives no warning",
    doc="The assessment has no warnings.",
    example="Then the assessment gives no warning",
)
def no_warning(kzpolicy_world: World) -> None:
    w = kzpolicy_world
    a = w.result()
    w.verify(
        not a.warnings, f"the assessment warns: {list(a.warnings)}",
        what="warning", subject="", expected="absent", assessment=a,
    )


@library_step(
    "then",
    "the objective advantage goes to {side:Side}",
    doc="The side the article says gains the objective advantage in the implied scenario.",
    example="Then the objective advantage goes to Russia",
)
def advantage(kzpolicy_world: World, side: str) -> None:
    w = kzpolicy_world
    a = w.result()
    if a.scenario.advantage is None:
        fail(f"no scenario is implied, so no side gains an advantage: {a.scenario.reason}")
    got = a.scenario.advantage.side
    w.verify(
        got == side,
        f"in {a.scenario.id!r} the advantage goes to {got!r}, not {side!r}",
        what="advantage", subject=a.scenario.id, expected=side, assessment=a,
    )


@library_step(
    "then",
    "the conclusion calls the implied scenario {verdict:Verdict}",
    doc="The conclusion's judgement of the implied scenario.",
    example="Then the conclusion calls the implied scenario the only rational course",
)
def verdict(kzpolicy_world: World, verdict: str) -> None:
    w = kzpolicy_world
    a = w.result()
    j = a.scenario.judgement
    if j is None:
        fail(f"no scenario is implied, so the conclusion judges none: {a.scenario.reason}")
    holds = {
        "desirable": j.desirable,
        "undesirable": not j.desirable,
        "very unlikely": j.likelihood == "very_unlikely",
        "rational": j.rational,
        "not rational": not j.rational,
    }[verdict]
    w.verify(
        holds,
        f"the conclusion does not call {a.scenario.id!r} {verdict}: {j.statement}",
        what="judgement", subject=a.scenario.id, expected=verdict, assessment=a,
    )


# --------------------------------------------------------------------------- Then: items
def _check_item(w: World, a: Assessment, ident: str, status: str) -> None:
    """``status`` is one of the Status words: the item is (or is not) flagged, engaged or
    reached. A contested item is none of them."""
    want = not status.startswith("not")
    verb = status.removeprefix("not ")
    present = ident in a.flagged_ids()
    if want:
        message = f"{ident} is not {verb}: {describe(a, ident)}; asserted: {asserted_text(a)}"
    else:
        message = f"{ident} is {verb}, but should not be: {describe(a, ident)}"
    w.verify(
        present == want, message,
        what="item", subject=ident, expected="flagged" if want else "not flagged", assessment=a,
    )


@library_step(
    "then",
    'the {kind:Kind} "{item:Id}" is {status:Status}',
    doc="A threat, weakness or rivalry effect is flagged or not; a strength or opportunity "
    "is engaged or not; a scenario's outcome is reached (or flagged) or not. A contested "
    "item is none of these.",
    example='Then the threat "T6" is flagged',
)
def item_status(kzpolicy_world: World, kind: str, item: str, status: str) -> None:
    w = kzpolicy_world
    a = w.result()
    w.item(item, kind, status)
    _check_item(w, a, item, status)


@library_step(
    "then",
    'the {kinds:Kinds} "{items:Ids}" are {status:Status}',
    doc="The same for several items of one kind.",
    example='Then the outcomes "IC1, IC2, IC3, IC4, IC5" are not reached',
)
def items_status(
    kzpolicy_world: World, kinds: str, items: tuple[str, ...], status: str
) -> None:
    w = kzpolicy_world
    a = w.result()
    for ident in items:
        w.item(ident, kinds, status)
    failures: list[str] = []
    for ident in items:
        try:
            _check_item(w, a, ident, status)
        except pytest.fail.Exception as exc:
            failures.append(str(exc.msg))
    if failures:
        fail("\n".join(failures))


@library_step(
    "then",
    'compared with before, the {kind:Kind} "{item:Id}" is {change:Change}',
    doc="After a what-if: how one item changed (newly, no longer, still flagged, engaged "
    "or reached).",
    example='Then compared with before, the threat "T6" is newly flagged',
)
def item_change(kzpolicy_world: World, kind: str, item: str, change: str) -> None:
    w = kzpolicy_world
    old, new = w.before(), w.result()
    verb = change.rsplit(" ", 1)[1]
    w.item(item, kind, verb)
    states = CHANGE_STATES[change.rsplit(" ", 1)[0]]
    was, now = item in old.flagged_ids(), item in new.flagged_ids()
    ok = (was, now) == states

    def state(on: bool) -> str:
        return verb if on else f"not {verb}"

    message = f"{item} was {state(was)} and is now {state(now)}, so it is not {change}"
    for a, on in ((old, states[0]), (new, states[1])):
        w.verify(
            ok, message,
            what="item", subject=item, expected="flagged" if on else "not flagged", assessment=a,
        )


# --------------------------------------------------------------------------- Then: contested
def _contested(a: Assessment, ident: str) -> Contested | None:
    return next((c for c in a.contested if c.id == ident), None)


@library_step(
    "then",
    'the {kind:Kind} "{item:Id}" is contested by "{condition:Id}"',
    doc="The rules imply the item, but the condition its content amounts to was asserted "
    "false: the item is reported contested, naming that denial, and is not flagged.",
    example='Then the threat "T7" is contested by "region_relations_cool"',
)
def item_contested(kzpolicy_world: World, kind: str, item: str, condition: str) -> None:
    w = kzpolicy_world
    a = w.result()
    w.item(item, kind)
    if condition not in w.kb.condition_ids:
        raise UnknownConditionError(condition, w.kb.condition_ids)
    found = _contested(a, item)
    denied = [d.id for d in found.denied] if found is not None else []
    if found is None:
        message = f"{item} is not contested: {describe(a, item)}; asserted: {asserted_text(a)}"
    else:
        message = f"{item} is contested by {', '.join(denied)}, not by {condition}"
    w.verify(
        condition in denied and item not in a.flagged_ids(), message,
        what="contested", subject=item, expected=condition, assessment=a,
    )


@library_step(
    "then",
    'the {kind:Kind} "{item:Id}" is not contested',
    doc="No condition asserted false contradicts the item (whether or not it is flagged).",
    example='Then the threat "T8" is not contested',
)
def item_not_contested(kzpolicy_world: World, kind: str, item: str) -> None:
    w = kzpolicy_world
    a = w.result()
    w.item(item, kind)
    w.verify(
        _contested(a, item) is None, describe(a, item),
        what="contested", subject=item, expected="none", assessment=a,
    )


# --------------------------------------------------------------------------- Then: standing
_BASIS_PHRASE = {value: phrase for phrase, value in BASIS.items()}


def _reached(w: World, ident: str, kind: str = "any") -> tuple[Assessment, Flagged | Contested]:
    """The item as the last assessment reached it: flagged, engaged, an outcome, or
    contested (the chain that implies it)."""
    a = w.result()
    w.item(ident, kind)
    found: Flagged | Contested | None = a.item(ident) or _contested(a, ident)
    if found is None:
        fail(f"{ident} is not reached: {describe(a, ident)}; asserted: {asserted_text(a)}")
    return a, found


@library_step(
    "then",
    'the {kind:Kind} "{item:Id}" holds {basis:Basis}',
    doc="What the item rests on: by default (every chain that reaches it goes through the "
    "default scenario, implied with none of its factors asserted) or on what was asserted "
    "(some chain does not).",
    example='Then the outcome "BC1" holds by default',
)
def item_basis(kzpolicy_world: World, kind: str, item: str, basis: str) -> None:
    from kzpolicy.report.words import basis_words

    w = kzpolicy_world
    a, f = _reached(w, item, kind)
    w.verify(
        f.basis == basis,
        f"{item} does not hold {_BASIS_PHRASE[basis]}: it "
        f"{basis_words(f.basis, a.scenario.id)}",
        what="basis", subject=item, expected=basis, assessment=a,
    )


@library_step(
    "then",
    'the {kind:Kind} "{item:Id}" is {stance:Stance}',
    doc="The item's stance along its chains, the scenario decision included: stated when "
    "some chain reaches it with every step the article's own word, else an interpretation.",
    example='Then the strength "S4" is stated',
)
def item_stance(kzpolicy_world: World, kind: str, item: str, stance: str) -> None:
    from kzpolicy.report.words import stance_words

    w = kzpolicy_world
    a, f = _reached(w, item, kind)
    w.verify(
        f.stance == stance,
        f"{item} is {stance_words(f)} (its chain: {', '.join(s.rule for s in f.because)})",
        what="stance", subject=item, expected=stance, assessment=a,
    )


@library_step(
    "then",
    'the {kind:Kind} "{item:Id}" is an interpretation via "{rule:Id}"',
    doc="The item is an interpretation, and the rule (or the scenario decision rule) is "
    "one of the interpretations its chains go through.",
    example='Then the threat "T7" is an interpretation via "scenario_decision"',
)
def item_interpretation(kzpolicy_world: World, kind: str, item: str, rule: str) -> None:
    from kzpolicy.report.words import stance_words

    w = kzpolicy_world
    a, f = _reached(w, item, kind)
    _known_rule(w, rule)
    w.verify(
        f.stance == "interpretation" and rule in f.interpretations,
        f"{item} is {stance_words(f)}, not an interpretation via {rule}",
        what="stance", subject=item, expected=rule, assessment=a,
    )


@library_step(
    "then",
    "the implied scenario holds {basis:Basis}",
    doc="Whether the implied scenario rests on some of its factors asserted, or only on "
    "the decision rule's default.",
    example="Then the implied scenario holds by default",
)
def scenario_basis(kzpolicy_world: World, basis: str) -> None:
    w = kzpolicy_world
    a = w.result()
    sc = a.scenario
    w.verify(
        sc.basis == basis,
        f"the implied scenario {sc.id} does not hold {_BASIS_PHRASE[basis]}: {sc.reason}",
        what="basis", subject=sc.id, expected=basis, assessment=a,
    )


@library_step(
    "then",
    "the implied scenario is {stance:Stance}",
    doc="The implied scenario's stance: that of the scenario decision rule.",
    example="Then the implied scenario is an interpretation",
)
def scenario_stance(kzpolicy_world: World, stance: str) -> None:
    from kzpolicy.report.words import stance_words

    w = kzpolicy_world
    a = w.result()
    sc = a.scenario
    w.verify(
        sc.stance == stance, f"the implied scenario {sc.id} is {stance_words(sc)}",
        what="stance", subject=sc.id, expected=stance, assessment=a,
    )


# --------------------------------------------------------------------------- Then: decision
def _says(w: World, a: Assessment, text: str, where: str) -> None:
    reason = a.scenario.reason
    w.verify(
        text.lower() in reason.lower(),
        f"the decision's reason{where} says {reason!r}",
        what="reason", subject=a.scenario.id, expected=text, assessment=a,
    )


@library_step(
    "then",
    'the decision\'s reason says "{text:Text}"',
    doc="The scenario decision rule's reason for the implied scenario contains the text "
    "(any case).",
    example='Then the decision\'s reason says "no pole reached the threshold"',
)
def reason_says(kzpolicy_world: World, text: str) -> None:
    w = kzpolicy_world
    _says(w, w.result(), text, "")


def _side(w: World, moment: str) -> Assessment:
    return w.before() if moment == "before" else w.result()


@library_step(
    "then",
    'the decision\'s reason {moment:Moment} says "{text:Text}"',
    doc="After a what-if: why the decision rule implies its scenario before or after the "
    "change, which says why the scenario did or did not move.",
    example='Then the decision\'s reason after the change says "without a strict lead"',
)
def reason_at(kzpolicy_world: World, moment: str, text: str) -> None:
    w = kzpolicy_world
    _says(w, _side(w, moment), text, f" {moment} the change")


@library_step(
    "then",
    'the decision {moment:Moment} warns "{text:Text}"',
    doc="After a what-if: one of the decision's warnings before or after the change "
    "contains the text (any case).",
    example='Then the decision after the change warns "ties with balance"',
)
def warns_at(kzpolicy_world: World, moment: str, text: str) -> None:
    w = kzpolicy_world
    a = _side(w, moment)
    w.verify(
        any(text.lower() in x.lower() for x in a.warnings),
        f"no warning {moment} the change contains {text!r}; warnings: "
        f"{list(a.warnings) or 'none'}",
        what="warning", subject=text, expected=moment, assessment=a,
    )


@library_step(
    "then",
    "the decision {moment:Moment} gives no warning",
    doc="After a what-if: the decision gave no warning on that side of the change.",
    example="Then the decision before the change gives no warning",
)
def no_warning_at(kzpolicy_world: World, moment: str) -> None:
    w = kzpolicy_world
    a = _side(w, moment)
    w.verify(
        not a.warnings, f"{moment} the change the decision warns: {list(a.warnings)}",
        what="warning", subject="", expected=f"none {moment}", assessment=a,
    )


# --------------------------------------------------------------------------- Then: why
def _flagged(w: World, ident: str) -> tuple[Assessment, Flagged | Contested]:
    return _reached(w, ident)


def _known_rule(w: World, rule: str) -> None:
    known = [*w.kb.rule_index, w.kb.decision.id]
    if rule not in known:
        raise UnknownIdError("rule", rule, known)


@library_step(
    "then",
    'the explanation of "{item:Id}" cites the section "{section:Text}"',
    doc="A step in the chain of reasons for the item (for a contested item, the chain that "
    "implies it) points into the section (ID or title).",
    example='Then the explanation of "T1" cites the section "scenarios"',
)
def explanation_section(kzpolicy_world: World, item: str, section: str) -> None:
    w = kzpolicy_world
    a, f = _flagged(w, item)
    sid = w.section(section)
    cited = sorted({s.locator.section for s in f.because})
    w.verify(
        sid in cited,
        f"the explanation of {item} cites {', '.join(cited)}, not {sid}",
        what="citation", subject=item, expected=sid, assessment=a,
    )


@library_step(
    "then",
    'the explanation of "{item:Id}" cites "{locator:Text}"',
    doc="A step in the chain of reasons points exactly there (as `kzpolicy assess --explain` "
    "writes locators).",
    example='Then the explanation of "T6" cites "scenarios / threats / item 6"',
)
def explanation_locator(kzpolicy_world: World, item: str, locator: str) -> None:
    w = kzpolicy_world
    a, f = _flagged(w, item)
    cited = [str(s.locator) for s in f.because]
    w.verify(
        locator.lower() in (c.lower() for c in cited),
        f"the explanation of {item} cites {cited}, not {locator!r}",
        what="citation", subject=item, expected=locator, assessment=a,
    )


@library_step(
    "then",
    'the explanation of "{item:Id}" goes through the rule "{rule:Id}"',
    doc="The rule (`kzpolicy list rules`) is in the chain of reasons for the item.",
    example='Then the explanation of "T8" goes through the rule "crisis_t8"',
)
def explanation_rule(kzpolicy_world: World, item: str, rule: str) -> None:
    w = kzpolicy_world
    a, f = _flagged(w, item)
    _known_rule(w, rule)
    used = [s.rule for s in f.because]
    w.verify(
        rule in used,
        f"the explanation of {item} goes through {used}, not {rule!r}",
        what="rule", subject=rule, expected=item, assessment=a,
    )


@library_step(
    "then",
    'the condition "{condition:Id}" is recorded as {value:Recorded}',
    doc="How the assessment holds a condition: true, false, or unknown (never asserted).",
    example='Then the condition "D5" is recorded as unknown',
)
def condition_recorded(kzpolicy_world: World, condition: str, value: bool | None) -> None:
    w = kzpolicy_world
    a = w.result()
    if condition not in w.kb.condition_ids:
        raise UnknownConditionError(condition, w.kb.condition_ids)
    got = a.asserted.get(condition)
    shown = {True: "true", False: "false", None: "unknown"}
    w.verify(
        got is value and (value is not None or condition in a.unknown),
        f"the condition {condition} is recorded as {shown[got]}, not {shown[value]}",
        what="condition", subject=condition, expected=shown[value], assessment=a,
    )


# --------------------------------------------------------------------------- Then: history
def _stage(w: World, name: str) -> Stage:
    for stage in w.kb.stages:
        if name.lower() in {stage.id.lower(), stage.label.lower()}:
            return stage
    raise UnknownIdError("stage", name, [s.label for s in w.kb.stages])


def _looked_up_year(w: World) -> int:
    w.settle()
    if w.year is None:
        fail("look a year up first: 'When I look up the stage of the year 2004'")
    return w.year


@library_step(
    "then",
    'the year falls in the stage "{stage:Text}"',
    doc="The year looked up belongs to this stage (its label or ID, `kzpolicy list stages`).",
    example='Then the year falls in the stage "Intensified military-political cooperation"',
)
def year_in_stage(kzpolicy_world: World, stage: str) -> None:
    w = kzpolicy_world
    year = _looked_up_year(w)
    want = _stage(w, stage)
    got = w.stage
    w.verify(
        got is not None and got.id == want.id,
        f"{year} falls in {got.label if got else 'no stage'!r}, not {want.label!r}",
        what="stage", subject=want.id, expected=str(year),
    )


@library_step(
    "then",
    "the year falls in no stage",
    doc="The year looked up lies outside the four stages the article gives.",
    example="Then the year falls in no stage",
)
def year_in_no_stage(kzpolicy_world: World) -> None:
    w = kzpolicy_world
    year = _looked_up_year(w)
    w.verify(
        w.stage is None,
        f"{year} falls in the stage {w.stage.label if w.stage else ''!r}",
        what="stage", subject="none", expected=str(year),
    )


def _doctrine(w: World, year: int) -> Doctrine:
    for d in w.kb.doctrines:
        if d.year == year:
            return d
    raise UnknownIdError("doctrine year", str(year), [str(d.year) for d in w.kb.doctrines])


@library_step(
    "then",
    'the military doctrine of {year:Year} gives NATO a "{role:Text}" role',
    doc="The place NATO has in one of Kazakhstan's military doctrines (`kzpolicy list doctrines`).",
    example='Then the military doctrine of 2007 gives NATO a "significant" role',
)
def doctrine_role(kzpolicy_world: World, year: int, role: str) -> None:
    w = kzpolicy_world
    d = _doctrine(w, year)
    w.verify(
        d.nato_role.lower() == role.lower(),
        f"the doctrine of {year} gives NATO a {d.nato_role!r} role, not {role!r}",
        what="doctrine", subject=d.id, expected=role,
    )


@library_step(
    "then",
    'the military doctrine of {year:Year} belongs to the stage "{stage:Text}"',
    doc="The stage of relations a doctrine was written in.",
    example='Then the military doctrine of 2000 belongs to the stage "stage2"',
)
def doctrine_stage(kzpolicy_world: World, year: int, stage: str) -> None:
    w = kzpolicy_world
    d = _doctrine(w, year)
    want = _stage(w, stage)
    w.verify(
        d.stage == want.id,
        f"the doctrine of {year} belongs to {d.stage!r}, not {want.id!r}",
        what="doctrine", subject=d.id, expected=want.id,
    )


def _programme(w: World, name: str) -> Programme:
    for p in w.kb.programmes.values():
        if name.lower() in {p.id.lower(), p.abbreviation.lower(), p.name.lower()}:
            return p
    raise UnknownIdError("programme", name, [p.abbreviation for p in w.kb.programmes.values()])


@library_step(
    "then",
    'the programme "{programme:Text}" dates from {year:Year}',
    doc="The year the article gives for a programme (abbreviation, ID or name).",
    example='Then the programme "PARP" dates from 2002',
)
def programme_year(kzpolicy_world: World, programme: str, year: int) -> None:
    w = kzpolicy_world
    p = _programme(w, programme)
    w.verify(
        p.year == year,
        f"the article dates {p.abbreviation} to {p.year}, not {year}",
        what="programme", subject=p.id, expected=str(year),
    )


@library_step(
    "then",
    'the article gives no year for the programme "{programme:Text}"',
    doc="The article names the programme without a year.",
    example='Then the article gives no year for the programme "PAP-T"',
)
def programme_no_year(kzpolicy_world: World, programme: str) -> None:
    w = kzpolicy_world
    p = _programme(w, programme)
    w.verify(
        p.year is None,
        f"the article dates {p.abbreviation} to {p.year}",
        what="programme", subject=p.id, expected="none",
    )


def _milestone(w: World, ident: str) -> Milestone:
    return w.kb.milestone(ident)


@library_step(
    "then",
    'the milestone "{milestone:Id}" dates from {year:Year}',
    doc="The year the article gives for a milestone of relations (`kzpolicy list milestones`).",
    example='Then the milestone "info_centre_2004" dates from 2004',
)
def milestone_year(kzpolicy_world: World, milestone: str, year: int) -> None:
    w = kzpolicy_world
    m = _milestone(w, milestone)
    w.verify(
        m.year == year,
        f"the article dates {m.id} ({m.label}) to {m.year}, not {year}",
        what="milestone", subject=m.id, expected=str(year),
    )


@library_step(
    "then",
    'the article gives no year for the milestone "{milestone:Id}"',
    doc="The article records the milestone without a year.",
    example='Then the article gives no year for the milestone "rose_roth_seminar"',
)
def milestone_no_year(kzpolicy_world: World, milestone: str) -> None:
    w = kzpolicy_world
    m = _milestone(w, milestone)
    w.verify(
        m.year is None,
        f"the article dates {m.id} ({m.label}) to {m.year}",
        what="milestone", subject=m.id, expected="none",
    )


# --------------------------------------------------------------------------- Then: findings
def _check_finding(w: World, finding: str, want: bool) -> None:
    fd = w.kb.finding(finding)
    a = w.result()
    noted = {f.id: f for f in a.findings}
    if want:
        message = (f"the assessment does not note the finding {fd.id} ({fd.label}): none of "
                   f"{', '.join(fd.concerns)} is flagged, implied or asserted true; it notes "
                   f"{', '.join(noted) or 'no finding'}")
    else:
        message = (f"the assessment notes the finding {fd.id} ({fd.label}) for "
                   f"{', '.join(noted[fd.id].noted_for) if fd.id in noted else ''}")
    w.verify(
        (fd.id in noted) == want, message,
        what="finding", subject=fd.id, expected="noted" if want else "not noted", assessment=a,
    )


@library_step(
    "then",
    'the assessment notes the finding "{finding:Id}"',
    doc="An assessment the authors make (`kzpolicy list findings`) bears on the result: "
    "something it concerns is flagged, implied or asserted true.",
    example='Then the assessment notes the finding "dialogue_platform"',
)
def finding_noted(kzpolicy_world: World, finding: str) -> None:
    _check_finding(kzpolicy_world, finding, True)


@library_step(
    "then",
    'the assessment does not note the finding "{finding:Id}"',
    doc="Nothing the finding concerns is flagged, implied or asserted true.",
    example='Then the assessment does not note the finding "no_sharp_turn_west"',
)
def finding_not_noted(kzpolicy_world: World, finding: str) -> None:
    _check_finding(kzpolicy_world, finding, False)


@library_step(
    "then",
    'the finding "{finding:Id}" concerns "{ident:Id}"',
    doc="What a finding bears on: an item, a scenario, a factor or a condition.",
    example='Then the finding "no_sharp_turn_west" concerns "integration"',
)
def finding_concerns(kzpolicy_world: World, finding: str, ident: str) -> None:
    w = kzpolicy_world
    fd = w.kb.finding(finding)
    if w.kb.kind_or_none(ident) is None:
        raise UnknownIdError("ID", ident, w.kb.ids())
    w.verify(
        ident in fd.concerns,
        f"the finding {fd.id} concerns {', '.join(fd.concerns)}, not {ident}",
        what="finding", subject=fd.id, expected=f"concerns {ident}",
    )


# --------------------------------------------------------------------------- Then: table
def _looked_up_cell(w: World) -> CellStatus:
    w.settle()
    if w.cell is None:
        fail("look a cell up first: 'When I look up \"Kazakhstan\" in the row \"IPAP\" ...'")
    return w.cell


@library_step(
    "then",
    'the cell reads "{value:CellValue}"',
    doc="The cell looked up is yes, no or unknown (the article does not say).",
    example='Then the cell reads "yes"',
)
def cell_reads(kzpolicy_world: World, value: str) -> None:
    w = kzpolicy_world
    c = _looked_up_cell(w)
    w.verify(
        c.value == value,
        f"the cell {c.state} / {c.row} reads {c.value!r}, not {value!r}",
        what="cell", subject=f"{c.state}/{c.row}", expected=value,
    )


@library_step(
    "then",
    'the evidence for the cell cites the section "{section:Text}"',
    doc="Where the article makes a known cell known.",
    example='Then the evidence for the cell cites the section "vectors"',
)
def cell_evidence(kzpolicy_world: World, section: str) -> None:
    w = kzpolicy_world
    c = _looked_up_cell(w)
    sid = w.section(section)
    got = c.evidence.section if c.evidence else None
    w.verify(
        got == sid,
        f"the cell {c.state} / {c.row} has evidence in {got or 'no section (unknown)'}, "
        f"not {sid}",
        what="citation", subject=f"{c.state}/{c.row}", expected=sid,
    )


# --------------------------------------------------------------------------- Then: refusals
@library_step(
    "then",
    "the request is refused as {refusal:Refusal}",
    doc="The last request (assessment, what-if or look-up) was refused, and how.",
    example="Then the request is refused as an unknown condition",
)
def refused_as(kzpolicy_world: World, refusal: type[KzPolicyError]) -> None:
    w = kzpolicy_world
    err = w.refusal()
    w.verify(
        isinstance(err, refusal),
        f"the request was refused with {type(err).__name__}: {err}",
        what="refusal", subject=refusal.__name__, expected="raised",
    )


@library_step(
    "then",
    'the refusal says "{text:Text}"',
    doc="The refusal's message contains the text (any case).",
    example="Then the refusal says \"unknown condition 'D9'\"",
)
def refusal_says(kzpolicy_world: World, text: str) -> None:
    w = kzpolicy_world
    err = w.refusal()
    w.verify(
        text.lower() in str(err).lower(),
        f"the refusal says {str(err)!r}",
        what="refusal", subject="message", expected=text,
    )


@library_step(
    "then",
    'the refusal suggests "{suggestion:Text}"',
    doc="The refusal names this ID among the closest valid ones.",
    example='Then the refusal suggests "D8"',
)
def refusal_suggests(kzpolicy_world: World, suggestion: str) -> None:
    w = kzpolicy_world
    err = w.refusal()
    offered = list(getattr(err, "suggestions", []))
    w.verify(
        suggestion in offered,
        f"the refusal suggests {offered or 'nothing'}: {err}",
        what="refusal", subject="suggestion", expected=suggestion,
    )


# the steps about what the caller has not said (why not, what would change it, what is
# settled) live in their own module; importing it here lists them in STEP_LIBRARY after
# these
from kzpolicy.bdd import reasoning_steps as reasoning_steps  # noqa: E402


# --------------------------------------------------------------------------- the journal
@library_step(
    "given",
    'the situation file "{path:Text}"',
    doc="Add a situation file (dated beliefs with their evidence) to the scenario's "
    "journal; a path from the working directory.",
    example='Given the situation file "examples/journal/2014-03-18.yaml"',
)
def situation_file(kzpolicy_world: World, path: str) -> None:
    kzpolicy_world.add_to_journal(path)


@library_step(
    "given",
    'the journal "{path:Text}"',
    doc="Add a journal: a folder of situation files, or one file with dated entries.",
    example='Given the journal "examples/journal"',
)
def journal(kzpolicy_world: World, path: str) -> None:
    kzpolicy_world.add_to_journal(path)


@library_step(
    "then",
    'on "{date:Text}" the implied scenario is "{scenario:Id}"',
    doc="The timeline of the situations given: the scenario the certain beliefs of that "
    "date imply.",
    example='Then on "2014-03-18" the implied scenario is "distancing"',
)
def scenario_on(kzpolicy_world: World, date: str, scenario: str) -> None:
    w = kzpolicy_world
    w.kb.scenario(scenario)  # an unknown scenario name is a mistake in the feature
    got = w.on(date).scenario
    w.verify(got == scenario, f"on {date} the implied scenario is {got!r}, not {scenario!r}",
             what="timeline", subject=scenario, expected=date)


@library_step(
    "then",
    'on "{date:Text}" the most likely scenario is "{scenario:Id}"',
    doc="The timeline: the most likely scenario of that date (with uncertain beliefs, by "
    "the exact probabilities; else the implied one).",
    example='Then on "2014-06-30" the most likely scenario is "balance"',
)
def most_likely_on(kzpolicy_world: World, date: str, scenario: str) -> None:
    w = kzpolicy_world
    w.kb.scenario(scenario)
    entry = w.on(date)
    w.verify(entry.most_likely == scenario,
             f"on {date} the most likely scenario is {entry.most_likely!r} "
             f"({entry.probabilities or 'no uncertain belief'}), not {scenario!r}",
             what="timeline", subject=scenario, expected=date)


@library_step(
    "then",
    'on "{date:Text}" the risk "{item:Id}" is {change:RiskChange}',
    doc="The timeline: a risk flagged that date and not the date before (added), or the "
    "other way round (cleared).",
    example='Then on "2014-03-18" the risk "T6" is added',
)
def risk_on(kzpolicy_world: World, date: str, item: str, change: str) -> None:
    w = kzpolicy_world
    w.item(item, "risk")
    entry = w.on(date)
    moved = entry.added if change == "added" else entry.cleared
    w.verify(item in moved, f"on {date} the risk {item} is not {change} (added: "
             f"{', '.join(entry.added) or 'none'}; cleared: {', '.join(entry.cleared) or 'none'})",
             what="timeline", subject=item, expected=change)


@library_step(
    "then",
    'on "{date:Text}" the change of "{subject:Id}" is caused by "{conditions:Ids}"',
    doc="The timeline: putting just these changed beliefs back as they were the date "
    "before undoes that difference (the scenario now, or a risk added or cleared), and "
    "no smaller set does.",
    example='Then on "2014-03-18" the change of "T6" is caused by "russia_west_worsen"',
)
def caused_on(kzpolicy_world: World, date: str, subject: str, conditions: tuple[str, ...]
              ) -> None:
    w = kzpolicy_world
    entry = w.on(date)
    found = [d for d in entry.differences if d.subject == subject]
    if not found:
        fail(f"nothing about {subject!r} changed on {date} (the changes: "
             f"{', '.join(d.subject for d in entry.differences) or 'none'})")
    causes = {frozenset(c) for d in found for c in d.caused_by}
    w.verify(frozenset(conditions) in causes,
             f"on {date} the change of {subject} is caused by "
             f"{'; '.join(' + '.join(sorted(c)) for c in causes) or 'no small set'}, not "
             f"{' + '.join(conditions)}",
             what="timeline", subject=subject, expected=" + ".join(conditions))
