"""The tags kzpolicy's own feature files use, one per article section, then one per topic.

They document features/ (docs/steps.md lists them) and this project registers them as
markers in its own pytest configuration (tests/conftest.py). The plugin registers no
marker: a project that runs its own feature files registers its own tags.
"""

from __future__ import annotations

__all__ = ["TAGS"]

#: tag -> what a feature or scenario with it checks
TAGS: dict[str, str] = {
    "introduction": "cites the article's introduction",
    "stimuli": "cites the section on cooperation stimuli (reasons, doctrines, stages)",
    "vectors": "cites the section on the main cooperation vectors (programmes, the table)",
    "regional_security": "cites the section on the security of Central Asia (rivalry)",
    "scenarios": "cites the section on scenarios (the SWOT analysis and the three scenarios)",
    "conclusion": "cites the article's conclusion",
    "swot": "checks the SWOT analysis",
    "threats": "checks the challenges and threats (T*)",
    "weaknesses": "checks the weaknesses (W*)",
    "strengths": "checks the strengths (S*)",
    "opportunities": "checks the opportunities (O*)",
    "rivalry": "checks the effects of tough CSTO/SCO/NATO competition (C*)",
    "integration": "checks the first scenario, integration",
    "balance": "checks the second scenario, balance",
    "distancing": "checks the third scenario, distancing",
    "factors": "checks scenario factors and the decision rule",
    "outcomes": "checks the outcomes the article spells out for a scenario",
    "stated": "checks a link the article draws itself (stance stated)",
    "interpretation": "checks a link the project reads into the article (stance interpretation)",
    "situation": "checks the situation the article describes (preset article-2010)",
    "history": "checks the stages of relations, the doctrines, programme and milestone years",
    "findings": "checks the authors' findings an assessment notes (rules/findings.yaml)",
    "partnership_table": "checks the comparative partnership table",
    "what_if": "checks a what-if change on top of an assessment",
    "bad_input": "checks that bad input is refused with a helpful message",
}
