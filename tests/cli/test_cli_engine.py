"""`--engine` on the assessing commands: the bitset engine from the command line, the same
answers as durable, and knowledge bases beyond durable-rules' limits usable there."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import get_args

import pytest

from conftest import CliRun
from kzpolicy.cli.options import ENGINE_CHOICES
from kzpolicy.engine.engines import ENGINES
from kzpolicy.operations.bodies import AssessBody

WIDE = Path(__file__).parents[1] / "engine" / "fixtures" / "too_wide_for_durable"
SEVENTEEN = ["I1", "I2", "I3", "I4", "I5", "I6", "I7", "B1", "B2", "B3", "B4", "B5", "B6",
             "B7", "D1", "D2", "D3"]


@pytest.mark.parametrize("argv", [
    ["assess", "--preset", "article-2010", "--format", "json"],
    ["assess", "--set", "D1", "--set", "tough_rivalry", "--format", "json"],
    ["report", "--preset", "article-2010", "--format", "markdown"],
    ["graph", "--set", "D2", "--format", "mermaid"],
])
def test_both_engines_print_the_same(cli_run: CliRun, argv: list[str]) -> None:
    code_d, durable = cli_run(*argv, "--engine", "durable")
    code_b, bitset = cli_run(*argv, "--engine", "bitset")
    code, default = cli_run(*argv)
    assert code_d == code_b == code == 0
    assert durable == bitset == default


def test_a_knowledge_base_beyond_durable_runs_with_engine_bitset(
    stock_copy: Path, cli_run: CliRun, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(WIDE, stock_copy, dirs_exist_ok=True)
    sets = [arg for c in SEVENTEEN for arg in ("--set", c)]
    code, printed = cli_run("assess", "--rules", str(stock_copy), *sets)
    err = capsys.readouterr().err
    assert code == 2 and printed == "" and "needs 17 facts" in err
    code, printed = cli_run("assess", "--rules", str(stock_copy), *sets, "--engine", "bitset",
                            "--format", "json")
    assert code == 0
    risks = {r["id"]: r for r in json.loads(printed)["risks"]}
    assert any(step["rule"] == "too_wide" for step in risks["T1"]["because"])


def test_an_unknown_engine_is_a_usage_error(
    cli_run: CliRun, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        cli_run("assess", "--engine", "rete")
    err = capsys.readouterr().err
    assert info.value.code == 2 and "'rete'" in err and "durable" in err


def test_the_engine_choices_are_the_apis_from_the_engine_registry() -> None:
    offered = get_args(AssessBody.model_fields["engine"].annotation)
    assert offered == ENGINE_CHOICES
    assert set(offered) <= set(ENGINES) and offered[0] == ENGINES[0]  # the default first
