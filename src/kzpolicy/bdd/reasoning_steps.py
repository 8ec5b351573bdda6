"""The steps about what the caller has not said: why an item is not flagged, what would
change it, and what is settled.

Part of kzpolicy's step library (registered with ``library_step`` like those of
:mod:`kzpolicy.bdd.steps`, which imports this module so that ``STEP_LIBRARY`` lists
them; the pytest plugin loads it beside that one). They read the last assessment:

    Then "T8" is not flagged because "china_suspicion_grows" is unknown
    Then "C2" could be brought by the rule "competition_c2"
    When I ask what would clear "T7"
    Then the fewest changes that do it are 1
    And one way is to deny "region_relations_cool"
    Then "T7" is open on "region_relations_cool"
    Then the scenario is settled
    Then the first thing to find out is "tough_rivalry"

No ``__all__`` here on purpose: pytest-bdd injects its step fixtures into this module's
namespace, and pytest must see them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from kzpolicy.bdd.registry import StepFunc, library_step
from kzpolicy.bdd.world import World, fail
from kzpolicy.errors import UnknownConditionError, UnknownIdError

if TYPE_CHECKING:
    from kzpolicy.analysis.counterfactuals import Counterfactuals
    from kzpolicy.analysis.stability import Verdict
    from kzpolicy.analysis.whynot import Route, RouteLiteral, WhyNot


def _walk(routes: Sequence[Route]) -> Iterator[tuple[Route, RouteLiteral]]:
    """Every route at any depth, with each of its literals."""
    for r in routes:
        for lit in r.literals:
            yield r, lit
            yield from _walk(lit.via)


def _step(keyword: str, pattern: str, *, example: str, doc: str
          ) -> Callable[[StepFunc], StepFunc]:
    """:func:`library_step`, its arguments in the order these steps read best."""
    return library_step(keyword, pattern, doc=doc, example=example)


def _check(w: World, what: str, subject: str, expected: str, ok: bool, message: str) -> None:
    """Record the check on the last assessment; fail with ``message`` when it does not
    hold."""
    w.verify(ok, message, what=what, subject=subject, expected=expected,
             assessment=w.assessment)


def _why(w: World, item: str) -> WhyNot:
    return w.result("a why-not").why_not(item)


# --------------------------------------------------------------------------- why not
@_step("then", '"{item:Id}" is not flagged because "{condition:Id}" is {state:Held}',
       example='Then "T8" is not flagged because "china_suspicion_grows" is unknown',
       doc="The item is not flagged (not reached, or contested), and a route that could "
       "bring it (directly or through a chain) needs the condition, which is unknown, or "
       "denied (asserted the other way).")
def not_flagged_because(kzpolicy_world: World, item: str, condition: str, state: str) -> None:
    w = kzpolicy_world
    why = _why(w, item)
    if condition not in w.kb.condition_ids:
        raise UnknownConditionError(condition, w.kb.condition_ids)
    found = sorted({lit.state for _, lit in _walk(why.routes) if lit.id == condition})
    message = (f"{item} is flagged: {why.summary}" if why.status == "flagged" else
               f"no route to {item} needs {condition} {state}: it is "
               f"{', '.join(found) or 'needed by no route'} ({why.summary})")
    _check(w, "why-not", item, f"{condition} {state}",
           why.status != "flagged" and state in found, message)


@_step("then", '"{item:Id}" could be brought by the rule "{rule:Id}"',
       example='Then "C2" could be brought by the rule "competition_c2"',
       doc="The rule is among those that could bring the item, directly or through a chain "
       "(its why-not names it): some input makes it fire and feed the item.")
def could_be_brought_by(kzpolicy_world: World, item: str, rule: str) -> None:
    named = {r.rule for r, _ in _walk(_why(kzpolicy_world, item).routes)}
    _check(kzpolicy_world, "why-not", item, rule, rule in named,
           f"the routes to {item} are {', '.join(sorted(named)) or 'none'}")


# --------------------------------------------------------------------------- what would
@_step("when", 'I ask what would {action:Action} "{target:Id}"',
       example='When I ask what would clear "T7"',
       doc="The minimal sets of changes (assert, deny or clear a condition) from the last "
       "assessment that would flag or clear an item, or imply or leave a scenario.")
def ask_what_would(kzpolicy_world: World, action: str, target: str) -> None:
    w = kzpolicy_world
    asserted = w.result("a counterfactual").asserted

    def request() -> Counterfactuals:
        from kzpolicy.analysis.counterfactuals import counterfactuals

        return counterfactuals(asserted, f"{action} {target}", kb=w.kb)

    w.counterfactual = w.attempt(request)


def _counterfactual(w: World) -> Counterfactuals:
    w.settle()
    if w.counterfactual is None:
        fail("this step needs a counterfactual: add a step 'When I ask what would ...' first")
    return w.counterfactual


@_step("then", "the fewest changes that do it are {count:Count}",
       example="Then the fewest changes that do it are 1",
       doc="The smallest minimal set of changes has this many changes (0: it holds "
       "already).")
def fewest_changes(kzpolicy_world: World, count: int) -> None:
    c = _counterfactual(kzpolicy_world)
    _check(kzpolicy_world, "counterfactual", c.target.id, str(count), c.distance == count,
           f"the fewest changes that {c.target.action} {c.target.id} are {c.distance}")


@_step("then", 'one way is to {verb:Verb} "{conditions:Ids}"',
       example='Then one way is to deny "region_relations_cool"',
       doc="One of the minimal sets of changes is exactly this: every condition named "
       "asserted (true), denied (false) or cleared (unknown).")
def one_way_is(kzpolicy_world: World, verb: bool | None, conditions: tuple[str, ...]) -> None:
    from kzpolicy.report.reasoning_text import change_set_words

    c = _counterfactual(kzpolicy_world)
    want = {(x, verb) for x in conditions}
    ways = [{(x.id, x.after) for x in s.changes} for s in c.sets if not s.picks]
    listed = "; ".join(change_set_words(s) for s in c.sets) or "none"
    _check(kzpolicy_world, "counterfactual", c.target.id, str(sorted(want)), want in ways,
           f"no minimal set is exactly that; the sets: {listed}")


# --------------------------------------------------------------------------- stability
def _verdict(w: World, subject: str) -> Verdict:
    s = w.result("a stability check").stability()
    for v in (s.scenario, *s.items):
        if v.id == subject:
            return v
    raise UnknownIdError("item", subject, [v.id for v in s.items])


@_step("then", "the scenario is settled", example="Then the scenario is settled",
       doc="Every completion of the unknown conditions implies the same scenario.")
def scenario_settled(kzpolicy_world: World) -> None:
    v = _verdict(kzpolicy_world, "scenario")
    _check(kzpolicy_world, "stability", "scenario", "settled", v.settled,
           f"the scenario is open: it can be {', '.join(v.possible)}")


@_step("then", '"{item:Id}" is settled', example='Then "T1" is settled',
       doc="Every completion of the unknown conditions gives the item the same status.")
def item_settled(kzpolicy_world: World, item: str) -> None:
    v = _verdict(kzpolicy_world, item)
    _check(kzpolicy_world, "stability", item, "settled", v.settled,
           f"{item} is open: it can be {', '.join(v.possible)}, open on "
           + ", ".join(r.id for r in v.open_on))


@_step("then", '"{item:Id}" is open on "{condition:Id}"',
       example='Then "T7" is open on "region_relations_cool"',
       doc="Switching that unknown condition alone, in some completion of the others, "
       "changes the item's status (write scenario for the implied scenario).")
def open_on(kzpolicy_world: World, item: str, condition: str) -> None:
    on = [r.id for r in _verdict(kzpolicy_world, item).open_on]
    _check(kzpolicy_world, "stability", item, condition, condition in on,
           f"{item} is open on {', '.join(on) or 'nothing'}")


@_step("then", 'the first thing to find out is "{condition:Id}"',
       example='Then the first thing to find out is "tough_rivalry"',
       doc="Of the unknown conditions, this one could move the most conclusions.")
def first_to_find_out(kzpolicy_world: World, condition: str) -> None:
    leads = kzpolicy_world.result("a stability check").stability().next
    first = leads[0].id if leads else "nothing"
    _check(kzpolicy_world, "stability", "next", condition, first == condition,
           f"the first thing to find out is {first}")
