"""`kzpolicy tipping-points` in text: every way compactly, the smallest first, every line
within 100 columns; --limit N also lists N concrete sets (0: all), --offset pages them."""

from __future__ import annotations

import json

from conftest import CliRun


def _ways(text: str) -> list[str]:
    return [line for line in text.splitlines() if line[:1].isdigit() and ". to " in line]


def _listed(text: str) -> list[str]:
    return [line for line in text.splitlines()
            if line.startswith("  ") and line.strip()[:1].isdigit() and ". to " in line]


def test_the_2010_situation_is_eight_ways_in_compact_form(cli_run: CliRun) -> None:
    code, text = cli_run("tipping-points", "--preset", "article-2010", "--max-size", "8")
    assert code == 0
    assert all(len(line) <= 100 for line in text.splitlines())
    ways = _ways(text)
    assert len(ways) == 8 and len(text.splitlines()) <= 50  # the target: <= 50 lines
    assert ways[0].startswith("1. to integration (8 changes; 7 sets): all of I1, I2, I3, I4, "
                              "I5, I6, I7 true and any 1 of B1")
    assert "7,168 set(s) of factors" in text and _listed(text) == []


def test_below_the_distance_it_says_how_far_the_nearest_is(cli_run: CliRun) -> None:
    code, text = cli_run("tipping-points", "--preset", "article-2010")
    assert code == 0 and _ways(text) == []
    assert "No set of at most 3 changes switches the scenario" in text
    assert "The nearest tipping point needs 8 changes (--max-size 8)" in " ".join(
        text.split())


def test_limit_offset_and_json(cli_run: CliRun) -> None:
    _, three = cli_run("tipping-points", "--preset", "article-2010", "--max-size", "8",
                       "--limit", "3")
    assert len(_listed(three)) == 3 and "Sets 1 to 3 of 7,168" in three
    _, later = cli_run("tipping-points", "--preset", "article-2010", "--max-size", "8",
                       "--limit", "2", "--offset", "7166")
    assert "Sets 7167 to 7168 of 7,168" in later and len(_listed(later)) == 2
    _, everything = cli_run("tipping-points", "--preset", "article-2010", "--max-size", "8",
                            "--limit", "0")
    assert len(_listed(everything)) == 7168
    _, data = cli_run("tipping-points", "--preset", "article-2010", "--max-size", "8",
                      "--format", "json")
    answer = json.loads(data)
    assert len(answer["sets"]) == 8 and answer["total"] == 7168
    assert len(answer["points"]) == 20 and answer["work"]["complete"] is True


def test_all_finds_every_minimal_set_smallest_first(cli_run: CliRun) -> None:
    code, text = cli_run("tipping-points", "--set", "D1", "--set", "D2", "--set", "D3",
                         "--max-size", "2", "--all")
    assert code == 0
    sizes = [int(line.split("(")[1].split()[0]) for line in _ways(text)]
    assert sizes == sorted(sizes) and sizes[0] == 1
