"""The decision log: lines appended whole (by threads and by processes), a log rotated
while it is written loses no line, a cut-off last line is reported and never dropped,
and a malformed line is an error naming the file, the line and the fix."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from decisions import records

import kzpolicy
from kzpolicy.journal.log import DecisionLog, LogReader, encode

KB = kzpolicy.load()
SRC = Path(kzpolicy.__file__).resolve().parents[1]


def _record(n: int, pad: int = 0) -> dict[str, object]:
    return {"log": 1, "id": f"id-{n}", "time": "2026-01-01T00:00:00+00:00",
            "operation": "assess", "input": {"conditions": {"D1": True}, "note": "x" * pad},
            "reading": "article", "kb_version": KB.version, "scenario": "balance",
            "flagged": ["BC1", "BC2", "BC3", "BC4", "BC5", "BC6", "T1"]}


def _well_formed(path: Path) -> list[str]:
    """The IDs of a log whose every line is a whole JSON object ending with a newline."""
    data = path.read_bytes()
    assert data == b"" or data.endswith(b"\n")
    return [json.loads(line)["id"] for line in data.splitlines()]


def test_a_line_holds_the_decision(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    a = kzpolicy.assess({"D1": True}, reading="stated-only")
    with DecisionLog(path) as log:
        ident = log.append("assess", {"conditions": {"D1": True}, "preset": None}, a,
                           kb_version=KB.version, reading=KB.reading)
    [rec] = records(path)
    assert rec["id"] == ident and rec["log"] == 1 and rec["operation"] == "assess"
    assert rec["time"].endswith("+00:00")  # UTC
    assert (rec["reading"], rec["kb_version"]) == ("stated-only", a.kb_version)
    assert rec["scenario"] == "undecided" and rec["flagged"] == sorted(a.flagged_ids())
    assert rec["input"] == {"conditions": {"D1": True}, "preset": None}


def test_a_torn_last_line_is_reported_not_dropped(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(encode(_record(1)) + encode(_record(2)) + encode(_record(3))[:40])
    r = kzpolicy.replay(path)
    assert (r.lines, r.replayed, r.skipped) == (3, 2, 1)
    assert [(s.reason, s.first_line) for s in r.skips] == [("cut-off", 3)]
    [warning] = r.warnings
    assert warning.startswith(f"{path}:3: the last line is cut off (no newline")
    assert "Warning: " in kzpolicy.render(r)
    with pytest.raises(kzpolicy.InputError, match="its last line is cut off"):
        DecisionLog(path)  # appending would glue the next line to it


def test_a_last_line_without_its_newline_is_replayed_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(encode(_record(1)) + encode(_record(2))[:-1])
    r = kzpolicy.replay(path)
    assert (r.lines, r.replayed, r.skipped) == (2, 2, 0)
    assert r.warnings and r.warnings[0].startswith(f"{path}:2: the last line has no newline")


@pytest.mark.parametrize(("line", "says"), [
    (b"{not json\n", "not one JSON object"),
    (b"\n", "not one JSON object"),
    (b"[1, 2]\n", "a JSON list, not an object"),
    (json.dumps({**_record(9), "log": 7}).encode() + b"\n", "'log' (the format) is 7"),
    (json.dumps({**_record(9), "scenario": 3}).encode() + b"\n", "'scenario' is neither"),
    (json.dumps({k: v for k, v in _record(9).items() if k != "id"}).encode() + b"\n",
     "its 'id' is missing"),
    (json.dumps({**_record(9), "input": {"conditions": {"D1": "yes"}}}).encode() + b"\n",
     "condition 'D1' of its input is 'yes'"),
    (json.dumps({**_record(9), "input": {"conditions": 5}}).encode() + b"\n",
     "'conditions' is neither"),
    (b"\xff\xfe{}\n", "not one JSON object"),
    (json.dumps({**_record(9), "flagged": ["T1", 3]}).encode() + b"\n",
     "its 'flagged' holds 3, not an ID"),
    (json.dumps({**_record(9), "flagged": "T1"}).encode() + b"\n", "'flagged' is neither"),
])
def test_a_malformed_line_in_the_middle_is_an_error(tmp_path: Path, line: bytes,
                                                   says: str) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(encode(_record(1)) + line + encode(_record(3)))
    with pytest.raises(kzpolicy.DecisionLogError) as info:
        kzpolicy.replay(path)
    err = info.value
    assert (err.file, err.line) == (str(path), 2)
    assert str(err).startswith(f"{path}:2: not a logged decision") and says in str(err)
    assert "repair or remove that line" in str(err)


def test_rotation_between_appends_reopens_the_path(tmp_path: Path) -> None:
    path, old = tmp_path / "log.jsonl", tmp_path / "log.jsonl.1"
    with DecisionLog(path) as log:
        for n in range(5):
            log.write(_record(n))
        path.rename(old)
        for n in range(5, 8):
            log.write(_record(n))
        path.unlink()  # gone: opened (created) again
        log.write(_record(8))
    assert _well_formed(old) == [f"id-{n}" for n in range(5)]
    assert _well_formed(path) == ["id-8"]


def test_a_log_rotated_while_a_thread_writes_loses_no_line(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    total = 3000
    log = DecisionLog(path)
    rotated: list[Path] = []

    def writer() -> None:
        for n in range(total):
            log.write(_record(n, pad=n % 300))

    thread = threading.Thread(target=writer)
    thread.start()
    while thread.is_alive() and len(rotated) < 3:  # rename it under the writer's feet
        if path.exists() and path.stat().st_size > 20_000 * (len(rotated) + 1):
            target = tmp_path / f"log.jsonl.{len(rotated) + 1}"
            path.rename(target)
            rotated.append(target)
    thread.join()
    log.close()
    assert rotated  # the log was renamed while the thread wrote
    ids = [i for p in [*rotated, path] if p.exists() for i in _well_formed(p)]
    assert sorted(ids) == sorted(f"id-{n}" for n in range(total))
    assert len(ids) == total  # none twice


_APPENDER = """
import sys
from kzpolicy.journal.log import DecisionLog
from kzpolicy.journal.replay import replay
who, path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
with DecisionLog(path) as log:
    for n in range(count):
        log.write({"log": 1, "id": f"{who}-{n}", "time": "t", "operation": "assess",
                   "input": {"conditions": {}, "pad": who * (n % 1500)},
                   "reading": "article", "kb_version": "kb", "scenario": "balance",
                   "flagged": []})
"""


def test_concurrent_appenders_write_whole_lines(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    procs = [subprocess.Popen([sys.executable, "-c", _APPENDER, who, str(path), "800"],
                              env=env) for who in "abcd"]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    ids = _well_formed(path)
    assert sorted(ids) == sorted(f"{w}-{n}" for w in "abcd" for n in range(800))
    with path.open("rb") as f:  # every line reads back as a decision
        reader = LogReader(f, str(path), chunk=500)
        assert sum(len(c) for _, c in reader.chunks()) == 3200 and reader.warnings == []


def test_a_log_cannot_be_opened_where_no_file_can_be(tmp_path: Path) -> None:
    with pytest.raises(kzpolicy.InputError, match="cannot open it for appending"):
        DecisionLog(tmp_path / "no" / "such" / "folder.jsonl")
    with pytest.raises(kzpolicy.ArgumentTypeError):
        DecisionLog(3)  # type: ignore[arg-type]
    path = tmp_path / "log.jsonl"
    with DecisionLog(path) as log, pytest.raises(kzpolicy.InputError, match="as JSON"):
        log.append("assess", {"conditions": {"D1"}}, None, kb_version="kb", reading="a")
    assert path.read_bytes() == b""  # nothing half written
