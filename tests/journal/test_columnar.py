"""The decision log read as columns (kzpolicy.journal.columnar) against the JSON reader:
on logs the writer made (the stock rules, a reading, generated knowledge bases, presets,
mixed operations, small chunks) both readers give the same replay, and the columnar one
reads the chunks in the writer's layout; on logs with one line changed a byte or a
field at a time (hundreds of them), both give the same replay or the same error. The
exact word lookup and the plain-string test are checked against Python's own on
generated vocabularies and bytes."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from decisions import random_inputs, write_log

import kzpolicy
from fuzz import random_rules, write_kb
from kzpolicy.journal import columnar
from kzpolicy.journal import replay as replay_module
from kzpolicy.journal.log import DecisionLog

KB = kzpolicy.load()


def dict_inputs(rng: random.Random, kb: kzpolicy.KnowledgeBase, n: int
                ) -> list[dict[str, Any]]:
    """Inputs as mappings (the columnar reader's layout), some on a preset."""
    out = random_inputs(rng, kb, n)
    for given in out:
        if isinstance(given["conditions"], list):
            given["conditions"] = dict.fromkeys(given["conditions"], False)
    return out


def both(path: Path, monkeypatch: pytest.MonkeyPatch, **kw: Any
         ) -> tuple[object, object, int]:
    """The replay (or the error) with the columnar reader and with the JSON reader only,
    and how many chunks the columnar reader read."""
    read: list[int] = []
    real = columnar.read_columns

    def spy(block: Any, reader: Any) -> Any:
        out = real(block, reader)
        read.append(out is not None)
        return out

    def run() -> object:
        try:
            return kzpolicy.replay(path, **kw)
        except kzpolicy.KzPolicyError as exc:
            return (type(exc), str(exc))

    with monkeypatch.context() as m:
        m.setattr(replay_module, "read_columns", spy)
        fast = run()
    with monkeypatch.context() as m:
        m.setattr(replay_module, "read_columns", lambda block, reader: None)
        slow = run()
    return fast, slow, sum(read)


# ------------------------------------------------------------------ logs the writer made
@pytest.mark.parametrize("reading", [None, "stated-only", "count-4", "ties-to-pole"])
def test_the_stock_rules_and_readings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      reading: str | None) -> None:
    path = tmp_path / "log.jsonl"
    write_log(path, KB, dict_inputs(random.Random(7), KB, 400))
    fast, slow, read = both(path, monkeypatch, reading=reading, chunk=64)
    assert fast == slow and read == 7  # every chunk read as columns
    assert isinstance(fast, kzpolicy.Replay) and fast.replayed == 400
    if reading == "stated-only":
        assert fast.changed > 100


def test_generated_knowledge_bases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(11)
    done = 0
    for n in range(40):
        try:
            kb = kzpolicy.load(write_kb(tmp_path / f"kb{n}", random_rules(rng, 14)))
        except kzpolicy.ValidationError:
            continue
        path = tmp_path / f"log{n}.jsonl"
        write_log(path, KB, dict_inputs(rng, KB, 120))
        fast, slow, read = both(path, monkeypatch, kb=kb, chunk=50)
        assert fast == slow and read >= 1
        done += 1
    assert done >= 15


def test_mixed_logs_fall_back_a_chunk_at_a_time(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "log.jsonl"
    rng = random.Random(3)
    write_log(path, KB, random_inputs(rng, KB, 200))  # lists of IDs too
    write_log(path, KB, dict_inputs(rng, KB, 200), operation="report")
    with DecisionLog(path) as log:
        log.append("what-if", {"changes": {"D1": True}}, kzpolicy.what_if(changes={"D1": True}),
                   kb_version=KB.version, reading=KB.reading)
    write_log(path, KB, dict_inputs(rng, KB, 200))
    fast, slow, read = both(path, monkeypatch, reading="stated-only", chunk=25)
    assert fast == slow and 8 <= read < 25


def test_a_server_logs_lines_the_columnar_reader_reads(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    from kzpolicy.operations.bodies import AssessBody

    path = tmp_path / "log.jsonl"
    with DecisionLog(path) as log:
        for given in dict_inputs(random.Random(5), KB, 60):
            body = AssessBody.model_validate({**given, "engine": "bitset"})
            log.append("assess", body.logged(), body.run(KB), kb_version=KB.version,
                       reading=KB.reading)
    fast, slow, read = both(path, monkeypatch, reading="stated-only", chunk=20)
    assert fast == slow and read == 3


# ------------------------------------------------------------------ changed lines
def _mutations(rng: random.Random) -> list[Callable[[bytes], bytes]]:
    specials = b' "\\,{}[]:\t\x00\x7f\xc3\xa9anull0'

    def byte(line: bytes) -> bytes:
        k = rng.randrange(len(line) - 1)
        return line[:k] + bytes([rng.choice(specials)]) + line[k + 1:]

    def insert(line: bytes) -> bytes:
        k = rng.randrange(len(line) - 1)
        return line[:k] + bytes([rng.choice(specials)]) + line[k:]

    def delete(line: bytes) -> bytes:
        k = rng.randrange(len(line) - 1)
        return line[:k] + line[k + 1:]

    def field(line: bytes) -> bytes:
        rec = json.loads(line)
        kind = rng.randrange(8)
        if kind == 0 and rec["input"]["conditions"]:
            first = next(iter(rec["input"]["conditions"]))
            text = json.dumps(rec, separators=(",", ":"))
            return text.replace(f'"{first}":', f'"{first}":true,"{first}":', 1).encode() + b"\n"
        if kind == 1:
            rec["input"]["conditions"] = {"D1": 1}
        elif kind == 2:
            rec["log"] = 2
        elif kind == 3:
            rec["flagged"] = None
        elif kind == 4:
            rec["input"]["preset"] = rng.choice(["article-2010", "no-such-preset", 3])
        elif kind == 5:
            rec = {"flagged": rec["flagged"], **{k: v for k, v in rec.items() if k != "flagged"}}
        elif kind == 6:
            return json.dumps(rec).encode() + b"\n"  # spaces after separators
        else:
            return json.dumps(rec, separators=(",", ":"), ensure_ascii=False).replace(
                '"D', '"\\u0044', 1).encode() + b"\n"
        return json.dumps(rec, separators=(",", ":")).encode() + b"\n"

    return [byte, insert, delete, field, field]


def test_lines_changed_a_byte_or_a_field_at_a_time(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(2026)
    base = tmp_path / "base.jsonl"
    write_log(base, KB, dict_inputs(rng, KB, 24))
    lines = base.read_bytes().splitlines(keepends=True)
    mutations = _mutations(rng)
    outcomes = {"same answer": 0, "same error": 0}
    for n in range(360):
        k = rng.randrange(len(lines))
        changed = rng.choice(mutations)(lines[k])
        if not changed.endswith(b"\n"):
            changed += b"\n"
        path = tmp_path / f"m{n}.jsonl"
        path.write_bytes(b"".join([*lines[:k], changed, *lines[k + 1:]]))
        fast, slow, _ = both(path, monkeypatch, reading="stated-only", chunk=8)
        assert fast == slow, (changed, fast, slow)
        outcomes["same error" if isinstance(fast, tuple) else "same answer"] += 1
    assert min(outcomes.values()) >= 40, outcomes


def test_a_cut_off_last_line_is_read_by_the_json_reader(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    path = tmp_path / "log.jsonl"
    write_log(path, KB, dict_inputs(random.Random(9), KB, 30))
    data = path.read_bytes()
    path.write_bytes(data[:-40])
    fast, slow, read = both(path, monkeypatch, chunk=10)
    assert fast == slow and read == 2
    assert isinstance(fast, kzpolicy.Replay) and fast.skipped == 1


# ------------------------------------------------------------------ the parts
def test_words_are_looked_up_exactly(tmp_path: Path) -> None:
    rng = random.Random(1)
    alphabet = b"ab_-:0"
    for trial in range(60):
        size = rng.randint(1, 90)
        vocab: set[bytes] = set()
        stem = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        while len(vocab) < size:  # shared beginnings and ends, lengths 1 to 40
            w = stem[:rng.randint(0, len(stem))] + bytes(
                rng.choice(alphabet) for _ in range(rng.randint(1, 10))) + stem[
                rng.randint(0, len(stem)):]
            vocab.add(w[:40])
        words = sorted(vocab)
        lookup = columnar._Words(words)
        probes = [rng.choice(words) for _ in range(200)]
        for _ in range(200):  # near misses: a word with one byte changed, added or cut
            near = bytearray(rng.choice(words))
            k = rng.randrange(len(near))
            choice = rng.randrange(3)
            if choice == 0:
                near[k] = rng.choice(alphabet)
            elif choice == 1:
                near.insert(k, rng.choice(alphabet))
            elif len(near) > 1:
                del near[k]
            probes.append(bytes(near))
        rng.shuffle(probes)
        text = columnar._Text([b"#" * 8, b",".join(probes)])
        lengths = np.array([len(p) for p in probes], dtype=np.intp)
        starts = 8 + np.cumsum(lengths + 1) - lengths - 1
        index = {w: n for n, w in enumerate(words)}
        want = [index.get(p) for p in probes]
        got = lookup.codes(text, starts, lengths)
        if None in want:
            assert got is None, trial
        else:
            assert got is not None and got.tolist() == want, trial
        known = [k for k, p in enumerate(probes) if p in index]
        got = lookup.codes(text, starts[known], lengths[known])
        assert got is not None and got.tolist() == [index[probes[k]] for k in known]


def test_plain_strings_are_told_exactly() -> None:
    rng = np.random.default_rng(4)
    plain = set(range(0x20, 0x7F)) - {0x22, 0x5C}
    for _ in range(3000):
        raw = rng.integers(0, 256, 8, dtype=np.uint8)
        if rng.random() < 0.7:  # mostly plain, a byte or none not
            raw = rng.choice(sorted(plain), 8).astype(np.uint8)
            if rng.random() < 0.5:
                raw[rng.integers(8)] = rng.integers(0, 256)
        word = np.frombuffer(raw.tobytes(), dtype="<u8")
        assert columnar._plain(word) == all(int(b) in plain for b in raw), raw
