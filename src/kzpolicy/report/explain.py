"""The explanation of an assessment: its chain of reasons as text (``Assessment.explain()``).

Every ID comes with its label; each reason says in words which asserted conditions it
rests on ("D2 holds (...)", "X does not hold (...)") before the rule that links them,
whose ID, stance and locator stay for whoever checks the article; items that share one
chain of reasons (a scenario's outcomes) are listed together with the chain said once;
a tie for runner-up is named as a tie. Lines are wrapped at :data:`WIDTH` columns.

The labels come from the knowledge base the assessment was made with, as
:class:`Labels`: a report resolves that knowledge base once
(:mod:`kzpolicy.report.source_kb`) and hands the labels down. The helpers the other
text reports share (:func:`step_conditions`, :func:`runner_up_text`) live here too.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from itertools import chain
from operator import is_
from typing import TYPE_CHECKING, ParamSpec

from kzpolicy.kb.kinds import NODE_NOUNS
from kzpolicy.kb.schema import ARTICLE
from kzpolicy.report.source_kb import made_with
from kzpolicy.report.words import (
    basis_words,
    counts_words,
    reading_words,
    rule_words,
    stance_words,
    standing,
    undecided,
)
from kzpolicy.report.wrap import wrap

if TYPE_CHECKING:
    from kzpolicy.engine import results
    from kzpolicy.engine.results import Assessment, Contested, FindingRef, Flagged, Step
    from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["NO_LABELS", "WIDTH", "Labels", "explain", "runner_up_text", "step_conditions"]

_P = ParamSpec("_P")

#: the width explanation lines are wrapped at
WIDTH = 100


class Labels:
    """The words a report puts beside IDs, from one knowledge base (or none).

    ``labels(ID)`` is the label of a condition, item or scenario; it is empty for an
    ID the knowledge base lacks, and for every ID without a knowledge base (the one a
    result was made with is no longer loaded). ``labels.side(ID)`` names a side that
    can gain the objective advantage (rules/ ``sides``), or gives the ID back.
    ``labels.lines`` keeps the explanation's lines of the frozen parts results share.
    """

    __slots__ = ("_kb", "_named", "_names", "lines")

    def __init__(self, kb: KnowledgeBase | None = None) -> None:
        self._kb = kb
        self._names: Mapping[str, str] = {} if kb is None else kb.derived(_names)
        self._named: Mapping[str, str] = {} if kb is None else kb.derived(_named)
        self.lines: _Lines = _NO_KB_LINES if kb is None else kb.derived(_Lines)

    @classmethod
    def of(cls, a: Assessment) -> Labels:
        """The labels of the knowledge base ``a`` was made with, when it is still loaded."""
        return cls(made_with(a))

    def __call__(self, ident: str) -> str:
        return self._names.get(ident, "")

    def side(self, ident: str) -> str:
        """The label of side ``ident`` (``ident`` itself when the knowledge base lacks it)."""
        found = self._kb.sides.get(ident) if self._kb is not None else None
        return found.label if found is not None else ident

    def named(self, ident: str) -> str:
        """``ID (label)``, or the bare ID when there is no label."""
        return self._named.get(ident) or ident


def _names(kb: KnowledgeBase) -> Mapping[str, str]:
    """Every factor, condition, scenario and item of ``kb`` with its label."""
    return {ident: kb.label_of(ident)
            for ident in (*kb.factors, *kb.conditions, *kb.scenarios, *kb.items)}


def _named(kb: KnowledgeBase) -> Mapping[str, str]:
    """``ID (label)`` of every ID of :func:`_names` with a label."""
    return {ident: f"{ident} ({text})" for ident, text in kb.derived(_names).items() if text}


class _Lines:
    """The explanation's lines of the frozen parts results share (steps, items, groups
    of items, trace entries, the scenario result), by the parts' identities and a
    variant, and of the findings, by what their lines say (:meth:`of`). An entry holds
    its parts, so no id of theirs can be reused while it is there. One table per
    knowledge base (its labels are in the lines), emptied when full; a lost race between
    threads only makes the same lines twice."""

    #: entries a table keeps (one part or a group each): 1,500 explanations of the stock
    #: rules leave about 7,800, and each first-seen one adds about 2.6 (measured)
    LIMIT = 16384

    def __init__(self, kb: KnowledgeBase | None = None) -> None:
        self.table: dict[tuple[Hashable, ...], tuple[tuple[object, ...], list[str]]] = {}
        self.said: dict[Hashable, list[str]] = {}

    def get(self, part: object, variant: Hashable, make: Callable[_P, list[str]],
            *args: _P.args, **kwargs: _P.kwargs) -> list[str]:
        """The lines of ``part`` in ``variant``: ``make(*args, **kwargs)`` the first
        time, the same lines after (never mutate them). :meth:`get_all` for one part,
        looked up without a loop (the hot path)."""
        key = (variant, id(part))
        found = self.table.get(key)
        if found is not None and found[0][0] is part:
            return found[1]
        return self._keep(key, (part,), make(*args, **kwargs))

    def get_all(self, parts: tuple[object, ...], variant: Hashable,
                make: Callable[_P, list[str]], *args: _P.args, **kwargs: _P.kwargs
                ) -> list[str]:
        """The lines of the ``parts`` said together in ``variant``, as :meth:`get`."""
        key = (variant, *map(id, parts))
        found = self.table.get(key)
        if found is not None and all(map(is_, found[0], parts)):
            return found[1]
        return self._keep(key, parts, make(*args, **kwargs))

    def _keep(self, key: tuple[Hashable, ...], parts: tuple[object, ...],
              lines: list[str]) -> list[str]:
        """Keep ``lines`` under ``key`` with the ``parts`` they say (so none of their ids
        is reused while the entry is kept); the table emptied when full."""
        if len(self.table) >= self.LIMIT:
            self.table.clear()
        self.table[key] = (parts, lines)
        return lines

    def of(self, key: Hashable, make: Callable[_P, list[str]], *args: _P.args,
           **kwargs: _P.kwargs) -> list[str]:
        """The lines of a part not shared between results but said the same whenever
        ``key`` (what its lines depend on) is the same."""
        found = self.said.get(key)
        if found is None:
            found = make(*args, **kwargs)
            if len(self.said) >= self.LIMIT:
                self.said.clear()
            self.said[key] = found
        return found


_NO_KB_LINES = _Lines()

#: labels without a knowledge base: every ID stands bare
NO_LABELS = Labels()

def step_conditions(step: Step, labels: Labels = NO_LABELS) -> str:
    """The asserted conditions a step rests on, in words."""
    parts = []
    for root in step.conditions:
        if root.endswith("=false"):
            parts.append(f"{labels.named(root[: -len('=false')])} does not hold")
        else:
            parts.append(f"{labels.named(root)} holds")
    return "; ".join(parts) or "nothing asserted"


def runner_up_text(a: Assessment) -> str:
    """The runner-up, or the tie for it, in words (by the rule's evidence: shares, or
    counts of factors)."""
    sc = a.scenario
    if sc.runner_up is None:
        return "no runner-up: no scenario implied"
    values: dict[str, float] = dict(sc.counts) if sc.form == "count" else sc.shares
    best = values[sc.runner_up]
    shown = f"{best:.0f} factors" if sc.form == "count" else f"{best:.2f}"
    tied = [s for s, v in values.items() if s != sc.id and v == best]
    if len(tied) > 1:
        return f"{' and '.join(tied)} tie for runner-up at {shown}"
    return f"runner-up {sc.runner_up} at {shown}"


def _wrap(text: str, indent: str, more: str | None = None) -> list[str]:
    return wrap(text, WIDTH, indent, more if more is not None else indent + "  ") or [indent]


def _because(steps: tuple[Step, ...], labels: Labels, item_locator: object) -> list[str]:
    lines: list[str] = []
    for step in steps:
        same = step.locator == item_locator
        lines += labels.lines.get(step, same, _step, step, same, labels)
    return lines


def _step(step: Step, same: bool, labels: Labels) -> list[str]:
    return [*_wrap(f"because {step_conditions(step, labels)}", "    "),
            *_wrap(f"rule {step.rule} ({step.stance}): {step.label}"
                   f"{'' if same else f'; see {step.locator}'}", "      ")]


def _items(title: str, flagged: tuple[Flagged, ...], labels: Labels) -> list[str]:
    """A group of items under ``title`` (kept whole: a scenario's outcomes recur)."""
    return labels.lines.get_all(flagged, title, _items_lines, title, flagged, labels)


def _items_lines(title: str, flagged: tuple[Flagged, ...], labels: Labels) -> list[str]:
    lines = ["", f"{title} ({len(flagged)}):"]
    groups: list[list[Flagged]] = []
    for f in flagged:  # items with one same chain of reasons are said together
        if groups and _same_chain(groups[-1][0].because, f.because) \
                and groups[-1][0].kind == f.kind:
            groups[-1].append(f)
        else:
            groups.append([f])
    for group in groups:
        if len(group) == 1:
            lines += labels.lines.get(group[0], "item", _item, group[0], labels)
        else:
            lines += labels.lines.get_all(tuple(group), "group", _group, group, labels)
    return lines


def _same_chain(a: tuple[Step, ...], b: tuple[Step, ...]) -> bool:
    """``a == b``, the last steps' rule IDs compared first, then each step's (cheaper
    than the models: two chains that differ mostly differ in the step that ends them)."""
    if a is b:
        return True
    if len(a) != len(b) or (a and a[-1] is not b[-1] and a[-1].rule != b[-1].rule):
        return False
    return all(x is y or (x.rule == y.rule and x == y) for x, y in zip(a, b, strict=True))


def _item(f: Flagged, labels: Labels) -> list[str]:
    return [*_wrap(f"- {f.id} [{NODE_NOUNS.get(f.kind, f.kind)}, {standing(f)}] {f.label} "
                   f"({f.locator})", "", "    "),
            *_because(f.because, labels, f.locator)]


def _group(group: list[Flagged], labels: Labels) -> list[str]:
    """Items reached by one same chain of reasons, the chain said once."""
    first = group[0]
    kind = NODE_NOUNS.get(first.kind, first.kind)
    lines = _wrap(f"- {', '.join(f.id for f in group)} [{kind}s, {standing(first)}], "
                  "for one same reason:", "", "    ")
    for f in group:
        lines += labels.lines.get(f, "in a group", _wrap, f"{f.id} {f.label} ({f.locator})",
                                  "    ", "      ")
    return lines + _because(first.because, labels, None)


def _contested(a: Assessment, labels: Labels) -> list[str]:
    if not a.contested:
        return []
    lines = ["", *_wrap(f"Contested ({len(a.contested)}): the rules imply these, but a "
                        "condition asserted false denies what they amount to; neither flagged "
                        "nor dropped:", "", "  ")]
    for c in a.contested:
        lines += labels.lines.get(c, "contested", _contested_item, c, labels)
    return lines


def _contested_item(c: Contested, labels: Labels) -> list[str]:
    kind = NODE_NOUNS.get(c.kind, c.kind)
    lines = _wrap(f"- {c.id} [{kind}, {standing(c)}] {c.label} ({c.locator})", "", "    ")
    for d in c.denied:
        lines += _wrap(f"denied: {d.id} does not hold: {d.label} ({d.locator})", "    ",
                       "      ")
    return lines + _because(c.because, labels, c.locator)


def _scenario(a: Assessment, labels: Labels) -> list[str]:
    return labels.lines.get(a.scenario, (a.reading, a.kb_version), _scenario_lines,
                            a.scenario, a, labels)


def _scenario_lines(sc: results.ScenarioResult, a: Assessment, labels: Labels) -> list[str]:
    """The scenario's lines: what they say comes from ``sc`` and from ``a``'s reading
    and version only (the variant they are kept under)."""
    shares = ", ".join(f"{k} {v:.2f}" for k, v in sc.shares.items())
    head = (f"No scenario implied: {sc.label}" if undecided(sc)
            else f"Implied scenario: {sc.id} ({sc.label})")
    lines = [
        head,
        *_wrap(f"standing: {stance_words(sc)}; {basis_words(sc.basis, sc.id)}", "  ", "    "),
        f"  shares {shares}; {rule_words(sc)}",
    ]
    if sc.form != "share":
        lines.append(f"  factors asserted true: {counts_words(sc)}")
    if sc.margin is not None:
        lines.append(f"  {runner_up_text(a)}; margin {sc.margin:+.2f}")
    lines += _wrap(f"decided by {sc.decided_by}: {sc.reason}", "  ", "    ")
    if sc.advantage is not None:
        lines += _wrap(f"advantage: {labels.side(sc.advantage.side)} ({sc.advantage.locator})",
                       "  ", "    ")
    if sc.judgement is not None:
        lines += _wrap(f"the article's judgement: {sc.judgement.statement} "
                       f"({sc.judgement.locator})", "  ", "    ")
    if a.reading != ARTICLE:
        lines += _wrap(f"reading: {reading_words(a.reading, a.kb_version)}", "  ", "    ")
    return lines


def _asserted(a: Assessment, labels: Labels) -> list[str]:
    lines = ["", f"Asserted ({len(a.asserted)}):" if a.asserted else "Asserted: nothing"]
    for ident, value in a.asserted.items():
        lines += labels.lines.of(("asserted", ident, value), _condition, ident, value, labels)
    for w in a.warnings:
        lines += _wrap(f"Warning: {w}", "", "  ")
    return lines


def _condition(ident: str, value: bool, labels: Labels) -> list[str]:
    said = "holds" if value else "does not hold"
    label = labels(ident)
    return _wrap(f"{ident} {said}" + (f": {label}" if label else ""), "  ", "    ")


def _finding(fd: FindingRef) -> list[str]:
    return _wrap(f"- {fd.id} [{fd.stance}, noted for {', '.join(fd.noted_for)}] "
                 f"{fd.label} ({fd.locator}): {fd.statement}", "", "    ")


def _fired(t: results.TraceStep) -> list[str]:
    return _wrap(f"{t.order}. {t.rule}: {t.label} -> {', '.join(t.flagged)}", "  ", "     ")


def explain(a: Assessment, labels: Labels | None = None) -> str:
    """The chain of reasons of an assessment as text, rule IDs included.

    ``labels`` come from the knowledge base ``a`` was made with; by default they are
    looked up among the knowledge bases loaded in this process (none when it is gone).
    """
    labels = Labels.of(a) if labels is None else labels
    kept = labels.lines
    # the blocks of lines, joined once at the end (most are kept lists, never copied)
    blocks = [_scenario(a, labels), _asserted(a, labels),
              _items(f"Outcomes of the implied scenario, {a.scenario.id}", a.outcomes,
                     labels),
              _items("Risks flagged", a.risks, labels),
              _items("Strengths and opportunities engaged", a.engaged, labels),
              _contested(a, labels)]
    if a.findings:
        blocks.append(["", f"The authors' findings on this ({len(a.findings)}):"])
        blocks += [kept.of((fd.id, fd.noted_for), _finding, fd) for fd in a.findings]
    blocks.append(["", "Firing order:"])
    blocks += [kept.get(t, "fired", _fired, t) for t in a.trace]
    named = labels.named
    unknown = "; ".join([named(c) for c in a.unknown]) or "none"
    blocks += [["", *_wrap(f"Unknown (not asserted, {len(a.unknown)}): {unknown}", "", "  "),
                f"Knowledge base {a.kb_version}"]]
    return "\n".join(chain.from_iterable(blocks))
