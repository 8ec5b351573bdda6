"""POST /v1/why-not, /v1/counterfactuals and /v1/stability answer with the JSON of the
matching commands; the budget a request may ask for is capped, and tipping points from
2010 answer at once in compact form."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from kzpolicy.operations.bodies import MAX_NODES, MAX_SECONDS

Cli = Callable[..., tuple[int, str, str]]  # the `cli` fixture of conftest.py
# the API caps a search at MAX_SECONDS; the command's default budget gives it 10 s
CAPPED = ["--seconds", f"{MAX_SECONDS:g}", "--format", "json"]


def test_why_not_is_the_cli_json(client: TestClient, cli: Cli) -> None:
    answer = client.post("/v1/why-not", json={"preset": "article-2010", "item": "C2"})
    assert answer.status_code == 200
    _, out, _ = cli("why-not", "C2", "--preset", "article-2010", *CAPPED)
    assert answer.text == out
    assert answer.json()["routes"][1]["literals"][0]["via"][0]["rule"] == "distancing_outcome"


def test_counterfactuals_is_the_cli_json(client: TestClient, cli: Cli) -> None:
    answer = client.post("/v1/counterfactuals", json={
        "conditions": {"D4": True}, "target": "clear T7", "limit": 5})
    assert answer.status_code == 200
    _, out, _ = cli("counterfactuals", "--set", "D4", "--clear", "T7", "--list", "5", *CAPPED)
    assert answer.text == out


def test_stability_is_the_cli_json(client: TestClient, cli: Cli) -> None:
    answer = client.post("/v1/stability", json={
        "preset": "article-2010", "beliefs": {"tough_rivalry": 0.5}})
    assert answer.status_code == 200
    _, out, _ = cli("stability", "--preset", "article-2010", "--prob", "tough_rivalry=0.5",
                    *CAPPED)
    assert answer.text == out and answer.json()["next"][0]["id"] == "tough_rivalry"


@pytest.mark.parametrize(("route", "body"), [
    ("/v1/why-not", {"item": "T8", "nodes": MAX_NODES + 1}),
    ("/v1/stability", {"seconds": MAX_SECONDS * 2}),
    ("/v1/counterfactuals", {"target": "flag T8", "limit": 100_000}),
    ("/v1/tipping-points", {"preset": "article-2010", "limit": 100_000}),
    ("/v1/why-not", {"item": "T88"}),
    ("/v1/counterfactuals", {"target": "raise T8"}),
])
def test_a_budget_past_the_cap_or_a_bad_id_is_refused(client: TestClient, route: str,
                                                      body: dict[str, object]) -> None:
    answer = client.post(route, json=body)
    assert answer.status_code == 422
    assert answer.json()["message"]


def test_a_small_budget_answers_partly_and_says_so(client: TestClient) -> None:
    answer = client.post("/v1/stability", json={"preset": "article-2010", "nodes": 5})
    work = answer.json()["work"]
    assert answer.status_code == 200 and work["complete"] is False and work["bound"] == "nodes"


def test_tipping_points_of_2010_at_size_8_answer_at_once_compactly(client: TestClient) -> None:
    answer = client.post("/v1/tipping-points", json={"preset": "article-2010",
                                                     "max_size": 8, "all": True})
    data = answer.json()
    assert answer.status_code == 200 and data["distance"] == 8 and len(data["sets"]) == 8
    assert data["total"] == 7168 and len(data["points"]) == 20
    assert len(answer.content) < 100_000  # was 21 MB (the time: bench/bench_reasoning.py)
    openapi = json.loads(client.get("/v1/openapi.json").text)
    for path in ("/v1/why-not", "/v1/counterfactuals", "/v1/stability"):
        assert "post" in openapi["paths"][path]
