"""The JSON text of an assessment, written from its chain of reasons without its models.

``Assessment.model_dump_json()`` on a result not yet read writes the same text pydantic
writes for the built models (compact, or indented), without building them: every fixed
part (a rule's step, an item's head, a scenario's verdict, a finding, a condition) is
rendered once per knowledge base and layout, by pydantic itself, as a template whose
holes take the parts that vary (an item's standing and chain, a step's root conditions,
the shares and the margin). The texts of the parts that vary are laid out here as
pydantic lays them out; the test suite compares the two writers byte for byte on stock,
reading and generated knowledge bases.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_json

from kzpolicy.engine import results
from kzpolicy.engine.chain import Chain, Prepared
from kzpolicy.engine.decision import ScenarioDecision, outcome_label
from kzpolicy.engine.findings import Bearing, FindingIndex
from kzpolicy.kb.kinds import GROUP_OF
from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["ResultJson"]

_TEXT_LIMIT = 4096


def _marks(count: int, avoid: str) -> list[str]:
    """``count`` strings to mark holes with, none of them in ``avoid`` (a random part
    makes a knowledge base's text that holds one next to impossible; checked)."""
    while True:
        nonce = secrets.token_hex(8)
        marks = [f"kzpolicy-hole-{nonce}-{n}" for n in range(count)]
        if not any(m in avoid for m in marks):
            return marks


class _Layout:
    """pydantic's layout of JSON: compact, or ``indent`` spaces a level."""

    def __init__(self, indent: int | None) -> None:
        self.indent = indent
        unit = " " * (indent or 0)
        self.pads = tuple("\n" + unit * d for d in range(12))

    def obj(self, depth: int, pairs: Sequence[tuple[str, str]]) -> str:
        """An object at ``depth`` of ``(encoded key, value text)`` pairs."""
        return self.pairs(depth, [self.pair(depth, k, v) for k, v in pairs])

    def pair(self, depth: int, key: str, value: str) -> str:
        """One pair of an object at ``depth`` (``key`` encoded), as :meth:`pairs` joins it."""
        if self.indent is None:
            return key + ":" + value
        return self.pads[depth + 1] + key + ": " + value

    def pairs(self, depth: int, pairs: Sequence[str]) -> str:
        """An object at ``depth`` of pairs made by :meth:`pair`."""
        if not pairs:
            return "{}"
        if self.indent is None:
            return "{" + ",".join(pairs) + "}"
        return "{" + ",".join(pairs) + self.pads[depth] + "}"

    def arr(self, depth: int, items: Sequence[str]) -> str:
        """An array at ``depth`` of value texts."""
        if not items:
            return "[]"
        if self.indent is None:
            return "[" + ",".join(items) + "]"
        pad = self.pads[depth + 1]
        return "[" + pad + ("," + pad).join(items) + self.pads[depth] + "]"

    def template(self, depth: int, cls: type[BaseModel], values: Mapping[str, Any],
                 holes: Sequence[str]) -> _Template:
        """The text pydantic writes for ``cls(**values)`` at ``depth``, with ``holes``
        (field names) left to fill, in that order."""
        fields = list(cls.model_fields)

        def text_of(marked: Mapping[str, Any]) -> str:
            model = results.trusted(cls, **{name: marked[name] for name in fields})
            text = model.model_dump_json(indent=self.indent, warnings=False)
            return text if self.indent is None else text.replace("\n", self.pads[depth])

        # the marks must not be in the text around the holes (the fixed values' text)
        plain = text_of({**values, **dict.fromkeys(holes, "")})
        marks = _marks(len(holes), plain)
        text = text_of({**values, **dict(zip(holes, marks, strict=True))})
        pieces = []
        for mark in marks:
            head, hole, text = text.partition(f'"{mark}"')
            if not hole or mark in text:
                raise AssertionError(f"hole {mark!r} of {cls.__name__} not found once")
            pieces.append(head)
        pieces.append(text)
        return _Template(tuple(pieces))


class _Template:
    """A text with holes: ``pieces`` around them."""

    __slots__ = ("pieces",)

    def __init__(self, pieces: tuple[str, ...]) -> None:
        self.pieces = pieces

    def fill(self, *values: str) -> str:
        """The text with ``values`` in its holes, in order."""
        p = self.pieces
        if len(values) == 1:
            return p[0] + values[0] + p[1]
        out = [p[0]]
        for value, piece in zip(values, p[1:], strict=True):
            out.append(value)
            out.append(piece)
        return "".join(out)


class ResultJson:
    """The JSON writer of one knowledge base in one layout (one per indent).

    The templates of fixed parts are made once (their number is bounded by the knowledge
    base); the texts of the parts that vary (a step on its root conditions, an item on
    its chain and standing, a trace entry, the findings, the scenario result) recur
    across assessments and are kept in bounded tables (:meth:`forget` empties them). A
    table entry keeps alive the texts whose ids its key holds.
    """

    def __init__(self, kb: KnowledgeBase, indent: int | None) -> None:
        self.kb = kb
        self.layout = _Layout(indent)
        self.finder = kb.derived(FindingIndex)
        self.group_of = kb.derived(_groups)
        self.strings: dict[str, str] = {}
        self.numbers: dict[tuple[type, object], str] = {}
        # templates of fixed parts
        self.fixed_steps: dict[int, tuple[Prepared, _Template, str | None, _Template]] = {}
        self.item_templates: dict[tuple[str, bool], _Template] = {}
        self.scenario_templates: dict[str, _Template] = {}
        self.finding_templates: dict[int, _Template] = {}
        self.denied: dict[str, str] = {}
        self.decision_step = self.layout.template(
            4, results.Step, _rule_fields(kb.decision, ()), ("matched", "conditions"))
        self.decision_trace = self.layout.template(
            2, results.TraceStep, _trace_fields(kb.decision, ()), ("order", "flagged"))
        self.stances = {s: self.text(s) for s in ("stated", "interpretation")}
        self.bases = {s: self.text(s) for s in ("asserted", "default")}
        #: each condition of the knowledge base with its JSON string, in order
        self.conditions = tuple((c, self.text(c)) for c in kb.condition_ids)
        #: each field of an Assessment, as its pair opens (at depth 0)
        self.fields = {name: self.layout.pair(0, self.text(name), "")
                       for name in results.Assessment.model_fields}
        self.said: dict[tuple[str, bool], str] = {}
        # texts of the parts that vary
        self.steps: dict[tuple[int, frozenset[str]], tuple[Prepared, str]] = {}
        self.decisions: dict[tuple[str, ...], str] = {}
        self.item_texts: dict[tuple[object, ...], tuple[tuple[str, ...], str]] = {}
        self.traces: dict[tuple[int, int], tuple[Prepared, str]] = {}
        self.findings: dict[tuple[int, tuple[str, ...]], str] = {}
        self.scenarios: dict[tuple[object, ...], str] = {}

    def forget(self) -> None:
        """Empty the tables of the texts of parts that vary (the templates stay)."""
        for table in (self.steps, self.decisions, self.item_texts, self.said, self.traces,
                      self.findings, self.scenarios):
            table.clear()

    # ----------------------------------------------------------------- values
    def text(self, value: str) -> str:
        """``value`` as a JSON string."""
        found = self.strings.get(value)
        if found is None:
            if len(self.strings) >= _TEXT_LIMIT:
                self.strings.clear()
            found = self.strings[value] = to_json(value).decode()
        return found

    def number(self, value: float) -> str:
        """``value`` as JSON, as pydantic writes it."""
        key = (type(value), value)
        found = self.numbers.get(key)
        if found is None:
            if len(self.numbers) >= _TEXT_LIMIT:
                self.numbers.clear()
            found = self.numbers[key] = to_json(value).decode()
        return found

    def texts(self, depth: int, values: Sequence[str]) -> str:
        """A list of strings at ``depth``."""
        text = self.text
        return self.layout.arr(depth, [text(v) for v in values])

    # ------------------------------------------------------------ fixed parts
    def _fixed_step(self, prep: Prepared
                    ) -> tuple[Prepared, _Template, str | None, _Template]:
        """A production's step as a template (its root conditions to fill), its whole
        text when it rests on no derived fact, and its trace entry's template."""
        held = self.fixed_steps.get(id(prep))
        if held is None or held[0] is not prep:
            layout = self.layout
            template = layout.template(
                4, results.Step, _rule_fields(prep.rule, prep.rendered), ("conditions",))
            # a step that rests on no derived fact always rests on the same conditions
            fixed = None if prep.derived else template.fill(self.texts(5, sorted(prep.own)))
            held = self.fixed_steps[id(prep)] = (prep, template, fixed, layout.template(
                2, results.TraceStep, _trace_fields(prep.rule, prep.targets), ("order",)))
        return held

    def item(self, ident: str, contested: bool) -> _Template:
        """The template of an item reached, or contested (depth 2)."""
        found = self.item_templates.get((ident, contested))
        if found is None:
            info = self.kb.items[ident]
            values = {"id": ident, "kind": info.kind, "label": info.label,
                      "locator": info.locator}
            holes = ("stance", "interpretations", "basis", "because")
            found = self.item_templates[(ident, contested)] = self.layout.template(
                2, results.Contested if contested else results.Flagged, values,
                (*holes, "denied") if contested else holes)
        return found

    def denial(self, ident: str) -> str:
        """A condition the caller denied, as a contested item names it (depth 4)."""
        found = self.denied.get(ident)
        if found is None:
            kb = self.kb
            found = self.denied[ident] = self.layout.template(
                4, results.ConditionRef, {"id": ident, "label": kb.label_of(ident),
                                          "locator": kb.locator_of(ident), "value": False},
                ()).fill()
        return found

    def scenario_template(self, scenario: str, verdict: Mapping[str, object]) -> _Template:
        """The template of the scenario result of ``scenario`` (depth 1)."""
        found = self.scenario_templates.get(scenario)
        if found is None:
            dec = self.kb.decision
            values = {"id": scenario, "label": outcome_label(self.kb, scenario),
                      "form": dec.form, "threshold": dec.threshold, "strict": dec.strict,
                      "stance": dec.stance, **verdict}
            found = self.scenario_templates[scenario] = self.layout.template(
                1, results.ScenarioResult, values,
                ("shares", "counts", "margin", "runner_up", "decided_by", "reason",
                 "evidence", "basis"))
        return found

    def finding(self, n: int) -> _Template:
        """The template of finding ``n`` of the knowledge base (depth 2)."""
        found = self.finding_templates.get(n)
        if found is None:
            fd = self.finder.findings[n]
            found = self.finding_templates[n] = self.layout.template(
                2, results.FindingRef, {"id": fd.id, "label": fd.label,
                                        "statement": fd.statement, "locator": fd.locator,
                                        "stance": fd.stance, "reason": fd.reason},
                ("noted_for",))
        return found

    # ------------------------------------------------------------ varying parts
    def step(self, prep: Prepared, roots: frozenset[str]) -> str:
        """A step of a ``because`` chain (depth 4)."""
        if prep.rule is self.kb.decision:  # its matched facts are its root conditions
            text = self.decisions.get(prep.rendered)
            if text is None:
                _bound(self.decisions)
                text = self.decisions[prep.rendered] = self.decision_step.fill(
                    self.texts(5, prep.rendered), self.texts(5, sorted(roots)))
            return text
        held = self._fixed_step(prep)
        if held[2] is not None:
            return held[2]
        key = (id(prep), roots)
        found = self.steps.get(key)
        if found is None or found[0] is not prep:
            _bound(self.steps)
            found = self.steps[key] = (prep, held[1].fill(self.texts(5, sorted(roots))))
        return found[1]

    def trace(self, chain: Chain) -> str:
        """The trace (depth 1)."""
        traces, out = self.traces, []
        decision = self.kb.decision
        for order, prep in enumerate(chain.preps, 1):
            if prep.rule is decision:
                out.append(self.decision_trace.fill(str(order), self.texts(3, prep.targets)))
                continue
            found = traces.get((order, id(prep)))
            if found is None or found[0] is not prep:
                _bound(traces)
                found = traces[(order, id(prep))] = (
                    prep, self._fixed_step(prep)[3].fill(str(order)))
            out.append(found[1])
        return self.layout.arr(1, out)

    def items(self, chain: Chain,
              reached: Sequence[tuple[str, Sequence[str]]]) -> dict[str, str]:
        """``outcomes``, ``risks``, ``engaged`` and ``contested`` (depth 1): ``reached``
        is each item reached with the caller's denials that contest it (none: flagged)."""
        step = self.step
        steps = [step(p, r) for p, r in zip(chain.preps, chain.roots, strict=True)]
        groups: dict[str, list[str]] = {"outcomes": [], "risks": [], "engaged": [],
                                        "contested": []}
        group_of, memo = self.group_of, self.item_texts
        for ident, against in reached:
            indices, stated, asserted = chain.support(ident)
            because = tuple([steps[i] for i in indices])
            # a kept entry holds its steps' texts, so equal ids mean the same texts
            key = (ident, len(against), *against, stated, asserted, *map(id, because))
            found = memo.get(key)
            if found is None:
                _bound(memo)
                found = memo[key] = (because, self._item(
                    ident, against, because, (indices, stated, asserted), chain))
            groups["contested" if against else group_of[ident]].append(found[1])
        layout = self.layout
        return {name: layout.arr(1, texts) for name, texts in groups.items()}

    def _item(self, ident: str, against: Sequence[str], because: tuple[str, ...],
              support: tuple[tuple[int, ...], bool, bool], chain: Chain) -> str:
        """An item's text: ``because`` its steps' texts, ``support`` what
        :meth:`Chain.support` gives for it."""
        indices, stated, asserted = support
        preps = chain.preps
        interpretations = dict.fromkeys(
            [preps[i].rule.id for i in indices if not preps[i].stated])
        fields = [self.stances["stated" if stated else "interpretation"],
                  self.texts(3, list(interpretations)),
                  self.bases["asserted" if asserted else "default"],
                  self.layout.arr(3, because)]
        if against:
            fields.append(self.layout.arr(3, [self.denial(c) for c in against]))
        return self.item(ident, bool(against)).fill(*fields)

    def findings_text(self, bearing: Bearing) -> str:
        """The findings that bear on a result (depth 1)."""
        memo, out = self.findings, []
        for found in bearing:
            text = memo.get(found)
            if text is None:
                _bound(memo)
                text = memo[found] = self.finding(found[0]).fill(self.texts(3, found[1]))
            out.append(text)
        return self.layout.arr(1, out)

    def scenario(self, outcome: ScenarioDecision, basis: str,
                 verdict: Mapping[str, object]) -> str:
        """The scenario result (depth 1)."""
        key = (outcome.scenario, tuple(outcome.shares.items()),
               tuple(outcome.counts.items()), outcome.runner_up, outcome.margin,
               outcome.decided_by, outcome.evidence, outcome.reason, basis)
        found = self.scenarios.get(key)
        if found is None:
            layout, text, number = self.layout, self.text, self.number
            _bound(self.scenarios)
            found = self.scenarios[key] = self.scenario_template(
                outcome.scenario, verdict).fill(
                # float fields: pydantic writes an int there as a float (0 as 0.0)
                layout.obj(2, [(text(k), number(float(v)))
                               for k, v in outcome.shares.items()]),
                layout.obj(2, [(text(k), number(v)) for k, v in outcome.counts.items()]),
                "null" if outcome.margin is None else number(float(outcome.margin)),
                "null" if outcome.runner_up is None else text(outcome.runner_up),
                text(outcome.decided_by), text(outcome.reason),
                self.texts(2, outcome.evidence), self.bases[basis])
        return found

    # ----------------------------------------------------------------- whole
    def assessment(self, values: Mapping[str, Any], parts: Mapping[str, str]) -> str:
        """The whole text: ``values`` holds the fields already known (``kb_version``,
        ``reading``, ``asserted``, ``warnings``, ``schema_version``), ``parts`` the texts
        of the scenario, the item groups, the trace and the findings."""
        layout, text = self.layout, self.text
        asserted: Mapping[str, bool] = values["asserted"]
        said = self.said
        built = {
            **parts,
            # every condition of the knowledge base the caller did not assert, in order
            "unknown": layout.arr(1, [t for c, t in self.conditions if c not in asserted]),
            "kb_version": text(values["kb_version"]),
            "reading": text(values["reading"]),
            "asserted": layout.pairs(1, [said.get((c, v)) or self._said(c, v)
                                         for c, v in asserted.items()]),
            "warnings": self.texts(1, values["warnings"]),
            "schema_version": str(values["schema_version"]),
        }
        fields = self.fields
        return layout.pairs(0, [fields[name] + built[name] for name in fields])

    def _said(self, ident: str, value: bool) -> str:
        """``ident: value`` as a pair of ``asserted`` (kept per condition and value)."""
        _bound(self.said)
        text = self.said[(ident, value)] = self.layout.pair(
            1, self.text(ident), "true" if value else "false")
        return text


def _bound(table: dict[Any, Any]) -> None:
    """Empty ``table`` when full (every table of varying texts is bounded)."""
    if len(table) >= _TEXT_LIMIT:
        table.clear()


def _rule_fields(rule: Any, rendered: tuple[str, ...]) -> dict[str, Any]:
    return {"rule": rule.id, "label": rule.label, "locator": rule.locator,
            "stance": rule.stance, "matched": rendered, "conditions": ()}


def _trace_fields(rule: Any, targets: tuple[str, ...]) -> dict[str, Any]:
    return {"order": 0, "rule": rule.id, "label": rule.label, "locator": rule.locator,
            "flagged": targets}


def _groups(kb: KnowledgeBase) -> dict[str, str]:
    """The group (``outcomes``, ``risks``, ``engaged``) of each item of ``kb``."""
    return {ident: GROUP_OF[info.kind] for ident, info in kb.items.items()
            if info.kind in GROUP_OF}
