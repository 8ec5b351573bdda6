"""Red-team cases for the columnar reader (kzpolicy.journal.columnar): lines that parse,
with ``json``, to a decision other than the one the columnar layout suggests (a key
repeated after the conditions or the input, a list after the flagged one), a lone
surrogate in the id or the time, and a battery of changed lines that held up. Each
replay must be the same with the columnar reader and with the JSON reader only."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from decisions import write_log
from test_columnar import both

import kzpolicy

KB = kzpolicy.load()
C0 = KB.condition_ids[0].encode()  # the condition the columnar reader's skeleton uses
I0 = next(iter(KB.items)).encode()  # the item it uses

Change = Callable[[bytes], bytes]


def _log(tmp_path: Path, change: Change, *, only: int | None = None) -> Path:
    base = tmp_path / "base.jsonl"
    write_log(base, KB, [{"conditions": {"D1": True, "B2": False, "D8": True},
                          "preset": None}] * 3
              + [{"conditions": {"I1": True}, "preset": "balance"}] * 3)
    lines = base.read_bytes().splitlines(keepends=True)
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"".join(change(line) if only in (None, n) else line
                              for n, line in enumerate(lines)))
    return path


def _trailing_list(line: bytes) -> bytes:
    """``"flagged":["<I0>"],"z":[<the logged items>]}``: json keeps ["<I0>"]."""
    at = line.rindex(b'"flagged":[')
    return line[:at] + b'"flagged":["%s"],"z":[%s' % (I0, line[at + 11:])


# ------------------------------------------------------------------ findings (fixed)
REPEATED: dict[str, Change] = {
    # json keeps the last "conditions" of the input: {C0: true}, not the first
    "conditions twice": lambda line: line.replace(
        b'},"preset"', b'},"conditions":{"%s":true},"preset"' % C0),
    # json keeps the last "input"
    "input twice": lambda line: line.replace(
        b',"reading"', b',"input":{"conditions":{"%s":true}},"reading"' % C0),
    # the first "conditions":{ is inside another key of the input
    "conditions nested before": lambda line: line.replace(
        b'"input":{"conditions":{', b'"input":{"x":{"conditions":{').replace(
        b'},"preset"', b'}},"conditions":{"%s":true},"preset"' % C0),
    # json's flagged is ["<I0>"]; the line's last list is another key's
    "a list after flagged": _trailing_list,
}


@pytest.mark.parametrize("name", sorted(REPEATED))
def test_a_key_json_reads_elsewhere_is_not_read_as_columns(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    path = _log(tmp_path, REPEATED[name])
    fast, slow, read = both(path, monkeypatch, chunk=2)
    assert isinstance(slow, kzpolicy.Replay) and slow.changed > 0
    assert fast == slow and read == 0


@pytest.mark.parametrize("field", [b'"id":"', b'"time":"'])
def test_a_lone_surrogate_in_the_id_or_the_time(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                field: bytes) -> None:
    # json reads "\ud800" as a lone surrogate; it has no UTF-8 (str.encode raised)
    path = _log(tmp_path, lambda line: line.replace(field, field + b"\\ud800", 1))
    fast, slow, read = both(path, monkeypatch, chunk=2)
    assert isinstance(slow, kzpolicy.Replay) and slow.replayed == 6
    assert fast == slow and read == 0


# ------------------------------------------------------------------ held up
def _flagged(to: bytes) -> Change:
    return lambda line: re.sub(rb'"flagged":\[.*\]\}', b'"flagged":%s}' % to, line)


HELD: dict[str, Change] = {
    "preset 3": lambda line: line.replace(b'"preset":null', b'"preset":3'),
    "preset unknown": lambda line: line.replace(b'"preset":null', b'"preset":"nope"'),
    "preset twice": lambda line: line.replace(b'"preset":null',
                                              b'"preset":null,"preset":"balance"'),
    "condition 1": lambda line: line.replace(b'"D1":true', b'"D1":1'),
    "condition twice": lambda line: line.replace(b'"D1":true', b'"D1":true,"D1":false'),
    "condition escaped": lambda line: line.replace(b'"D1":true', b'"\\u00441":true'),
    "condition prefix": lambda line: line.replace(b'"D1":true', b'"D":true'),
    "condition longer": lambda line: line.replace(b'"D1":true', b'"D10":true'),
    "trailing comma": lambda line: line.replace(b'"D8":true', b'"D8":true,'),
    "id escaped": lambda line: line[:15] + b"\\u0041" + line[21:],
    "id quote": lambda line: line[:15] + b'\\"' + line[17:],
    "id ends in a backslash": lambda line: line.replace(b'","time"', b'\\\\","time"', 1),
    "id delimiters": lambda line: line[:15] + b",}[]{" + line[20:],
    "id raw UTF-8": lambda line: line[:15] + "é".encode() + line[17:],
    "time longer": lambda line: line.replace(b'+00:00"', b'+00:00Z"'),
    "log 1.0": lambda line: line.replace(b'"log":1', b'"log":1.0'),
    "log true": lambda line: line.replace(b'"log":1', b'"log":true'),
    "log twice": lambda line: line.replace(b'"reading"', b'"log":2,"reading"'),
    "NaN": lambda line: line.replace(b'"preset"', b'"x":NaN,"preset"'),
    "CRLF": lambda line: line[:-1] + b"\r\n",
    "flagged twice": lambda line: line.replace(b'"flagged":[', b'"flagged":["S1"],"flagged":['),
    "flagged unknown": lambda line: line.replace(b'"flagged":["', b'"flagged":["ZZ","'),
    "flagged 1": lambda line: line.replace(b'"flagged":["', b'"flagged":[1,"'),
    "flagged nested": lambda line: line.replace(b'"flagged":["', b'"flagged":[["T1"],"'),
    "flagged null": _flagged(b"null"),
    "flagged empty": _flagged(b"[]"),
    "scenario twice": lambda line: line.replace(b'"flagged"',
                                                b'"scenario":"integration","flagged"'),
    "scenario null": lambda line: line.replace(b'"scenario":"balance"', b'"scenario":null'),
    "operation twice": lambda line: line.replace(b'"reading"', b'"operation":"what-if","reading"'),
    "an array": lambda line: b"[" + line[:-1] + b"]\n",
    "a space": lambda line: b" " + line,
    "a blank line after": lambda line: line + b"\n",
    "a number line after": lambda line: line + b"1234567890123456789012345678901234567890\n",
    "a long input": lambda line: line.replace(b'"preset"', b'"x":"%s","preset"' % (b"y" * 3000)),
}


@pytest.mark.parametrize("name", sorted(HELD))
def test_changed_lines_that_held_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    name: str) -> None:
    for only in (None, 0, 4):
        path = _log(tmp_path, HELD[name], only=only)
        fast, slow, _ = both(path, monkeypatch, chunk=2)
        assert fast == slow, (only, fast, slow)
