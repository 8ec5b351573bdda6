"""Presentation: text and Markdown reports, the HTML page, the rule-network graph.

``table`` (aligned text tables), ``text`` (an assessment as text or Markdown),
``analysis_text`` (what-if and landscape results as text), ``graph`` (the rule
network, DOT and Mermaid), ``layout`` and ``svg`` (its drawing), ``html`` (the
page). Nothing below this layer imports it.
"""
