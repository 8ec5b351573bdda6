"""The library calls behind the command line's output: render a result, draw the rule
network, and give the JSON Schema of every result type.

``render(result, format)`` takes any public result (an ``Assessment``, ``WhatIf``,
``TippingPoints``, ``Landscape``, ``MonteCarlo``, ``Probabilities`` or ``Sensitivity``);
``graph(kb, format)`` gives
the rule network as Graphviz DOT or Mermaid; ``schemas()`` maps a name to a schema.
"""

from __future__ import annotations

from typing import Any, Literal

from kzpolicy.analysis.landscape import Landscape
from kzpolicy.analysis.montecarlo import MonteCarlo
from kzpolicy.analysis.probabilities import Probabilities
from kzpolicy.analysis.sensitivity import Sensitivity
from kzpolicy.analysis.whatif import TippingPoints, WhatIf
from kzpolicy.engine.results import Assessment
from kzpolicy.errors import ArgumentTypeError, InputError, expect
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base
from kzpolicy.operations.table import schema_models
from kzpolicy.report import analysis_text, html, text
from kzpolicy.report.graph import activity, network, to_dot, to_mermaid
from kzpolicy.report.source_kb import source_kb

__all__ = ["graph", "render", "schemas"]

Format = Literal["text", "markdown", "html"]

_ANALYSIS = (WhatIf, TippingPoints, Landscape, MonteCarlo)


def render(result: object, format: Format = "text", *, kb: KnowledgeBase | None = None) -> str:
    """A result as text, Markdown or (for an ``Assessment``) a self-contained HTML page.

    ``kb`` is the knowledge base the result came from (the stock one by default); the
    Markdown and HTML of an assessment draw its rule network from it.
    """
    expect("render", "format", format, str, "one of 'text', 'markdown', 'html'")
    expect("render", "kb", kb, KnowledgeBase, "a KnowledgeBase (from kzpolicy.load)",
           optional=True)
    if format not in ("text", "markdown", "html"):
        raise InputError(f"render: unknown format {format!r}; use 'text', 'markdown' or 'html'")
    if isinstance(result, Assessment):
        if format == "text":
            return text.text(result) + "\n"
        if format == "markdown":
            return text.markdown(result, kb=kb)
        return html.page(result, kb=kb)
    if isinstance(result, Probabilities | Sensitivity):
        if format == "html":
            return analysis_text.html(result, kb=kb)
        if format == "text":
            return analysis_text.text(result) + "\n"
        return analysis_text.markdown(result)
    if isinstance(result, _ANALYSIS):
        if format == "html":
            raise InputError(f"render: {type(result).__name__} has no HTML form; "
                             "use 'text' or 'markdown'")
        if format == "text":
            return analysis_text.text(result) + "\n"
        return analysis_text.markdown(result)
    raise ArgumentTypeError(
        "render", "result",
        "an Assessment, WhatIf, TippingPoints, Landscape, MonteCarlo, Probabilities or "
        "Sensitivity", result)


def graph(kb: KnowledgeBase | None = None, *, format: Literal["dot", "mermaid"] = "dot",
          assessment: Assessment | None = None) -> str:
    """The whole rule network as Graphviz DOT or Mermaid; with ``assessment``, what it
    fired is marked."""
    expect("graph", "format", format, str, "'dot' or 'mermaid'")
    expect("graph", "assessment", assessment, Assessment, "an Assessment", optional=True)
    if format not in ("dot", "mermaid"):
        raise InputError(f"graph: unknown format {format!r}; use 'dot' or 'mermaid'")
    if assessment is None:
        return (to_dot if format == "dot" else to_mermaid)(network(knowledge_base("graph", kb)))
    net = network(source_kb("graph", kb, assessment))
    act = activity(assessment)
    return to_dot(net, act) if format == "dot" else to_mermaid(net, act)


def schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of every input and result type (nested types in ``$defs``), by the
    names of the list of operations (:data:`kzpolicy.operations.table.SCHEMA_NAMES`)."""
    return {name: model.model_json_schema() for name, model in schema_models().items()}
