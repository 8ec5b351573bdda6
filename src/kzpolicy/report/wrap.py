"""Word wrapping: the lines ``textwrap.wrap`` gives, without its cost per call.

``textwrap.wrap(text, width, initial_indent=..., subsequent_indent=...,
break_on_hyphens=False)`` builds a ``TextWrapper``, rewrites the whitespace and splits
the text with a regular expression on every call; an explanation wraps a few hundred
lines, so that was nine tenths of what ``explain()`` cost. :func:`wrap` gives the same
lines (tests/report/test_wrap.py compares the two on generated text): a line that fits
comes back at once; words separated by single spaces are cut at the last space that
fits, found by ``str.rfind``; anything else goes through textwrap's own algorithm,
written here once (break at runs of ASCII whitespace, drop the whitespace at the ends
of the lines after the first, cut words longer than a line).
"""

from __future__ import annotations

import re

__all__ = ["wrap"]

#: textwrap's whitespace: these characters become spaces (a tab first expands to 8)
_WHITESPACE = "\t\n\x0b\x0c\r "
_TO_SPACE = str.maketrans(dict.fromkeys(_WHITESPACE, " "))
_CHUNKS = re.compile(r"( +)")


def wrap(text: str, width: int, indent: str = "", more: str = "") -> list[str]:
    """``textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=more,
    break_on_hyphens=False)``: ``text`` in lines of at most ``width`` characters,
    indents included."""
    if width <= 0:
        raise ValueError(f"invalid width {width!r} (must be > 0)")
    if not text:
        return []
    # plain text: words between single spaces (printable excludes every whitespace but
    # the space: tabs, newlines, and Unicode spaces, which textwrap treats apart)
    if text[0] != " " and text[-1] != " " and text.isprintable() and "  " not in text:
        if len(indent) + len(text) <= width:
            return [indent + text]  # it fits: textwrap gives it back as it is
        lines = _plain(text, width, indent, more)
        if lines is not None:
            return lines
    return _chunked(text, width, indent, more)


def _plain(text: str, width: int, indent: str, more: str) -> list[str] | None:
    """Plain text in lines, each ending at the last space that keeps it within the
    width; None when a word is longer than a line (textwrap cuts it)."""
    lines: list[str] = []
    pos, end = 0, len(text)
    lead = indent
    while True:
        room = width - len(lead)
        if end - pos <= room:
            lines.append(lead + text[pos:])
            return lines
        cut = text.rfind(" ", pos, pos + room + 1)
        if cut < 0:
            return None  # the line's first word is longer than the line
        if cut < pos + room:  # the space fits, so the next word did not
            after = text.find(" ", cut + 1)
            if (end if after < 0 else after) - cut - 1 > room:
                return None  # textwrap cuts that word to fill this line
        lines.append(lead + text[pos:cut])
        pos, lead = cut + 1, more


def _chunked(text: str, width: int, indent: str, more: str) -> list[str]:
    """textwrap's own algorithm, chunk by chunk."""
    chunks = [c for c in _CHUNKS.split(text.expandtabs().translate(_TO_SPACE)) if c]
    chunks.reverse()
    lines: list[str] = []
    while chunks:
        lead = more if lines else indent
        room = width - len(lead)
        if lines and not chunks[-1].strip():
            del chunks[-1]  # whitespace that would start a line
        line: list[str] = []
        used = 0
        while chunks and used + len(chunks[-1]) <= room:
            used += len(chunks[-1])
            line.append(chunks.pop())
        if chunks and len(chunks[-1]) > room:  # a word longer than the line: cut it
            cut = room - used if room >= 1 else 1
            line.append(chunks[-1][:cut])
            chunks[-1] = chunks[-1][cut:]
            if not chunks[-1]:  # all of it taken: textwrap drops the empty rest on the
                del chunks[-1]  # next line, or loops forever if no line was written yet
        if line and not line[-1].strip():
            del line[-1]  # whitespace that would end a line
        if line:
            lines.append(lead + "".join(line))
    return lines
