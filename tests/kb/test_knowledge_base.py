"""The stock knowledge base: what the article lists, by ID and size; versions; users' copies."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import kzpolicy
from kzpolicy.kb import schema

KB = kzpolicy.load()


def ids_of(kind: str) -> list[str]:
    return [i for i, info in KB.items.items() if info.kind == kind]


def seq(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{k}" for k in range(1, n + 1)]


def article_size(section: str, lst: str) -> int:
    sizes = {a.id: a.size for a in KB.sections[section].lists}
    return sizes[lst]


@pytest.mark.parametrize(
    ("kind", "prefix", "size", "article_list"),
    [
        ("strength", "S", 7, ("scenarios", "strengths")),
        ("weakness", "W", 5, ("scenarios", "weaknesses")),
        ("opportunity", "O", 7, ("scenarios", "opportunities")),
        ("threat", "T", 8, ("scenarios", "threats")),
        ("rivalry", "C", 5, ("regional_security", "rivalry_consequences")),
        ("stimulus", "R", 5, ("stimuli", "reasons")),
    ],
)
def test_article_lists_have_the_articles_ids_and_sizes(
    kind: str, prefix: str, size: int, article_list: tuple[str, str]
) -> None:
    assert ids_of(kind) == seq(prefix, size)
    assert article_size(*article_list) == size
    for n, ident in enumerate(ids_of(kind), 1):
        loc = KB.items[ident].locator
        assert (loc.section, loc.list, loc.item) == (*article_list, n)


@pytest.mark.parametrize(
    ("scenario", "ordinal", "prefix", "size", "side"),
    [
        ("integration", 1, "I", 7, "us_nato"),
        ("balance", 2, "B", 7, "none"),
        ("distancing", 3, "D", 8, "russia"),
    ],
)
def test_scenarios_factors_and_advantage(
    scenario: str, ordinal: int, prefix: str, size: int, side: str
) -> None:
    sc = KB.scenario(scenario)
    assert sc.ordinal == ordinal
    assert [f.id for f in sc.factors] == seq(prefix, size)
    assert article_size("scenarios", f"{scenario}_factors") == size
    assert sc.advantage.side == side
    assert {KB.factors[f.id].scenario for f in sc.factors} == {scenario}
    assert all(KB.items[c.id].scenario == scenario for c in sc.consequences)


def test_scenario_ids_in_order() -> None:
    assert list(KB.scenarios) == ["integration", "balance", "distancing"]
    assert len(KB.factors) == 7 + 7 + 8


def test_stages_and_rule_count() -> None:
    assert [s.id for s in KB.stages] == ["stage1", "stage2", "stage3", "stage4"]
    assert article_size("stimuli", "stages") == 4
    assert len(KB.rules) == 56
    assert len(KB.rule_index) == 56  # rule IDs are unique


def test_every_locator_points_into_a_known_section() -> None:
    for rule in KB.rules:
        assert isinstance(rule.locator, schema.Locator)
        assert rule.locator.section in KB.sections, rule.id
    for ident in KB.ids():
        assert KB.locator_of(ident).section in KB.sections, ident


def test_every_interpretation_rule_has_a_reason_and_only_those() -> None:
    stances = {r.stance for r in KB.rules}
    assert stances == {"stated", "interpretation"}
    for rule in KB.rules:
        if rule.stance == "interpretation":
            assert rule.reason is not None and rule.reason.strip(), rule.id
        else:
            assert rule.reason is None, rule.id


def test_every_flaggable_item_is_flagged_by_some_rule() -> None:
    flagged = {t for r in KB.rules for t in r.then}
    flaggable = {i for i, info in KB.items.items() if info.kind != "stimulus"}
    assert flaggable <= flagged
    assert not flagged & set(ids_of("stimulus"))


def test_version_is_stable_and_shared_by_a_faithful_copy(stock_copy: Path) -> None:
    assert KB.version.startswith("kb-")
    assert kzpolicy.load(stock_copy).version == kzpolicy.load(stock_copy).version
    assert kzpolicy.load(stock_copy).version == KB.version


@pytest.mark.parametrize("file", ["swot.yaml", "rules.yaml", "article.yaml"])
def test_version_changes_when_a_file_changes(stock_copy: Path, file: str) -> None:
    before = kzpolicy.load(stock_copy).version
    path = stock_copy / file
    path.write_text(path.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    after = kzpolicy.load(stock_copy).version
    assert after != before
    assert kzpolicy.load(stock_copy).version == after


def test_version_changes_when_a_file_is_added(stock_copy: Path) -> None:
    before = kzpolicy.load(stock_copy).version
    (stock_copy / "zz_empty.yaml").write_text("# nothing yet\n", encoding="utf-8")
    assert kzpolicy.load(stock_copy).version != before


def test_a_users_copy_loads_from_str_or_path(stock_copy: Path) -> None:
    by_path = kzpolicy.load(stock_copy)
    by_str = kzpolicy.load(str(stock_copy))
    assert isinstance(by_path, kzpolicy.KnowledgeBase)
    assert by_path.path == stock_copy and by_str.path == stock_copy
    assert by_path is not KB
    assert [r.id for r in by_path.rules] == [r.id for r in KB.rules]


def test_an_extra_file_extends_the_copy(stock_copy: Path) -> None:
    (stock_copy / "zz_mine.yaml").write_text(textwrap.dedent("""\
        rules:
          - id: western_pressure_c2
            label: Heavy Western pressure amid tough rivalry sharpens threats (test rule)
            when: {all: [D5, tough_rivalry]}
            then: [C2]
            stance: interpretation
            reason: a rule added by a user's own file
            locator: {section: scenarios, list: distancing_factors, item: 5}
    """), encoding="utf-8")
    mine = kzpolicy.load(stock_copy)
    assert len(mine.rules) == len(KB.rules) + 1
    assert mine.rules[-1].id == "western_pressure_c2"
    assert "rule:western_pressure_c2" in mine.origins
    assert str(mine.origins["rule:western_pressure_c2"]) == "zz_mine.yaml:2"
    assert [r.id for r in mine.rules_using("D5")] == ["western_pressure_c2"]
    assert KB.rules_using("D5") == []  # the stock knowledge base is untouched
    assert mine.version != KB.version
