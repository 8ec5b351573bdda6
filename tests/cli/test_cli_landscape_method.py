"""`kzpolicy landscape --method`: counting and enumerating give the same numbers."""

from __future__ import annotations

import json

import pytest

from conftest import CliRun


def test_counting_and_enumerating_agree(cli_run: CliRun) -> None:
    results = {}
    for method in ("count", "enumerate", "auto"):
        code, out = cli_run("landscape", "--set", "tough_rivalry", "--method", method,
                            "--format", "json")
        assert code == 0
        results[method] = json.loads(out)
    assert results["enumerate"]["method"] == "enumerate"
    assert results["count"]["method"] != "enumerate"
    strip = [{k: v for k, v in r.items() if k != "method"} for r in results.values()]
    assert strip[0] == strip[1] == strip[2]


def test_an_unknown_method_is_a_usage_error(
    cli_run: CliRun, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        cli_run("landscape", "--method", "guess")
    assert info.value.code == 2 and "'guess'" in capsys.readouterr().err
