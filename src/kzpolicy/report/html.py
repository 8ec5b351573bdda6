"""The HTML report: one self-contained page per assessment, or per before/after pair.

:func:`page` shows the implied scenario with the three shares as a chart, the
margin and runner-up, how firmly the scenario stands (stance and basis) and, once, under
it, what the authors say of their scenarios as a whole (the findings that concern every
scenario: that they are hypothetical forecasts); then the scenario's outcomes, the
flagged risks and the engaged items as tables (kind, locator, stance with the chain's
interpretations named, basis, because), the contested items with both sides (the
rules' chain that implies each, and the caller's denial, each with its locator), the
other findings, the rule network as a diagram with what fired highlighted and a key of
every box's label, the conditions given and the knowledge-base version.
:func:`comparison_page` shows two assessments (a what-if's before and after) as one
before/after view: each side's scenario with the decision's reason and warnings, and
the outcomes, risks, engaged and contested items kept, added or removed (a risk added
is marked as bad news, an engaged item added as good news); :func:`probability_page`
shows an exact-probability or sensitivity result (the tables of
:mod:`kzpolicy.report.analysis_text`, and a sensitivity's :func:`tornado_chart`);
:func:`reasoning_page` a why-not, counterfactual or stability result (the tables of
:mod:`kzpolicy.report.reasoning_text`).

The markup comes from Jinja2 templates in ``templates/`` (``page.html``,
``comparison.html``, ``analysis.html``, the shared ``base.html`` and
``macros.html``, and the SVG templates of :mod:`kzpolicy.report.svg`), rendered
with autoescaping on (:mod:`kzpolicy.report.templating`): every text is escaped by
default. Two things are passed through as :class:`~markupsafe.Markup`, because a
template cannot escape them: the package's own stylesheet (raw text inside
``<style>``, where entities would not be decoded) and the tornado chart of
:func:`probability_page` (an SVG its own autoescaping template drew).

Stable element ids, for a program that fetches a report and picks a part of it
(another page embedding the network, a test):

``scenario``
    the section with the implied scenario, its figures and the shares chart
    (``shares-chart``, the SVG; ``margin``, ``runner-up``; ``scenario-standing``, its
    stance and basis), and the note ``scenario-notes`` with what the authors say of
    their scenarios as a whole (when the knowledge base has such findings);
``outcomes``
    the implied scenario's outcomes: a table headed ``outcomes-h``, a row
    ``item-<ID>`` per outcome;
``flagged``
    the risks and engaged items: tables headed ``risks-h`` and ``engaged-h``, a row
    ``item-<ID>`` per item;
``contested``
    the items the rules imply but the caller's own denial contradicts (only when there
    are some; on a comparison page, always): a row ``contested-<ID>`` each;
``findings``
    the authors' other findings on the result (only when there are some);
``network``
    the rule network: the diagram ``network-diagram`` (SVG, a group
    ``node-<ID>`` or ``rule-<ID>`` per box) in its pan box ``network-box``, and the
    key ``network-key`` (a row ``key-node-<ID>`` / ``key-rule-<ID>`` per box);
``conditions``
    the conditions given, a row ``cond-<ID>`` each;
``kb-version``
    the knowledge-base version in the header.

On a comparison page the two sides of ``scenario`` are ``side-before`` and
``side-after``, and their figures carry the side as a prefix (``before-margin``,
``after-scenario-standing``, ...), so that no id repeats.

The page has no script, no link and no font or image to fetch: styles are
inline, drawings are inline SVG (see :mod:`kzpolicy.report.svg`). It reflows to a
phone's width (the diagram pans inside its own box, with a cue saying so, or fits
the screen at a tick) and prints on paper.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from importlib import resources
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from kzpolicy._version import installed_version
from kzpolicy.engine.results import Assessment, Contested, FindingRef, Flagged, ScenarioResult
from kzpolicy.kb.kinds import NODE_NOUNS
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.report import svg as _svg
from kzpolicy.report.graph import KIND_COLOURS, Activity, Edge, Network, activity, network
from kzpolicy.report.layout import layout
from kzpolicy.report.source_kb import source_kb
from kzpolicy.report.svg import TornadoBar, tornado_chart
from kzpolicy.report.templating import render
from kzpolicy.report.words import basis_words, counts_words, rule_words, stance_words, truth

if TYPE_CHECKING:  # the analysis models (and numpy) load only for a page of theirs
    from kzpolicy.analysis.counterfactuals import Counterfactuals
    from kzpolicy.analysis.diff import KnowledgeBaseDiff
    from kzpolicy.analysis.robustness import Robustness
    from kzpolicy.analysis.sensitivity import Sensitivity
    from kzpolicy.analysis.stability import Stability
    from kzpolicy.analysis.whynot import WhyNot
    from kzpolicy.journal.evidence import EvidenceRef
    from kzpolicy.journal.timeline import Timeline, TimelineEntry
    from kzpolicy.report.analysis_text import Result as AnalysisResult

__all__ = ["TornadoBar", "comparison_page", "page", "probability_page", "reading_page",
           "reasoning_page", "sections_page",
           "tornado_chart"]

_KIND_NAMES = NODE_NOUNS


# --------------------------------------------------------------------------- pieces
def _bars(sc: ScenarioResult, series: str) -> list[_svg.Bar]:
    return [_svg.Bar(name, f"{name}: share {share:.2f}" + (" (implied)" if name == sc.id
                                                          else ""),
                     share, series, name == sc.id)
            for name, share in sc.shares.items()]


def _scenario(a: Assessment) -> dict[str, Any]:
    """The implied scenario of ``a``, with its standing and the decision's warnings."""
    sc = a.scenario
    return {"sc": sc, "stance": stance_words(sc), "basis": basis_words(sc.basis, sc.id),
            "default": sc.basis == "default", "warnings": list(a.warnings),
            "rule": rule_words(sc), "counts": counts_words(sc)}


def _scenario_notes(kb: KnowledgeBase, findings: Sequence[FindingRef]
                    ) -> tuple[list[FindingRef], list[FindingRef]]:
    """The findings that concern every scenario of ``kb`` (what the authors say of their
    scenarios as a whole, such as that they are hypothetical forecasts: noted on every
    assessment, so shown once, under the scenario), and the others."""
    every = set(kb.scenarios)
    notes: list[FindingRef] = []
    rest: list[FindingRef] = []
    for fd in findings:
        info = kb.findings.get(fd.id)
        (notes if info is not None and every <= set(info.concerns) else rest).append(fd)
    return notes, rest


#: how a change of an item reads, by the group it is in: a risk added is bad news, an
#: engaged item added good news; an outcome or a contested item is neither
_TONES = {"risks": {"added": "worse", "removed": "better"},
          "engaged": {"added": "better", "removed": "worse"}}


def _row(f: Flagged | Contested, scenario: str, change: str | None = None,
         group: str = "") -> dict[str, Any]:
    """One item as a table row: the item, its standing in words, and its change."""
    row: dict[str, Any] = {
        "f": f, "stance": stance_words(f),
        "basis": basis_words(f.basis, scenario), "default": f.basis == "default",
        "change": change, "tone": _TONES.get(group, {}).get(change or "", "neutral"),
    }
    if isinstance(f, Contested):
        row["denied"] = f.denied
    return row


def _rows(a: Assessment, group: str) -> list[dict[str, Any]]:
    return [_row(f, a.scenario.id) for f in getattr(a, group)]


def _conditions(kb: KnowledgeBase, a: Assessment, before: Assessment | None = None
                ) -> dict[str, Any]:
    keys = list(a.asserted)
    if before is not None:
        keys = list(dict.fromkeys([*before.asserted, *a.asserted]))
    rows = []
    for ident in keys:
        now = a.asserted.get(ident)
        was = before.asserted.get(ident) if before is not None else now
        rows.append({
            "ident": ident,
            "label": kb.label_of(ident) if ident in kb.condition_ids else ident,
            "kind": "scenario factor" if ident in kb.factors else "condition",
            "now": truth(now), "was": truth(was), "changed": was != now,
        })
    return {"rows": rows, "compare": before is not None, "unknown": list(a.unknown)}


def _network(net: Network, node_state: dict[str, str], edge_state: dict[Edge, str],
             caption: str, extra_legend: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    """The context of the network section: the diagram, and the key of every box."""
    lay = layout(net)
    diagram = _svg.diagram_context(net, lay, lambda n: node_state[n.key],
                                   lambda e: edge_state[e], caption=caption, keyed=True)
    # the key lists the boxes as the diagram shows them: column by column, top to bottom
    order = sorted(lay.boxes.values(), key=lambda b: (b.column, b.y))
    rows = [{"node": net.nodes[b.key], "element_id": _svg.node_element_id(net.nodes[b.key]),
             "key_id": _svg.node_key_id(net.nodes[b.key]), "state": node_state[b.key]}
            for b in order]
    return {"diagram": diagram, "key_rows": rows, "kind_names": _KIND_NAMES,
            "extra_legend": list(extra_legend),
            "contested": any("contested" in s.split() for s in node_state.values())}


def _states(net: Network, act: Activity) -> tuple[dict[str, str], dict[Edge, str]]:
    edges = {e: "on" if act.edge_on(e, net) else "idle" for e in net.edges}
    used_false = {e.source for e, state in edges.items() if e.negated and state == "on"}
    nodes = {}
    for key, node in net.nodes.items():
        state = "on" if act.node_on(node) or key in used_false else "idle"
        if node.kind != "rule" and node.ident in act.contested:
            state = "contested"
        nodes[key] = f"false {state}" if node.ident in act.false else state
    return nodes, edges


def _diff_states(
    net: Network, before: Activity, after: Activity
) -> tuple[dict[str, str], dict[Edge, str]]:
    def state(was: bool, now: bool) -> str:
        return {(True, True): "on", (False, True): "gained", (True, False): "lost"}.get(
            (was, now), "idle")

    nodes = {k: state(before.node_on(n), after.node_on(n)) for k, n in net.nodes.items()}
    edges = {e: state(before.edge_on(e, net), after.edge_on(e, net)) for e in net.edges}
    return nodes, edges


def _document(template: str, title: str, kb: KnowledgeBase, kb_version: str,
              **context: Any) -> str:
    return render(template, title=title, css=Markup(_css()), source=kb.source,
                  kb_version=kb_version, reading=kb.reading, version=installed_version(),
                  **context)


# --------------------------------------------------------------------------- pages
def page(a: Assessment, *, kb: KnowledgeBase | None = None, title: str | None = None,
         evidence: Sequence[EvidenceRef] = ()) -> str:
    """One assessment as a self-contained HTML page.

    ``kb`` must be the knowledge base ``a`` was made with (the stock one by default);
    it supplies the rule network and the conditions' labels. ``evidence``, the caller's
    (a situation's), is shown in a section of its own, with what rests on each belief.
    """
    base = source_kb("page", kb, a)
    sc = a.scenario
    net = network(base)
    chart = _svg.shares_context(
        [[b] for b in _bars(sc, "now")], sc.threshold,
        caption="Share of each scenario's factors asserted true, with the decision threshold")
    nodes, edges = _states(net, activity(a))
    notes, findings = _scenario_notes(base, a.findings)
    return _document(
        "page.html", title or f"kzpolicy assessment: {sc.label}", base, a.kb_version,
        scenario=_scenario(a), chart=chart, kind_names=_KIND_NAMES, notes=notes,
        outcomes=_rows(a, "outcomes"), risks=_rows(a, "risks"), engaged=_rows(a, "engaged"),
        contested=_rows(a, "contested"), findings=findings,
        network=_network(net, nodes, edges, "The rule network; what fired is highlighted"),
        conditions=_conditions(base, a), evidence=_evidence(evidence))


def _evidence(evidence: Sequence[EvidenceRef]) -> list[dict[str, str]]:
    """The caller's evidence as the rows of the page's evidence table."""
    from kzpolicy.report.journal_text import belief_words

    return [{"ident": e.condition, "label": e.label,
             "belief": belief_words(e.value if e.value is not None else e.probability),
             "source": e.source or "-", "date": str(e.date or "-"),
             "confidence": e.confidence or "-", "supports": ", ".join(e.supports) or "-",
             "note": e.note or "-"} for e in evidence]


def _changes(before: Assessment, after: Assessment, group: str) -> list[dict[str, Any]]:
    """The items of ``group`` before and after: those after (kept or added), then those
    only before (removed), each with the standing it has on its side."""
    was: Sequence[Flagged | Contested] = getattr(before, group)
    now: Sequence[Flagged | Contested] = getattr(after, group)
    old = {f.id for f in was}
    new = {f.id for f in now}
    rows = [_row(f, after.scenario.id, "kept" if f.id in old else "added", group)
            for f in now]
    rows += [_row(f, before.scenario.id, "removed", group) for f in was if f.id not in new]
    return rows


def comparison_page(
    before: Assessment, after: Assessment, *, kb: KnowledgeBase | None = None,
    title: str | None = None,
) -> str:
    """Two assessments (a what-if's before and after) as one before/after page."""
    base = source_kb("comparison_page", kb, before, after)
    b, a = before.scenario, after.scenario
    net = network(base)
    groups = [[bar_b, bar_a] for bar_b, bar_a in zip(_bars(b, "before"), _bars(a, "after"),
                                                     strict=True)]
    chart = _svg.shares_context(
        groups, a.threshold,
        caption="Share of each scenario's factors asserted true, before and after")
    nodes, edges = _diff_states(net, activity(before), activity(after))
    legend = [("gained", "fires only after"), ("lost", "fired only before")]
    # what the authors say of all their scenarios holds on both sides: shown once
    notes, _ = _scenario_notes(base, after.findings)
    return _document(
        "comparison.html", title or f"kzpolicy what-if: {b.label} → {a.label}", base,
        after.kb_version, before=_scenario(before), after=_scenario(after),
        chart=chart, kind_names=_KIND_NAMES, notes=notes,
        conditions=_conditions(base, after, before),
        outcomes=_changes(before, after, "outcomes"), risks=_changes(before, after, "risks"),
        engaged=_changes(before, after, "engaged"),
        contested=_changes(before, after, "contested"),
        network=_network(net, nodes, edges, "The rule network; what fires before and after",
                         legend))


# --------------------------------------------------------------------------- probabilities
def probability_page(result: AnalysisResult, *, kb: KnowledgeBase | None = None) -> str:
    """An analysis result (exact probabilities, sensitivity, what-if, tipping points,
    landscape, Monte Carlo) as one self-contained HTML page: the tables of its text
    report, and for a sensitivity a tornado chart of the most likely scenario's
    probability. ``kb`` must be the knowledge base it was made with (by default the one
    loaded in this process)."""
    from kzpolicy.analysis.sensitivity import Sensitivity
    from kzpolicy.report.analysis_text import sections, title

    base = source_kb("probability_page", kb, result)
    head, tables = sections(result)
    chart = None
    if isinstance(result, Sensitivity) and result.ranked:
        chart = Markup(_tornado(result))  # an SVG the autoescaping tornado.svg drew
    return _document("analysis.html", title(result), base, result.kb_version, head=head,
                     chart=chart, chart_title="Tornado: what moves the most likely scenario",
                     tables=[{"title": t, "headers": h, "rows": rows} for t, h, rows in tables])


def sections_page(title: str, head: Sequence[str],
                  tables: Sequence[tuple[str, list[str], list[list[object]]]],
                  kb: KnowledgeBase, kb_version: str) -> str:
    """Head lines and tables (title, headers, rows) as one self-contained HTML page."""
    return _document("analysis.html", title, kb, kb_version, head=head, chart=None,
                     tables=[{"title": t, "headers": h, "rows": rows} for t, h, rows in tables])


def reading_page(result: Robustness | KnowledgeBaseDiff, *, kb: KnowledgeBase | None = None
                 ) -> str:
    """A robustness or a diff as one self-contained HTML page: the tables of its text
    report. ``kb`` must be the knowledge base it names (by default the one loaded)."""
    from kzpolicy.analysis.robustness import Robustness
    from kzpolicy.report.reading_text import sections

    base = source_kb("reading_page", kb, result)
    head, tables = sections(result)
    title = ("Robustness across readings" if isinstance(result, Robustness)
             else "Diff of two knowledge bases")
    return _document("analysis.html", title, base, result.kb_version, head=head, chart=None,
                     chart_title="",
                     tables=[{"title": t, "headers": h, "rows": rows} for t, h, rows in tables])


def timeline_page(result: Timeline, *, kb: KnowledgeBase | None = None) -> str:
    """A timeline as one self-contained HTML page: a chart of the scenario probabilities
    (with uncertain beliefs on some date; a date without them gives its implied scenario
    probability 1) or else of the shares, over time, and the tables of its text report."""
    from kzpolicy.report.journal_text import timeline_sections

    base = source_kb("timeline_page", kb, result)
    head, tables = timeline_sections(result)
    chart = Markup(_timeline_chart(result))  # an SVG the autoescaping timeline.svg drew
    title = f"Timeline: {result.title}" if result.title else "Timeline of the journal"
    return _document("analysis.html", title, base, result.kb_version, head=head, chart=chart,
                     chart_title="Over time",
                     tables=[{"title": t, "headers": h, "rows": rows} for t, h, rows in tables])


def _timeline_chart(t: Timeline) -> str:
    weighed = any(e.probabilities is not None for e in t.entries)

    def value(e: TimelineEntry, sid: str) -> float:
        if not weighed:
            return e.shares.get(sid, 0.0)
        if e.probabilities is not None:
            return e.probabilities.get(sid, 0.0)
        return 1.0 if e.scenario == sid else 0.0

    series = [_svg.Series(sid, tuple(value(e, sid) for e in t.entries)) for sid in t.scenarios]
    caption = ("Probability of each scenario by date" if weighed
               else "Share of each scenario's factors believed true, by date")
    return _svg.timeline_chart([e.as_of.isoformat() for e in t.entries],
                               [e.as_of.toordinal() for e in t.entries], series,
                               caption=caption)


def _tornado(result: Sensitivity) -> str:
    """The beliefs as bars from the most likely scenario's probability with each false to
    it with each true, the widest first."""
    target = result.most_likely
    bars = []
    for b in result.ranked:
        w = next(w for w in b.scenarios if w.id == target)
        bars.append(TornadoBar(b.id, w.low, w.high,
                               f"{b.id}: {target} {w.low:.4f} if false, {w.high:.4f} if true"))
    bars.sort(key=lambda bar: -abs(bar.high - bar.low))
    return tornado_chart(bars, result.scenarios[target],
                         caption=f"Probability of {target} with each belief false (left end) "
                         "and true (right end)")


# --------------------------------------------------------------------------- reasoning
def reasoning_page(result: WhyNot | Counterfactuals | Stability, *,
                   kb: KnowledgeBase | None = None) -> str:
    """A why-not, counterfactual or stability result as one self-contained HTML page:
    the head and the tables of its Markdown (:func:`kzpolicy.report.reasoning_text.
    sections`). ``kb`` must be the knowledge base it was made with (by default the one
    loaded in this process)."""
    from kzpolicy.analysis.counterfactuals import Counterfactuals
    from kzpolicy.analysis.whynot import WhyNot
    from kzpolicy.report.reasoning_text import sections

    base = source_kb("reasoning_page", kb, result)
    head, tables = sections(result)
    title = ("Why not" if isinstance(result, WhyNot) else "What would change it"
             if isinstance(result, Counterfactuals) else "Settled or open")
    return _document("analysis.html", f"kzpolicy: {title}", base, result.kb_version,
                     head=head, chart=None,
                     tables=[{"title": t, "headers": h, "rows": rows} for t, h, rows in tables])


@functools.cache
def _css() -> str:
    """The stylesheet (``html.css``) with the node kinds' colours."""
    static = resources.files("kzpolicy.report").joinpath("html.css").read_text(encoding="utf-8")
    kinds = "\n".join(
        f".k-{kind} rect, .sw.k-{kind} {{ fill: {fill}; background: {fill}; stroke: {line}; "
        f"border-color: {line}; }}" for kind, (fill, line) in KIND_COLOURS.items())
    return f"{static}\n{kinds}\n"
