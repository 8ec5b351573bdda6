"""Aligned plain-text tables for the command line and the text reports, Markdown ones,
and a report of head lines and titled tables as text or Markdown.

A text table fits the terminal by wrapping its cells at spaces within their columns,
never by cutting them: a column is never narrower than its longest word (an ID never
breaks), and a table that cannot fit even so runs wider than the terminal. A note
under a row (a long list that would swamp the columns) is wrapped under it, indented.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence

__all__ = ["Section", "md_escape", "md_table", "sections_markdown", "sections_text",
           "shared_notes", "table"]

Section = tuple[str, list[str], list[list[object]]]
"""A titled table of a report: title, headers, rows."""

#: the indent of a note under a row
_NOTE = "    "


def md_escape(text: object) -> str:
    """Text safe in Markdown: no HTML a renderer would run, no table-cell break."""
    import html  # Markdown only: text reports do without it

    return html.escape(str(text), quote=False).replace("|", "\\|")


def md_table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> list[str]:
    """Rows as the lines of a Markdown table, every cell escaped."""
    return [
        "| " + " | ".join(headers) + " |",
        "|" + "---|" * len(headers),
        *("| " + " | ".join(md_escape(x) for x in row) + " |" for row in rows),
    ]


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def _fit(natural: list[int], floor: list[int], room: int) -> list[int]:
    """Column widths that fit ``room`` characters: the widest column that can still
    give gives one character at a time, none below its floor."""
    widths = list(natural)
    while sum(widths) > room:
        shrinkable = [i for i, w in enumerate(widths) if w > floor[i]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, width: int | None = None,
    below: Sequence[str | None] | None = None,
) -> str:
    """Rows as an aligned text table that fits ``width`` (default: the terminal) by
    wrapping cells within their columns; ``below[i]``, when given, is a note wrapped
    under row ``i``. No text is ever cut."""
    cells = [[str(c) if c is not None else "" for c in row] for row in [headers, *rows]]
    n = len(headers)
    natural = [max(len(row[i]) for row in cells) for i in range(n)]
    floor = [max(_longest_word(row[i]) for row in cells) for i in range(n)]
    total = width or shutil.get_terminal_size((120, 24)).columns
    widths = _fit(natural, floor, total - 2 * (n - 1))

    def fmt(row: Sequence[str]) -> list[str]:
        wrapped = [_wrap(c, widths[i]) for i, c in enumerate(row)]
        return ["  ".join((w[k] if k < len(w) else "").ljust(widths[i])
                          for i, w in enumerate(wrapped)).rstrip()
                for k in range(max(len(w) for w in wrapped))]

    lines = [*fmt(cells[0]), "  ".join("-" * w for w in widths)]
    for k, row in enumerate(cells[1:]):
        lines += fmt(row)
        note = below[k] if below is not None else None
        if note:
            lines += textwrap.wrap(note, max(total, 40), initial_indent=_NOTE,
                                   subsequent_indent=_NOTE + "  ", break_long_words=False,
                                   break_on_hyphens=False)
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
def shared_notes(reasons: Sequence[str], ids: Sequence[str], lead: str) -> list[str | None]:
    """``reasons`` (one per row) as the notes of :func:`table`: a run of rows with the
    same reason says it once, under its last row, naming the rows (``ids``) it covers;
    each note starts with ``lead``."""
    notes: list[str | None] = []
    start = 0
    for k, reason in enumerate(reasons):
        if k + 1 < len(reasons) and reasons[k + 1] == reason:
            notes.append(None)
            continue
        whose = f"{', '.join(ids[start:k + 1])}: " if k > start else ""
        notes.append(f"{whose}{lead}: {reason}")
        start = k + 1
    return notes
