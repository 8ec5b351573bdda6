"""The list of kzpolicy's Gherkin steps, each with one example, rendered from the step library.

``kzpolicy steps`` prints it; docs/steps.md is its output, and a test keeps the
two equal, so the documentation cannot drift from :mod:`kzpolicy.bdd.steps`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kzpolicy.bdd.fields import FIELDS
from kzpolicy.bdd.registry import StepDef
from kzpolicy.bdd.steps import STEP_LIBRARY  # imported from steps: they fill it
from kzpolicy.bdd.tags import feature_tags

if TYPE_CHECKING:
    from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["readable", "render_step_list"]

_FIELD = re.compile(r"\{(\w+):(\w+)\}")


def readable(d: StepDef) -> str:
    """A step's pattern with each typed field shown as its placeholder."""
    return _FIELD.sub(lambda m: FIELDS[m.group(2)].placeholder, d.pattern)


def _sides(kb: KnowledgeBase) -> str:
    """The words of each side of ``kb``, as a sentence for the field table."""
    named = "; ".join(
        ", ".join(f"`{w}`" for w in dict.fromkeys((side.label, *side.synonyms, side.id)))
        for side in kb.sides.values())
    return f"; in the stock knowledge base: {named}" if named else ""


def render_step_list(kb: KnowledgeBase | None = None) -> str:
    """The step list as Markdown: keyword, pattern, what it does, one example each; the
    words of the sides and the tags are those of ``kb`` (the stock knowledge base by
    default)."""
    if kb is None:
        from kzpolicy.kb.loading import load

        kb = load()
    out = [
        "# The kzpolicy steps for feature files",
        "",
        "<!-- generated from src/kzpolicy/bdd/steps.py by `kzpolicy steps`; "
        "do not edit by hand -->",
        "",
        "Any project that installs kzpolicy can use these steps in its Gherkin feature files:",
        "the `kzpolicy` pytest plugin provides them, with no `conftest.py`. A step with the",
        "same text in your own `conftest.py` overrides kzpolicy's; `pytest -p no:kzpolicy`",
        "switches the plugin off. `And` and `But` continue the keyword before them.",
        "Fields in quotes are IDs or text; the others accept exactly the words shown",
        "(`<side>`: the words the knowledge base gives its sides).",
        "",
    ]
    for keyword in ("given", "when", "then"):
        out += [f"## {keyword.capitalize()}", ""]
        for d in STEP_LIBRARY:
            if d.keyword != keyword:
                continue
            out += [
                f"### `{keyword.capitalize()} {readable(d)}`",
                "",
                d.doc,
                "",
                "```gherkin",
                d.example,
                "```",
                "",
            ]
    out += ["## Fields", "", "| field | accepts |", "|---|---|"]
    for f in FIELDS.values():
        shown = f.placeholder.replace("|", "\\|")
        out.append(f"| `{shown}` | {f.doc}{_sides(kb) if f.name == 'Side' else ''} |")
    out += [
        "",
        "## Tags",
        "",
        "The plugin registers these tags as pytest markers, so strict markers stay on;",
        "register any other tag your features use in your own pytest configuration.",
        "",
        "| tag | meaning |",
        "|---|---|",
    ]
    out += [f"| `@{tag}` | {meaning} |" for tag, meaning in feature_tags(kb).items()]
    return "\n".join(out) + "\n"
