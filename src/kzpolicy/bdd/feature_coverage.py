"""Which parts of the article the feature files exercise (``kzpolicy coverage``).

The feature files are parsed with the Gherkin parser pytest-bdd uses; every
scenario (each row of a Scenario Outline) is replayed on the step library's own
step functions (:mod:`kzpolicy.bdd.steps`), without pytest. The checks its Then
steps make are then read against the knowledge base:

- an item (S/W/O/T, C*, IC*/BC*/DC*) is *exercised* when a passing scenario
  checks it flagged (or engaged) and one checks it not flagged;
- a rule is exercised when a passing scenario depends on it (it is the only
  rule that flagged an item the scenario checks, or a step names it in the
  item's explanation) and one checks a target of it not flagged while it did
  not fire;
- a factor is exercised when a passing scenario checks the implied scenario
  with that factor asserted true;
- a stage, a doctrine, a programme or a known table cell is exercised when a
  passing scenario checks it.

"Reached by" lists the rules that can flag an item (or that use a factor).
Only scenarios that pass count; failing ones are listed.
"""

from __future__ import annotations

import inspect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from gherkin.parser import Parser
from gherkin.pickles.compiler import Compiler
from gherkin.token_scanner import TokenScanner

from kzpolicy.bdd.registry import StepDef, nearest_steps
from kzpolicy.bdd.steps import STEP_LIBRARY  # imported from steps: they fill it
from kzpolicy.bdd.world import Check, World
from kzpolicy.errors import InputError
from kzpolicy.kb import expr
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.report.table import table

if TYPE_CHECKING:
    from kzpolicy.engine.results import Assessment

__all__ = [
    "Entry",
    "Failure",
    "FeatureCoverage",
    "Run",
    "Section",
    "default_features_dir",
    "feature_coverage",
]


@dataclass(frozen=True, order=True)
class Run:
    """One scenario run: a Scenario, or one row of a Scenario Outline."""

    feature: str
    line: int
    name: str

    def __str__(self) -> str:
        return f"{self.feature}:{self.line} {self.name}"


@dataclass(frozen=True)
class Failure:
    """A scenario run that did not pass, with the step and the reason."""

    run: Run
    step: str
    message: str


@dataclass
class Entry:
    """One article item, factor, rule or fact, and where the features exercise it."""

    id: str
    kind: str
    label: str
    links: tuple[str, ...] = ()
    """Items: the rules that can flag it; factors: the rules using it; rules: their targets."""
    positive: set[Run] = field(default_factory=set)
    negative: set[Run] = field(default_factory=set)
    needs_negative: bool = False

    @property
    def exercised(self) -> bool:
        """Checked both ways where both are needed, else checked at least once."""
        return bool(self.positive) and (bool(self.negative) or not self.needs_negative)


@dataclass
class Section:
    """A part of the report: one kind of article content."""

    key: str
    title: str
    links: str
    positive: str
    negative: str
    entries: list[Entry]
    rule_driven: bool = True
    """Whether "reached by a rule" applies (items and factors)."""

    @property
    def reached(self) -> int:
        """How many entries a rule reaches."""
        return sum(1 for e in self.entries if e.links)

    @property
    def exercised(self) -> int:
        """How many entries the features exercise."""
        return sum(1 for e in self.entries if e.exercised)

    def missing(self) -> list[str]:
        """IDs not exercised."""
        return [e.id for e in self.entries if not e.exercised]


@dataclass
class FeatureCoverage:
    """The whole report."""

    features: Path
    kb_version: str
    files: int
    runs: int
    failures: list[Failure]
    sections: list[Section]

    @property
    def complete(self) -> bool:
        """Every scenario passes and every entry is exercised."""
        return not self.failures and all(not s.missing() for s in self.sections)

    def section(self, key: str) -> Section:
        """One section by key."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""

        def runs(found: Iterable[Run]) -> list[str]:
            return [str(r) for r in sorted(found)]

        return {
            "features": str(self.features),
            "kb_version": self.kb_version,
            "feature_files": self.files,
            "scenario_runs": self.runs,
            "complete": self.complete,
            "failures": [
                {"scenario": str(f.run), "step": f.step, "message": f.message}
                for f in self.failures
            ],
            "sections": {
                s.key: {
                    "title": s.title,
                    "total": len(s.entries),
                    "reached_by_rule": s.reached if s.rule_driven else None,
                    "exercised": s.exercised,
                    "entries": [
                        {
                            "id": e.id,
                            "kind": e.kind,
                            "label": e.label,
                            **({s.links.replace(" ", "_"): list(e.links)} if s.links else {}),
                            "reached_by_rule": bool(e.links) if s.rule_driven else None,
                            "exercised": e.exercised,
                            s.positive.replace(" ", "_"): runs(e.positive),
                            **({s.negative.replace(" ", "_"): runs(e.negative)}
                               if s.negative else {}),
                        }
                        for e in s.entries
                    ],
                }
                for s in self.sections
            },
            "not_exercised": {s.key: s.missing() for s in self.sections if s.missing()},
        }

    def to_text(self) -> str:
        """The report as text tables, one per section, then a summary."""

        def where(found: set[Run]) -> str:
            if not found:
                return "-"
            first = min(found)
            more = f" (+{len(found) - 1})" if len(found) > 1 else ""
            return f"{Path(first.feature).name}:{first.line}{more}"

        out = [
            f"Feature coverage of the article: {self.files} feature files, "
            f"{self.runs} scenario runs, knowledge base {self.kb_version}",
            f"features: {self.features}",
            EXERCISED,
            "",
        ]
        for s in self.sections:
            reach = f"{s.reached} of {len(s.entries)} reached by a rule, " if s.rule_driven else ""
            out.append(f"{s.title}: {reach}{s.exercised} of {len(s.entries)} exercised")
            headers = ["id", "kind", *([s.links] if s.links else []), s.positive,
                       *([s.negative] if s.negative else []), "exercised"]
            rows = [
                [e.id, e.kind, *([", ".join(e.links) or "-"] if s.links else []),
                 where(e.positive), *([where(e.negative)] if s.negative else []),
                 "yes" if e.exercised else "NO"]
                for e in s.entries
            ]
            out.append(table(headers, rows, width=200))
            out.append("")
        out.append("Summary")
        out.append(table(
            ["part", "total", "reached by a rule", "exercised"],
            [[s.title, len(s.entries), s.reached if s.rule_driven else "-", s.exercised]
             for s in self.sections],
            width=200,
        ))
        missing = [f"{s.key}: {', '.join(s.missing())}" for s in self.sections if s.missing()]
        out.append("")
        out.append("not exercised: " + ("; ".join(missing) if missing else "none"))
        out.append(f"failing scenario runs: {len(self.failures) or 'none'}")
        for f in self.failures:
            out.append(f"  {f.run}\n    at: {f.step}\n    {f.message}")
        return "\n".join(out)


#: what the report means by "exercised", printed in its header
EXERCISED = (
    "exercised: a scenario that passes checks the entry. An item or a rule counts when "
    "one scenario sees it flagged and another sees it not flagged (a rule: relied on for "
    "a flagged item, and held back where its item is not flagged); a factor when a "
    "scenario's decision counts it; a stage, doctrine, programme, milestone, finding or "
    "table cell when a step checks it. \"reached by a rule\": some rule can flag the "
    "item or reads the factor."
)


# --------------------------------------------------------------------------- replay
def default_features_dir() -> Path:
    """./features of the current folder (the habit of pytest-bdd projects)."""
    here = Path.cwd() / "features"
    if here.is_dir():
        return here
    raise InputError(f"no features/ folder in {Path.cwd()}; run this where your features/ "
                     "folder is, or pass --features DIR")


@dataclass(frozen=True)
class _Step:
    """One step of a scenario run, as the Gherkin parser compiled it."""

    kind: str  # given / when / then (And and But resolved)
    keyword: str
    line: int
    text: str
    table: list[list[str]]


_KINDS = {"Context": "given", "Action": "when", "Outcome": "then"}


def _nodes(node: object, out: dict[str, Any]) -> dict[str, Any]:
    """Every AST node with an ``id`` under ``node`` (scenarios, steps, example rows)."""
    if isinstance(node, dict):
        if "id" in node:
            out[node["id"]] = node
        for value in node.values():
            _nodes(value, out)
    elif isinstance(node, list):
        for value in node:
            _nodes(value, out)
    return out


def _runs(feature_dir: Path, path: Path) -> Iterable[tuple[Run, list[_Step]]]:
    """Each scenario run of a feature file (one per Scenario Outline row), through the
    official Gherkin parser and its pickle compiler (what pytest-bdd itself uses)."""
    rel = path.relative_to(feature_dir)
    parsed = Parser().parse(TokenScanner(path.read_text(encoding="utf-8")))
    document: Any = {**parsed, "uri": rel.as_posix()}  # the compiler's input type varies
    nodes = _nodes(document, {})
    shown = f"{feature_dir.name}/{rel.as_posix()}"
    for pickle in Compiler().compile(document):
        scenario = nodes[pickle["astNodeIds"][0]]
        name = scenario["name"]
        if len(pickle["astNodeIds"]) > 1:  # an Examples row
            row = nodes[pickle["astNodeIds"][-1]]
            name += " [" + ", ".join(c["value"] for c in row["cells"]) + "]"
        steps = []
        for step in pickle["steps"]:
            ast = nodes[step["astNodeIds"][0]]
            argument: dict[str, Any] = dict(step.get("argument") or {})
            table = argument.get("dataTable", {"rows": []})
            steps.append(_Step(
                _KINDS.get(step.get("type", ""), "unknown"), ast["keyword"].strip(),
                ast["location"]["line"], step["text"],
                [[c["value"] for c in r["cells"]] for r in table["rows"]],
            ))
        yield Run(shown, scenario["location"]["line"], name), steps


def _takes_table(d: StepDef) -> bool:
    return "datatable" in inspect.signature(d.func).parameters


def _replay(steps: list[_Step], kb: KnowledgeBase) -> tuple[list[Check], tuple[str, str] | None]:
    """Run one scenario on the step library; return its checks and the first failure."""
    world = World(kb)
    for step in steps:
        text = f"line {step.line}: {step.keyword} {step.text}"
        found = [d for d in STEP_LIBRARY if d.matches(step.kind, step.text)]
        if len(found) != 1:
            why = "several kzpolicy steps read it"
            if not found:
                near = nearest_steps(step.kind, step.text, 1)
                why = "no kzpolicy step reads it" + (
                    f"; did you mean {near[0].example!r}?" if near else "")
            return world.checks, (text, why)
        d = found[0]
        args = d.arguments(step.text)
        if _takes_table(d):
            args["datatable"] = step.table
        try:
            d.func(kzpolicy_world=world, **args)
        except (Exception, pytest.fail.Exception) as exc:
            return world.checks, (text, f"{type(exc).__name__}: {exc}")
    try:
        world.finish()
    except AssertionError as exc:
        return world.checks, ("end of scenario", str(exc))
    return world.checks, None


# --------------------------------------------------------------------------- report
def _feature_files(features: Path | None) -> tuple[Path, list[Path]]:
    """The features folder (``features`` or ./features) and its ``.feature`` files."""
    root = (features or default_features_dir()).resolve()
    if not root.is_dir():
        raise InputError(f"{root}: no such features folder")
    paths = sorted(root.rglob("*.feature"))
    if not paths:
        raise InputError(f"{root}: no .feature files")
    return root, paths


def _flaggers(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Each item and the rules that can flag it."""
    reached: dict[str, list[str]] = defaultdict(list)
    for rule in kb.rules:
        for target in rule.then:
            reached[target].append(rule.id)
    return reached


def _readers(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Each fact and the rules whose ``when`` names it."""
    users: dict[str, list[str]] = defaultdict(list)
    for rule in kb.rules:
        for ref in sorted(expr.refs(rule.when)):
            users[ref].append(rule.id)
    return users


def _item_section(kb: KnowledgeBase, key: str, title: str, kinds: Sequence[str],
                  reached: dict[str, list[str]]) -> Section:
    entries = [
        Entry(i, info.kind, info.label, tuple(reached.get(i, [])), needs_negative=True)
        for kind in kinds
        for i, info in kb.items.items()
        if info.kind == kind
    ]
    return Section(key, title, "reached by", "flagged in", "not flagged in", entries)


def _rule_sections(kb: KnowledgeBase) -> list[Section]:
    """The sections rules reach: the three of items, then factors and the rules themselves."""
    reached = _flaggers(kb)
    users = _readers(kb)
    return [
        _item_section(kb, "swot", "SWOT items", ["strength", "weakness", "opportunity", "threat"],
                      reached),
        _item_section(kb, "rivalry", "Rivalry effects", ["rivalry"], reached),
        _item_section(kb, "outcomes", "Scenario outcomes", ["consequence"], reached),
        Section("factors", "Scenario factors", "used by rules", "decides in", "", [
            Entry(f, info.scenario, info.factor.label, tuple(users.get(f, [])))
            for f, info in kb.factors.items()
        ]),
        Section("rules", "Rules", "flags", "relied on in", "held back in", [
            Entry(r.id, str(r.stance), r.label, (*r.then,), needs_negative=True)
            for r in kb.rules
        ], rule_driven=False),
    ]


def _checked_sections(kb: KnowledgeBase) -> list[Section]:
    """The sections of article facts that a step checks directly (no rule reaches them)."""
    def checked(key: str, title: str, entries: list[Entry]) -> Section:
        return Section(key, title, "", "checked in", "", entries, rule_driven=False)

    return [
        checked("stages", "Stages of relations",
                [Entry(s.id, "stage", s.label) for s in kb.stages]),
        checked("doctrines", "Military doctrines",
                [Entry(d.id, "doctrine", d.label) for d in kb.doctrines]),
        checked("programmes", "Programmes",
                [Entry(p.id, "programme", p.name) for p in kb.programmes.values()]),
        checked("milestones", "Milestones",
                [Entry(m.id, "milestone", m.label) for m in kb.milestones]),
        checked("findings", "The authors' findings",
                [Entry(f.id, str(f.stance), f.label) for f in kb.findings.values()]),
        checked("cells", "Known table cells",
                [Entry(f"{c.state}/{c.row}", c.value, kb.rows[c.row].label)
                 for c in kb.cells.values()]),
    ]


#: the section credited when a step checks a rule or an article fact, by the check's ``what``
_SECTION_OF_CHECK = {
    "rule": "rules", "stage": "stages", "doctrine": "doctrines", "programme": "programmes",
    "milestone": "milestones", "finding": "findings", "cell": "cells",
}


class _Ledger:
    """The report's entries by (section, ID), credited with the runs whose checks pass."""

    def __init__(self, kb: KnowledgeBase, sections: list[Section]) -> None:
        self._factors = list(kb.factors)
        self._index = {(s.key, e.id): e for s in sections for e in s.entries}
        self._item_keys = {e.id: s.key for s in sections[:3] for e in s.entries}
        self._targets = {r.id: set(r.then) for r in kb.rules}

    def credit(self, c: Check, run: Run) -> None:
        """Credit ``run`` to every entry its passing check ``c`` exercises."""
        a = c.assessment
        if c.what == "item":
            if a is not None and c.subject in self._item_keys:
                self._credit_item(c, run, a)
        elif c.what == "scenario":
            if a is not None:
                self._credit_factors(run, a)
        elif c.what in _SECTION_OF_CHECK:
            entry = self._index.get((_SECTION_OF_CHECK[c.what], c.subject))
            if entry is not None and (c.what != "cell" or entry.kind == c.expected):
                entry.positive.add(run)

    def _credit_item(self, c: Check, run: Run, a: Assessment) -> None:
        """An item checked flagged (and the one rule that flagged it, if only one did), or
        checked not flagged (and every rule that could flag it but did not fire)."""
        item = self._index[(self._item_keys[c.subject], c.subject)]
        if c.expected == "flagged":
            item.positive.add(run)
            direct = {t.rule for t in a.trace if c.subject in t.flagged}
            if len(direct) == 1:
                (only,) = direct
                if ("rules", only) in self._index:
                    self._index[("rules", only)].positive.add(run)
        else:
            item.negative.add(run)
            fired = {t.rule for t in a.trace}
            for rule, then in self._targets.items():
                if c.subject in then and rule not in fired:
                    self._index[("rules", rule)].negative.add(run)

    def _credit_factors(self, run: Run, a: Assessment) -> None:
        """A scenario checked: every factor the assessment asserted true decided in it."""
        for f in self._factors:
            if a.asserted.get(f) is True:
                self._index[("factors", f)].positive.add(run)


def _replay_files(root: Path, paths: list[Path], kb: KnowledgeBase,
                  ledger: _Ledger) -> tuple[int, list[Failure]]:
    """Replay every scenario run of ``paths``, crediting the passing ones; return how many
    runs there were and the failures."""
    failures: list[Failure] = []
    count = 0
    for path in paths:
        try:
            runs = list(_runs(root, path))
        except Exception as exc:  # a feature file the Gherkin parser cannot read
            failures.append(Failure(Run(path.name, 0, "(feature file)"), "parsing", str(exc)))
            continue
        for run, steps in runs:
            count += 1
            checks, failed = _replay(steps, kb)
            if failed is not None:
                failures.append(Failure(run, *failed))
                continue
            for c in checks:
                if c.passed:
                    ledger.credit(c, run)
    return count, failures


def feature_coverage(kb: KnowledgeBase, features: Path | None = None) -> FeatureCoverage:
    """Replay every feature file under ``features`` and report what it exercises."""
    root, paths = _feature_files(features)
    sections = [*_rule_sections(kb), *_checked_sections(kb)]
    count, failures = _replay_files(root, paths, kb, _Ledger(kb, sections))
    return FeatureCoverage(root, kb.version, len(paths), count, failures, sections)
