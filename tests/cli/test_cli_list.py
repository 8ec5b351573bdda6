"""`kzpolicy list`, `kzpolicy check` on the stock rules, and `--version`."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

import kzpolicy
from conftest import CliRun
from kzpolicy.cli.main import main
from kzpolicy.kb.listing import LISTINGS, listing

KB = kzpolicy.load()
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


@pytest.mark.parametrize("what", sorted(LISTINGS))
def test_list_json(cli_run: CliRun, what: str) -> None:
    code, text = cli_run("list", what, "--format", "json")
    assert code == 0
    records: list[dict[str, Any]] = json.loads(text)
    assert records, f"{what} is empty"
    assert all(isinstance(r, dict) and isinstance(r.get("id"), str) for r in records)
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    assert ids == [r["id"] for r in listing(KB, what)[1]]


@pytest.mark.parametrize("what", sorted(LISTINGS))
def test_list_text_is_a_table_with_a_header(cli_run: CliRun, what: str) -> None:
    code, text = cli_run("list", what)
    assert code == 0
    columns, records = listing(KB, what)
    lines = text.splitlines()
    assert lines[0].split() == columns
    # the rule under the header: one run of dashes per column, starting where its name does
    assert set(lines[1]) == {"-", " "}
    starts = [m.start() for m in re.finditer(r"\S+", lines[0])]
    assert [m.start() for m in re.finditer(r"-+", lines[1])] == starts
    # a row's cells wrap within their columns: its further lines start blank
    body = [row for row in lines[2:] if row and not row[0].isspace()][:len(records)]
    assert [row.split()[0] for row in body] == [r["id"] for r in records]
    assert lines[-1] == f"{len(records)} {what} entries (knowledge base {KB.version})"


@pytest.mark.parametrize(
    ("what", "count"),
    [("swot", 27), ("factors", 22), ("scenarios", 3), ("rules", 56), ("stages", 4),
     ("rivalry", 5), ("stimuli", 5), ("partners", 19), ("conditions", 22 + 14),
     ("milestones", 24), ("findings", 32)],
)
def test_list_sizes(cli_run: CliRun, what: str, count: int) -> None:
    _, text = cli_run("list", what, "--format", "json")
    assert len(json.loads(text)) == count


def test_list_partners_marks_unknown_cells(cli_run: CliRun) -> None:
    _, text = cli_run("list", "partners", "--format", "json")
    ipap = next(r for r in json.loads(text) if r["id"] == "ipap")
    assert ipap["kazakhstan"] == "yes" and ipap["uzbekistan"] == "no"
    pfp = next(r for r in json.loads(text) if r["id"] == "pfp")
    assert pfp["kyrgyzstan"] == "?" and pfp["cells"]["kyrgyzstan"]["value"] == "unknown"


def test_list_with_rules_uses_the_copy(cli_run: CliRun, stock_copy: Path) -> None:
    swot = stock_copy / "swot.yaml"
    old = "label: Multi-vector military cooperation"
    swot.write_text(
        swot.read_text(encoding="utf-8").replace(old, "label: Renamed in my copy"),
        encoding="utf-8",
    )
    code, text = cli_run("list", "swot", "--format", "json", "--rules", str(stock_copy))
    assert code == 0
    s1 = next(r for r in json.loads(text) if r["id"] == "S1")
    assert s1["label"] == "Renamed in my copy"
    code, text = cli_run("list", "swot", "--rules", str(stock_copy))
    assert code == 0
    assert f"(knowledge base {kzpolicy.load(stock_copy).version})" in text
    assert kzpolicy.load(stock_copy).version != KB.version
    assert "Renamed in my copy" not in cli_run("list", "swot")[1]


def test_check_stock_text(cli_run: CliRun) -> None:
    code, text = cli_run("check")
    assert code == 0
    assert text.splitlines()[0].endswith(f": OK (knowledge base {KB.version})")
    assert "items no rule covers yet: none\n" in text
    line = next(t for t in text.splitlines() if t.startswith("factors that no rule links"))
    assert line.rsplit(": ", 1)[1] == "D5"
    assert re.search(r"^rules +56$", text, re.MULTILINE)


def test_check_stock_json(cli_run: CliRun) -> None:
    code, text = cli_run("check", "--format", "json")
    assert code == 0
    data = json.loads(text)
    assert data["version"] == KB.version
    assert Path(data["path"]) == KB.path
    assert data["uncovered_items"] == []
    assert data["factors_without_item_rule"] == ["D5"]
    counts = data["counts"]
    assert (counts["strengths"], counts["weaknesses"], counts["opportunities"],
            counts["threats"]) == (7, 5, 7, 8)
    assert (counts["factors"], counts["rules"], counts["stages"]) == (22, 56, 4)
    assert data["lists"] and all(e["expected"] == e["found"] for e in data["lists"])
    stances = data["rule_stances"]
    assert stances["stated"] + stances["interpretation"] == 56


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    match = re.search(r'^version = "([^"]+)"', PYPROJECT.read_text(encoding="utf-8"),
                      re.MULTILINE)
    assert match
    with pytest.raises(SystemExit) as info:
        main(["--version"], out=io.StringIO())
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"kzpolicy {match.group(1)}"


@pytest.mark.parametrize("argv", [["list", "nonsense"], ["list"], ["list", "swot", "--format",
                                                                   "xml"]])
def test_bad_usage_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv, out=io.StringIO())
    assert info.value.code == 2
    assert "usage: kzpolicy" in capsys.readouterr().err


def test_list_nonsense_names_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["list", "nonsense"], out=io.StringIO())
    err = capsys.readouterr().err
    assert "'nonsense'" in err and "swot" in err


def test_the_command_line_names_every_listing_and_schema() -> None:
    from kzpolicy.cli.kb_commands import LIST_NAMES, SCHEMA_NAMES
    from kzpolicy.kb.listing import LISTINGS
    from kzpolicy.operations.table import schema_models

    assert list(LIST_NAMES) == sorted(LISTINGS)
    assert list(SCHEMA_NAMES) == list(schema_models())
