"""Aligned plain-text tables for the command line and the text reports, and a report of
head lines and titled tables as text or Markdown."""

from __future__ import annotations

import html
import shutil
from collections.abc import Sequence

__all__ = ["Section", "md_escape", "md_table", "sections_markdown", "sections_text", "table"]

Section = tuple[str, list[str], list[list[object]]]
"""A titled table of a report: title, headers, rows."""


def md_escape(text: object) -> str:
    """Text safe in Markdown: no HTML a renderer would run, no table-cell break."""
    return html.escape(str(text), quote=False).replace("|", "\\|")


def md_table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> list[str]:
    """Rows as the lines of a Markdown table, every cell escaped."""
    return [
        "| " + " | ".join(headers) + " |",
        "|" + "---|" * len(headers),
        *("| " + " | ".join(md_escape(x) for x in row) + " |" for row in rows),
    ]


def table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, width: int | None = None
) -> str:
    """Rows as an aligned text table; the last column is cut to fit the terminal."""
    cells = [[str(c) if c is not None else "" for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], len(c))
    total = width or shutil.get_terminal_size((120, 24)).columns
    fixed = sum(widths[:-1]) + 2 * (len(widths) - 1)
    widths[-1] = max(10, min(widths[-1], total - fixed))

    def fmt(row: Sequence[str]) -> str:
        out = []
        for i, c in enumerate(row):
            if i == len(row) - 1:
                c = c if len(c) <= widths[i] else c[: widths[i] - 1] + "…"
                out.append(c)
            else:
                out.append(c.ljust(widths[i]))
        return "  ".join(out).rstrip()

    lines = [fmt(list(headers)), fmt(["-" * w for w in widths])]
    lines += [fmt(r) for r in cells]
    return "\n".join(lines)


def sections_text(head: Sequence[str], tables: Sequence[Section]) -> str:
    """A report as plain text: its head lines, then each table under its title."""
    out = list(head)
    for title, headers, rows in tables:
        out += ["", f"{title} ({len(rows)}):"]
        out.append(table(headers, rows) if rows else "None.")
    return "\n".join(out)


def sections_markdown(head: Sequence[str], tables: Sequence[Section]) -> str:
    """The same report as Markdown: the first head line a heading, the others a list."""
    out = [f"## {md_escape(head[0])}", "", *(f"- {md_escape(h)}" for h in head[1:])]
    for title, headers, rows in tables:
        out += ["", f"### {title} ({len(rows)})", ""]
        out += md_table(rows, headers) if rows else ["None."]
    return "\n".join(out) + "\n"
