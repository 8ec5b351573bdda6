"""The kzpolicy pytest plugin: the step library for Gherkin feature files.

Registered through ``[project.entry-points.pytest11]``, so every project that
installs kzpolicy can run feature files with kzpolicy's steps (``kzpolicy.bdd.steps``)
without a ``conftest.py``:

- ``pytest -p no:kzpolicy`` switches it off;
- a step with the same text in a project's ``conftest.py`` or test module
  overrides kzpolicy's (pytest's usual fixture overriding);
- the tags kzpolicy's features use are registered as markers here, so pytest's
  strict mode (``strict = true`` or ``--strict-markers``) stays on. A project
  registers its own tags as usual.

With plugin autoloading disabled (``PYTEST_DISABLE_PLUGIN_AUTOLOAD``), load it
with ``-p kzpolicy.bdd.plugin``.
"""

from __future__ import annotations

import pytest

#: the step library, registered as a plugin next to this one
pytest_plugins = ["kzpolicy.bdd.steps"]

#: tags of kzpolicy's features: one per article section, then one per topic
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
    "history": "checks the stages of relations, the doctrines and programme years",
    "partnership_table": "checks the comparative partnership table",
    "what_if": "checks a what-if change on top of an assessment",
    "bad_input": "checks that bad input is refused with a helpful message",
}


def pytest_configure(config: pytest.Config) -> None:
    """Register the tags kzpolicy's feature files use, so strict markers stay on."""
    for tag, description in TAGS.items():
        config.addinivalue_line("markers", f"{tag}: kzpolicy feature tag; {description}")
