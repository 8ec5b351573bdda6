"""Readings through the web API: every body takes ``reading`` (names only, never a file),
the answers are the CLI's JSON, and robustness and diff have their routes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from kzpolicy.operations.table import OPERATIONS

Cli = Callable[..., tuple[int, str, str]]  # the `cli` fixture of conftest.py


def test_every_body_takes_a_reading() -> None:
    for op in OPERATIONS:
        body = op.parts().body
        if body is not None:
            assert "reading" in body.model_json_schema()["properties"], op.name


@pytest.mark.parametrize("reading", ["stated-only", "count-4", "stated-only+count-4",
                                     ["count-4", "ties-to-pole"]])
def test_assess_under_a_reading_is_the_cli_json(client: TestClient, cli: Cli,
                                                reading: str | list[str]) -> None:
    answer = client.post("/v1/assess", json={"preset": "article-2010", "reading": reading,
                                             "conditions": ["D1"]})
    assert answer.status_code == 200, answer.text
    spec = reading if isinstance(reading, str) else "+".join(reading)
    _, out, _ = cli("assess", "--preset", "article-2010", "--set", "D1", "--reading", spec,
                    "--format", "json")
    assert answer.text == out
    assert json.loads(out)["reading"] == spec


def test_a_reading_file_is_refused_so_no_request_reads_the_server_s_files(
        client: TestClient) -> None:
    for path in ("rules/readings/stated-only.yaml", "/etc/passwd", "../x"):
        answer = client.post("/v1/assess", json={"reading": path})
        assert answer.status_code == 422, path
        assert "reading" in answer.text


def test_an_unknown_reading_is_answered_with_the_closest_names(client: TestClient) -> None:
    answer = client.post("/v1/assess", json={"reading": "stated"})
    assert answer.status_code in (404, 422)
    assert "stated-only" in answer.json()["message"]


def test_the_other_operations_take_a_reading(client: TestClient) -> None:
    bodies: dict[str, dict[str, Any]] = {
        "what-if": {"base": ["D1"], "changes": {"D2": True}},
        "tipping-points": {"base": ["D1"], "max_size": 1},
        "monte-carlo": {"probabilities": {"D1": 0.5}, "samples": 100, "seed": 1},
        "probabilities": {"beliefs": {"D1": 0.5}},
    }
    for name, body in bodies.items():
        answer = client.post(f"/v1/{name}", json={**body, "reading": "stated-only"})
        assert answer.status_code == 200, (name, answer.text)
        assert answer.json()["reading"] == "stated-only"
    page = client.post("/v1/report", json={"conditions": ["D1"], "reading": "stated-only"})
    assert page.status_code == 200 and "stated-only" in page.text
    assert "No scenario implied" in page.text


def test_robustness_and_diff_routes(client: TestClient, cli: Cli) -> None:
    answer = client.post("/v1/robustness", json={"preset": "article-2010"})
    assert answer.status_code == 200
    _, out, _ = cli("robustness", "--preset", "article-2010", "--format", "json")
    assert answer.text == out
    assert answer.json()["scenario"]["summary"] == "holds under 4 of 5 readings"
    two = client.post("/v1/robustness", json={"conditions": ["D1"],
                                              "readings": ["article", "stated-only"]})
    assert [o["reading"] for o in two.json()["readings"]] == ["article", "stated-only"]
    d = client.post("/v1/diff", json={"reading": "count-4"})
    assert d.status_code == 200 and d.json()["scenario_changed"] == 298015
    _, out, _ = cli("diff", "rules", "--reading", "count-4", "--format", "json")
    assert d.text == out
    based = client.post("/v1/diff", json={"base": "count-4", "reading": "count-4"})
    assert based.json()["scenario_changed"] == 0 and based.json()["entries"] == []


def test_the_readings_are_listed_for_the_page(client: TestClient) -> None:
    found = client.get("/v1/list/readings").json()
    assert [r["id"] for r in found][:2] == ["article", "count-4"]
    assert all(r["statement"] for r in found)
