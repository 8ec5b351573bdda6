"""How results show in a notebook: the :class:`Displayed` mixin gives a result type
``_repr_html_`` and ``_repr_markdown_``, which Jupyter calls to show it.

Each method is a thin call into :mod:`kzpolicy.report.notebook`, imported inside the
method (the one import of this module that goes up a layer, declared in pyproject's
layers contract), so the engine loads no report code until a notebook asks.
"""

from __future__ import annotations

__all__ = ["Displayed"]


class Displayed:
    """A result a notebook shows as the report's page (HTML) or its Markdown."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        from kzpolicy.report.notebook import html

        return html(self)

    def _repr_markdown_(self) -> str:
        from kzpolicy.report.notebook import markdown

        return markdown(self)
