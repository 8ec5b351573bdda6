"""KnowledgeBase queries: stage of a year, partnership-table cells, what a condition bears on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import kzpolicy

KB = kzpolicy.load()
OTHERS = ["kyrgyzstan", "tajikistan", "turkmenistan", "uzbekistan"]


@pytest.mark.parametrize(
    ("year", "stage"),
    [
        (1990, None),
        (1991, "stage1"),
        (1993, "stage1"),
        (1994, "stage2"),  # shared boundary years go to the stage that starts in them
        (2000, "stage2"),
        (2001, "stage3"),
        (2006, "stage4"),
        (2010, "stage4"),
        (2011, None),
    ],
)
def test_stage_of(year: int, stage: str | None) -> None:
    found = KB.stage_of(year)
    assert (found.id if found else None) == stage


@pytest.mark.parametrize("bad", ["1994", True, 1994.0, None])
def test_stage_of_rejects_non_integers(bad: Any) -> None:
    with pytest.raises(kzpolicy.InputError, match="integer"):
        KB.stage_of(bad)


def test_kazakhstan_has_sixteen_known_cells() -> None:
    cells = KB.programmes_of("kazakhstan")
    assert [c.row for c in cells] == list(KB.rows)
    known = [c for c in cells if c.value != "unknown"]
    assert len(known) == 16
    assert all(c.evidence is not None and c.stance in ("stated", "interpretation")
               for c in known)
    assert {c.row for c in known if c.value == "no"} == {"nato_forces_deployed",
                                                         "membership_goal"}


def test_only_kazakhstan_is_in_ipap() -> None:
    values = {c.state: c.value for c in KB.states_in("ipap")}
    assert values == {"kazakhstan": "yes", **dict.fromkeys(OTHERS, "no")}


def test_a_cell_not_listed_is_unknown_without_evidence() -> None:
    cell = KB.cell("kyrgyzstan", "pfp")
    assert (cell.state, cell.row, cell.value) == ("kyrgyzstan", "pfp", "unknown")
    assert cell.evidence is None and cell.stance is None and cell.note is None


def test_a_known_cell_carries_its_evidence() -> None:
    cell = KB.cell("uzbekistan", "nato_forces_deployed")
    assert cell.value == "no" and cell.stance == "interpretation"
    assert cell.evidence is not None
    assert (cell.evidence.section, cell.evidence.list, cell.evidence.item) == (
        "vectors", "table_footnotes", 3)
    assert cell.note


@pytest.mark.parametrize(
    ("given", "row"),
    [
        ("ipap", "ipap"),  # row id (= programme id)
        ("defence_reform", "defence_reform"),  # a row without a programme
        ("PfP", "pfp"),  # abbreviation
        ("PFP", "pfp"),
        ("PAP-T", "pap_t"),
        # where the article gives no abbreviation, the field repeats its name (audit D-13)
        ("Science in the name of peace", "science_for_peace"),
        ("virtual silk road", "virtual_silk_road"),
    ],
)
def test_rows_by_id_programme_or_abbreviation(given: str, row: str) -> None:
    assert KB.cell("kazakhstan", given).row == row
    assert [c.row for c in KB.states_in(given)] == [row] * len(KB.states)


def test_row_found_by_programme_id_when_ids_differ(stock_copy: Path) -> None:
    # in the stock table every row with a programme shares its ID; rename one row
    partners = stock_copy / "partners.yaml"
    text = partners.read_text(encoding="utf-8")
    partners.write_text(text.replace("{id: pfp, label", "{id: pfp_row, label")
                        .replace("row: pfp,", "row: pfp_row,"), encoding="utf-8")
    kb = kzpolicy.load(stock_copy)
    assert "pfp" not in kb.rows
    assert kb.cell("kazakhstan", "pfp").row == "pfp_row"
    assert kb.cell("kazakhstan", "pfp").value == "yes"


@pytest.mark.parametrize("programme", ["occ", "Operational Capabilities Concept",
                                       "Partnership Work Programme", "pap_dib"])
def test_programme_without_a_row_is_an_unknown_row(programme: str) -> None:
    with pytest.raises(kzpolicy.UnknownIdError, match="not a row of the partnership table"):
        KB.cell("kazakhstan", programme)


def test_unknown_state_is_a_key_error_naming_the_closest() -> None:
    with pytest.raises(kzpolicy.UnknownIdError) as info:
        KB.programmes_of("kazakstan")
    err = info.value
    assert isinstance(err, KeyError)
    assert (err.kind, err.value) == ("state", "kazakstan")
    assert err.suggestions[0] == "kazakhstan"
    assert "'kazakstan'" in str(err) and "'kazakhstan'" in str(err)


@pytest.mark.parametrize(
    "lookup",
    [lambda row: KB.cell("kazakhstan", row), KB.states_in],
    ids=["cell", "states_in"],
)
def test_unknown_row_is_a_key_error_naming_the_closest(lookup: Callable[[str], Any]) -> None:
    with pytest.raises(kzpolicy.UnknownIdError) as info:
        lookup("ipapp")
    assert isinstance(info.value, KeyError)
    assert info.value.value == "ipapp"
    assert info.value.suggestions[0].lower() == "ipap"  # "IPAP" is accepted as well


def test_bears_on() -> None:
    assert KB.bears_on("tough_rivalry") == ["C1", "C2", "C3", "C4", "C5"]
    # a factor reaches its scenario's outcomes too
    assert set(KB.bears_on("D1")) >= {"T1", "DC1", "DC7", "C2"}


def test_bears_on_unknown_condition() -> None:
    with pytest.raises(kzpolicy.UnknownConditionError) as info:
        KB.bears_on("tough_rivalri")
    assert isinstance(info.value, KeyError)
    assert info.value.suggestions[0] == "tough_rivalry"


def test_bears_on_an_item_is_not_a_condition() -> None:
    with pytest.raises(kzpolicy.UnknownConditionError):
        KB.bears_on("C1")
