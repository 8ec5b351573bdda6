"""Every JSON input is read exactly or refused (kb/strict_json.py): duplicate keys, integers
past 4,300 digits, numbers past a float, NaN and Infinity, and nesting deeper than the
parser are each one clear refusal, never a silent last-wins, a corrupt value or a crash."""

from __future__ import annotations

import pytest

from kzpolicy.errors import InputError
from kzpolicy.kb.strict_json import MAX_DIGITS, MalformedJsonError, parse_json


def test_plain_json_reads_as_json() -> None:
    text = '{"D1": true, "p": 0.25, "n": [1, -2, null], "s": "é"}'
    assert parse_json(text, "x") == {"D1": True, "p": 0.25, "n": [1, -2, None], "s": "é"}
    assert parse_json(text.encode(), "x") == parse_json(text, "x")


@pytest.mark.parametrize("text", ['{"D1": true, "D1": false}', '{"D1": true, "D1": true}',
                                  '[{"a": {"b": 1, "b": 2}}]'])
def test_a_key_given_twice_is_refused_even_with_the_same_value(text: str) -> None:
    with pytest.raises(InputError, match=r"^x: the key '(D1|b)' is given twice in one object"):
        parse_json(text, "x")


def test_an_integer_past_the_digits_python_reads_is_refused_clearly() -> None:
    assert parse_json("-" + "9" * MAX_DIGITS, "x") == -int("9" * MAX_DIGITS)
    with pytest.raises(InputError, match=r"^x: an integer of 5,000 digits is over the 4,300"):
        parse_json('{"D1": ' + "1" * 5000 + "}", "x")


@pytest.mark.parametrize(("text", "words"), [
    ('{"p": 1e999}', "the number 1e999 is too large for a floating-point number"),
    ('{"p": NaN}', "NaN is not JSON"), ('[-Infinity]', "-Infinity is not JSON"),
])
def test_numbers_json_cannot_hold_are_refused(text: str, words: str) -> None:
    with pytest.raises(InputError, match=words):
        parse_json(text, "x")


@pytest.mark.parametrize(("raw", "words"), [
    (b"[" * 100_000 + b"]" * 100_000, "nested too deep"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b"{", "not valid JSON"),
])
def test_what_is_not_json_is_malformed(raw: bytes, words: str) -> None:
    with pytest.raises(MalformedJsonError, match=words):
        parse_json(raw, "x")


def test_nesting_is_bounded_the_same_on_every_python() -> None:
    """Python 3.13's parser reads far deeper than 3.10-3.12's (which stop near a
    thousand levels with RecursionError): one bound, checked before parsing."""
    from kzpolicy.kb.strict_json import MAX_DEPTH, MalformedJsonError, parse_json

    deepest = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    expected: list[object] = []
    for _ in range(MAX_DEPTH - 1):
        expected = [expected]
    assert parse_json(deepest, "x") == expected
    with pytest.raises(MalformedJsonError, match=r"^x: nested too deep .* over 500 levels"):
        parse_json("[" + deepest + "]", "x")
    with pytest.raises(MalformedJsonError, match="nested too deep"):
        parse_json('{"a": ' * 600 + "1" + "}" * 600, "x")
    # brackets inside strings are text, not nesting (escaped quotes included)
    text = '{"note": "' + "[{" * 2_000 + '\\" ]]" }'
    assert parse_json(text, "x") == {"note": "[{" * 2_000 + '" ]]'}
