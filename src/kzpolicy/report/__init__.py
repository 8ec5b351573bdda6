"""Presentation: text and Markdown reports, the explanation, the HTML page, the graph.

``render`` (``render``, ``explain`` and ``graph``: each format loads only the module
that writes it), ``source_kb`` (the knowledge base a result was made with, resolved
once per report), ``explain`` (an assessment's chain of reasons, and the text helpers
the reports share), ``text`` (an assessment as text or Markdown), ``analysis_text``
(what-if, landscape, probability results as text), ``words`` and ``table`` (values
and aligned tables as text), ``graph`` (the rule network, DOT and Mermaid), ``layout``
and ``svg`` (its drawing), ``html`` and ``templating`` (the pages, Jinja2),
``schemas`` (the JSON Schema of every result type). Nothing below this layer imports
it, but for ``Assessment.explain()``, which calls ``explain`` (the one declared
exception).
"""
