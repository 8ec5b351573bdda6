"""The Jinja2 environment behind the HTML report and its SVG drawings.

Templates live in ``kzpolicy/report/templates/`` (package data, shipped in the
wheel) and are loaded with :class:`jinja2.PackageLoader`. Autoescaping is on for
``.html`` and ``.svg`` templates (and for anything else, by default), so every
value a template prints is escaped unless it is a :class:`markupsafe.Markup`;
``StrictUndefined`` turns a misspelt variable into an error instead of an empty
string. Only :mod:`kzpolicy.report.html` and :mod:`kzpolicy.report.svg` import this
module, so ``import kzpolicy`` does not load jinja2.
"""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

__all__ = ["environment", "num", "render"]


def num(x: float) -> str:
    """A coordinate as SVG text: one decimal at most, no trailing zeros (``12``, ``3.5``)."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


@functools.cache
def environment() -> Environment:
    """The report's template environment (built once)."""
    env = Environment(
        loader=PackageLoader("kzpolicy.report", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "svg"),
                                     default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = num
    return env


def render(name: str, **context: Any) -> str:
    """Render template ``name`` (for example ``page.html``) with ``context``."""
    return environment().get_template(name).render(**context)
