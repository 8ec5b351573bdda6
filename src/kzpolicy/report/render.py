"""The library calls behind the command line's output: render a result, explain an
assessment, draw the rule network.

``render(result, format)`` takes any public result (an ``Assessment``, ``WhatIf``,
``TippingPoints``, ``Landscape``, ``MonteCarlo``, ``Probabilities``, ``Sensitivity``,
``Robustness``, ``KnowledgeBaseDiff``, ``WhyNot``, ``Counterfactuals``, ``Stability``,
``SituationAssessment``, ``Timeline`` or ``Replay``)
and loads only the module that writes the chosen format: an assessment as text or
Markdown loads neither numpy nor Jinja2. A report that labels or draws resolves the
knowledge base the result was made with once (:mod:`kzpolicy.report.source_kb`) and
hands it down. ``explain(assessment)`` gives the chain of reasons; ``graph(kb, format)``
the rule network as Graphviz DOT or Mermaid. The JSON Schemas of the results are in
:mod:`kzpolicy.report.schemas`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Literal

from kzpolicy.engine.results import Assessment
from kzpolicy.errors import ArgumentTypeError, InputError, expect
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base
from kzpolicy.report.source_kb import source_kb

if TYPE_CHECKING:
    from kzpolicy.journal.replay import Replay
    from kzpolicy.kb.reading import ReadingSpec
    from kzpolicy.report.explain import Labels

__all__ = ["explain", "graph", "render"]

Format = Literal["text", "markdown", "html"]


def render(result: object, format: Format = "text", *, kb: KnowledgeBase | None = None) -> str:
    """A result as text, Markdown or a self-contained HTML page.

    ``kb`` is the knowledge base the result came from (by default the one loaded in this
    process that made it); the Markdown and HTML of an assessment label its conditions
    and draw its rule network from it.
    """
    expect("render", "format", format, str, "one of 'text', 'markdown', 'html'")
    expect("render", "kb", kb, KnowledgeBase, "a KnowledgeBase (from kzpolicy.load)",
           optional=True)
    if format not in ("text", "markdown", "html"):
        raise InputError(f"render: unknown format {format!r}; use 'text', 'markdown' or 'html'")
    if isinstance(result, Assessment):
        return _assessment(result, format, kb)
    journal = _journal(result, format, kb)
    return journal if journal is not None else _analysis(result, format, kb)


def _journal(result: object, format: Format, kb: KnowledgeBase | None) -> str | None:
    """A situation assessed or a timeline in ``format``; None for another result."""
    if "kzpolicy.journal.evidence" not in sys.modules:
        return None  # neither exists before the journal is loaded
    from kzpolicy.journal.evidence import SituationAssessment
    from kzpolicy.journal.timeline import Timeline
    from kzpolicy.report import journal_text

    if isinstance(result, SituationAssessment):
        if format == "text":
            return journal_text.situation_text(result) + "\n"
        base = source_kb("render", kb, result.assessment)
        if format == "markdown":
            return journal_text.situation_markdown(result, kb=base)
        from kzpolicy.report.html import page

        return page(result.assessment, kb=base, evidence=result.evidence,
                    title=f"kzpolicy situation as of {result.as_of}: {result.title}")
    if isinstance(result, Timeline):
        if format == "text":
            return journal_text.timeline_text(result) + "\n"
        if format == "markdown":
            return journal_text.timeline_markdown(result)
        from kzpolicy.report.html import timeline_page

        return timeline_page(result, kb=source_kb("render", kb, result))
    return None


def _assessment(a: Assessment, format: Format, kb: KnowledgeBase | None) -> str:
    if format == "text":  # labels by the knowledge base when it is at hand
        from kzpolicy.report.text import text

        return text(a, kb=kb) + "\n"
    base = source_kb("render", kb, a)
    if format == "markdown":
        from kzpolicy.report.text import markdown

        return markdown(a, kb=base)
    from kzpolicy.report.html import page

    return page(a, kb=base)


def _analysis(result: object, format: Format, kb: KnowledgeBase | None) -> str:
    # a result of these types exists only once their modules (and numpy) are loaded
    from kzpolicy.analysis.counterfactuals import Counterfactuals
    from kzpolicy.analysis.diff import KnowledgeBaseDiff
    from kzpolicy.analysis.landscape import Landscape
    from kzpolicy.analysis.montecarlo import MonteCarlo
    from kzpolicy.analysis.probabilities import Probabilities
    from kzpolicy.analysis.robustness import Robustness
    from kzpolicy.analysis.sensitivity import Sensitivity
    from kzpolicy.analysis.stability import Stability
    from kzpolicy.analysis.tipping import TippingPoints
    from kzpolicy.analysis.whatif import WhatIf
    from kzpolicy.analysis.whynot import WhyNot
    from kzpolicy.journal.replay import Replay
    from kzpolicy.report import analysis_text, reading_text

    if isinstance(result, Replay):
        return _replay(result, format)
    if isinstance(result, Robustness | KnowledgeBaseDiff):
        if format == "html":
            from kzpolicy.report.html import reading_page

            return reading_page(result, kb=source_kb("render", kb, result))
        writer = reading_text.text if format == "text" else reading_text.markdown
        return writer(result) + ("\n" if format == "text" else "")

    if isinstance(result, WhyNot | Counterfactuals | Stability):
        from kzpolicy.report import reasoning_text

        if format == "html":
            from kzpolicy.report.html import reasoning_page

            return reasoning_page(result, kb=source_kb("render", kb, result))
        if format == "markdown":
            return reasoning_text.markdown(result)
        return reasoning_text.text(result) + "\n"
    if not isinstance(result, WhatIf | TippingPoints | Landscape | MonteCarlo | Probabilities
                      | Sensitivity):
        raise ArgumentTypeError(
            "render", "result",
            "an Assessment, WhatIf, TippingPoints, Landscape, MonteCarlo, Probabilities, "
            "Sensitivity, Robustness, KnowledgeBaseDiff, WhyNot, Counterfactuals, Stability, "
            "SituationAssessment, Timeline or Replay",
            result)
    if format == "text":
        return analysis_text.text(result) + "\n"
    if format == "markdown":
        return analysis_text.markdown(result)
    from kzpolicy.report.html import probability_page

    return probability_page(result, kb=source_kb("render", kb, result))


def _replay(result: Replay, format: Format) -> str:
    from kzpolicy.report import replay_text

    if format == "text":
        return replay_text.text(result) + "\n"
    if format == "markdown":
        return replay_text.markdown(result)
    raise InputError("render: Replay has no HTML form; use 'text' or 'markdown'")


def explain(assessment: Assessment, *, kb: KnowledgeBase | None = None) -> str:
    """The chain of reasons of an assessment as text, rule IDs included: what
    ``assessment.explain()`` gives.

    ``kb`` is the knowledge base it came from, which labels the IDs (by default the one
    loaded in this process that made it; without one, the IDs stand bare).
    """
    expect("explain", "assessment", assessment, Assessment, "an Assessment (from assess)")
    expect("explain", "kb", kb, KnowledgeBase, "a KnowledgeBase (from kzpolicy.load)",
           optional=True)
    from kzpolicy.report.explain import Labels
    from kzpolicy.report.explain import explain as explanation

    labels: Labels | None = None if kb is None else Labels(source_kb("explain", kb, assessment))
    return explanation(assessment, labels)


def graph(kb: KnowledgeBase | None = None, *, format: Literal["dot", "mermaid"] = "dot",
          assessment: Assessment | None = None, reading: ReadingSpec = None) -> str:
    """The whole rule network as Graphviz DOT or Mermaid (of ``kb`` under ``reading``);
    with ``assessment``, what it fired is marked (on the knowledge base it was made with)."""
    from kzpolicy.report.graph import activity, network, to_dot, to_mermaid

    expect("graph", "format", format, str, "'dot' or 'mermaid'")
    expect("graph", "assessment", assessment, Assessment, "an Assessment", optional=True)
    if format not in ("dot", "mermaid"):
        raise InputError(f"graph: unknown format {format!r}; use 'dot' or 'mermaid'")
    if assessment is None:
        return (to_dot if format == "dot" else to_mermaid)(
            network(knowledge_base("graph", kb, reading)))
    net = network(source_kb("graph", kb, assessment))
    act = activity(assessment)
    return to_dot(net, act) if format == "dot" else to_mermaid(net, act)
