"""`kzpolicy assess --log` and `kzpolicy replay`: the command line writes a decision log
and replays it, with the library's numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kzpolicy
from conftest import CliRun


def test_assess_logs_and_replay_replays(tmp_path: Path, cli_run: CliRun,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # a terminal wide enough for each row on a line
    log = str(tmp_path / "decisions.jsonl")
    assert cli_run("assess", "--set", "D1", "--log", log)[0] == 0
    assert cli_run("assess", "--preset", "article-2010", "--set", "B1=false",
                   "--log", log, "--format", "json")[0] == 0
    assert cli_run("assess", "--set", "D1", "--reading", "stated-only", "--log", log)[0] == 0
    lines = [json.loads(x) for x in Path(log).read_text().splitlines()]
    assert [x["input"] for x in lines] == [
        {"conditions": {"D1": True}, "preset": None, "engine": "durable"},
        {"conditions": {"B1": False}, "preset": "article-2010", "engine": "durable"},
        {"conditions": {"D1": True}, "preset": None, "engine": "durable"}]
    assert [x["reading"] for x in lines] == ["article", "article", "stated-only"]

    status, out = cli_run("replay", log)
    assert status == 0
    assert "3 lines: 3 decisions replayed, 1 changed, 2 unchanged, 0 skipped" in out
    assert "undecided -> balance" in out  # the stated-only decision, under the article

    status, out = cli_run("replay", log, "--reading", "stated-only", "--format", "json")
    found = kzpolicy.Replay.model_validate_json(out)
    assert found == kzpolicy.replay(log, reading="stated-only")
    assert (found.changed, [c.line for c in found.changes]) == (2, [1, 2])

    status, out = cli_run("replay", log, "--reading", "stated-only", "--max-changes", "1",
                          "--format", "markdown")
    assert status == 0 and "Only the first 1 of the 2 changed decisions" in out


def test_a_malformed_log_exits_2_naming_the_line(
        tmp_path: Path, cli_run: CliRun, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "decisions.jsonl"
    assert cli_run("assess", "--set", "D1", "--log", str(log))[0] == 0
    log.write_text(log.read_text() + "oops\n" + log.read_text())
    assert cli_run("replay", str(log))[0] == 2
    assert f"{log}:2: not a logged decision" in capsys.readouterr().err
    assert cli_run("replay", str(log), "--max-changes", "-1")[0] == 2
