"""`kzpolicy tipping-points` in text: the smallest sets first, at most --limit of them,
every line within 100 columns; --all (or --limit 0) lists everything."""

from __future__ import annotations

import json

from conftest import CliRun


def _sets(text: str) -> list[str]:
    return [line for line in text.splitlines() if line[:1].isdigit() and ". to " in line]


def test_the_default_lists_twenty_sets_in_100_columns(cli_run: CliRun) -> None:
    code, text = cli_run("tipping-points", "--preset", "article-2010", "--max-size", "8")
    assert code == 0
    assert all(len(line) <= 100 for line in text.splitlines())
    sets = _sets(text)
    assert len(sets) == 20 and sets[0].startswith("1. to integration (8 changes): ")
    assert "I1, I2, I3, I4, I5, I6, I7 become true; B1 becomes false" in sets[0]
    assert "7148 more set(s) not listed" in text


def test_limit_and_all(cli_run: CliRun) -> None:
    _, three = cli_run("tipping-points", "--preset", "article-2010", "--max-size", "8",
                       "--limit", "3")
    assert len(_sets(three)) == 3
    _, everything = cli_run("tipping-points", "--preset", "article-2010", "--max-size", "8",
                            "--limit", "0")
    assert len(_sets(everything)) == 7168 and "not listed" not in everything
    _, data = cli_run("tipping-points", "--preset", "article-2010", "--max-size", "8",
                      "--format", "json")
    assert len(json.loads(data)["points"]) == 7168  # JSON always carries every set


def test_all_finds_every_minimal_set_smallest_first(cli_run: CliRun) -> None:
    code, text = cli_run("tipping-points", "--set", "D1", "--set", "D2", "--set", "D3",
                         "--max-size", "2", "--all")
    assert code == 0
    sizes = [int(line.split("(")[1].split()[0]) for line in _sets(text)]
    assert sizes == sorted(sizes) and "not listed" not in text
