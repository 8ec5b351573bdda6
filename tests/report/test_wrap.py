"""report.wrap gives the lines textwrap.wrap gives (break_on_hyphens=False)."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzpolicy.report.wrap import wrap

_WORD = st.text(alphabet="ab-\u00e9\u00a0\u2028\u3000.,", min_size=0, max_size=30)
_GAP = st.sampled_from([" ", "  ", "\t", "\n", " \r ", "\x0b", "\x0c", ""])


@st.composite
def _texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(_WORD, _GAP), max_size=25))
    return draw(_GAP) + "".join(w + g for w, g in parts)


@settings(max_examples=600, deadline=None)
@given(text=_texts(), width=st.integers(7, 60), indent=st.sampled_from(["", "  ", "- "]),
       more=st.sampled_from(["", "    ", "      "]))
def test_the_lines_of_textwrap(text: str, width: int, indent: str, more: str) -> None:
    want = textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=more,
                         break_on_hyphens=False)
    assert wrap(text, width, indent, more) == want


def test_a_line_that_fits_comes_back_as_it_is() -> None:
    assert wrap("rule T1 (stated): a label", 100, "  ") == ["  rule T1 (stated): a label"]
    assert wrap("", 100, "  ") == []


def test_a_width_below_one_is_refused_as_textwrap_refuses_it() -> None:
    with pytest.raises(ValueError, match="invalid width"):
        wrap("x", 0)


@settings(max_examples=400, deadline=None)
@given(words=st.lists(st.text(alphabet="abc\u00e9-", min_size=1, max_size=12), max_size=40),
       width=st.integers(5, 40), indent=st.sampled_from(["", "  ", "- "]),
       more=st.sampled_from(["", "    "]))
def test_words_between_single_spaces(words: list[str], width: int, indent: str,
                                     more: str) -> None:
    text = " ".join(words)
    want = textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=more,
                         break_on_hyphens=False)
    assert wrap(text, width, indent, more) == want
