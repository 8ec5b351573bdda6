"""How a result shows in a notebook (Jupyter, VS Code): the HTML and the Markdown behind
``_repr_html_`` and ``_repr_markdown_`` of every result type
(:class:`kzpolicy.engine.display.Displayed`).

The Markdown is :func:`kzpolicy.render`'s; the HTML is the report's self-contained page
(its Jinja2 templates, no script) inside an ``iframe`` of its own, so the page's styles
never restyle the notebook. A batch shows its summary (:mod:`kzpolicy.report.batch_summary`),
never its rows.
"""

from __future__ import annotations

import html as _html
from typing import Any

__all__ = ["html", "markdown"]

#: the height of a result's frame in a notebook
_HEIGHT = "36em"


def _is_batch(result: object) -> bool:
    from kzpolicy.engine.batch.columns import Batch

    return isinstance(result, Batch)


def _page(result: Any) -> str:
    if _is_batch(result):
        from kzpolicy.report import batch_summary
        from kzpolicy.report.html import sections_page
        from kzpolicy.report.source_kb import source_kb

        head, tables = batch_summary.sections(result)
        return sections_page("A batch of assessments", head, tables,
                             source_kb("notebook", None, result), result.kb_version)
    from kzpolicy.report.render import render

    return render(result, "html")


def html(result: object) -> str:
    """The result's page in a frame of its own: self-contained HTML, no script."""
    page = _page(result)
    title = _html.escape(f"kzpolicy: {type(result).__name__}")
    return (f'<iframe title="{title}" srcdoc="{_html.escape(page)}" '
            f'style="width:100%;height:{_HEIGHT};border:1px solid #767676"></iframe>')


def markdown(result: object) -> str:
    """The result as Markdown (a batch: its summary)."""
    if _is_batch(result):
        from kzpolicy.report import batch_summary

        return batch_summary.markdown(result)  # type: ignore[arg-type]
    from kzpolicy.report.render import render

    return render(result, "markdown")
