"""The JSON API of `kzpolicy serve`, through Starlette's test client: every route answers
with the very JSON the matching CLI command prints, bad input with the CLI's message."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from kzpolicy.engine.results import Assessment
from kzpolicy.errors import EngineError
from kzpolicy.kb.checks import statistics
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.listing import LISTINGS
from kzpolicy.kb.loading import load
from kzpolicy.operations.bodies import AssessBody
from kzpolicy.operations.table import OPERATIONS
from kzpolicy.report.render import render
from kzpolicy.serve import create_app
from kzpolicy.serve.limits import ServeLimits

from .conftest import local

Cli = Callable[..., tuple[int, str, str]]  # the `cli` fixture of conftest.py


def _file(tmp_path: Path, data: object) -> str:
    path = tmp_path / "conditions.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


# ------------------------------------------------------------------ success: same JSON
@pytest.mark.parametrize(("body", "argv"), [
    ({"conditions": ["D1", "D2"]}, []),
    ({"conditions": {"B1": True, "D3": False}}, []),
    ({"preset": "article-2010"}, ["--preset", "article-2010"]),
    ({"conditions": {"D1": True}, "preset": "balance", "engine": "bitset"},
     ["--preset", "balance", "--engine", "bitset"]),
    ({}, []),
])
def test_assess_is_the_cli_json(client: TestClient, cli: Cli, tmp_path: Path,
                                body: dict[str, Any], argv: list[str]) -> None:
    answer = client.post("/v1/assess", json=body)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    file_args = ["--file", _file(tmp_path, body["conditions"])] if "conditions" in body else []
    status, out, _ = cli("assess", *file_args, *argv, "--format", "json")
    assert status == 0
    assert answer.text == out


def test_what_if_is_the_cli_json(client: TestClient, cli: Cli) -> None:
    answer = client.post("/v1/what-if", json={
        "base": ["D1"], "changes": {"D2": True, "B1": False, "D1": None}})
    assert answer.status_code == 200
    _, out, _ = cli("what-if", "--base", "D1", "--set", "D2", "--set", "B1=false",
                    "--clear", "D1", "--format", "json")
    assert answer.text == out


def test_what_if_against_a_preset(client: TestClient, cli: Cli) -> None:
    answer = client.post("/v1/what-if", json={"preset": "article-2010",
                                              "changes": {"D1": True}})
    _, out, _ = cli("what-if", "--preset", "article-2010", "--set", "D1", "--format", "json")
    assert answer.text == out


def test_tipping_points_is_the_cli_json(client: TestClient, cli: Cli) -> None:
    answer = client.post("/v1/tipping-points",
                         json={"preset": "article-2010", "max_size": 2, "all": True})
    assert answer.status_code == 200
    # the API caps a search at 5 s; the command's default budget gives it 10
    _, out, _ = cli("tipping-points", "--preset", "article-2010", "--max-size", "2",
                    "--all", "--format", "json", "--seconds", "5")
    assert answer.text == out


def test_monte_carlo_is_the_cli_json(client: TestClient, cli: Cli) -> None:
    answer = client.post("/v1/monte-carlo", json={
        "probabilities": {"D1": 0.3, "B2": 0.8}, "fixed": ["I1"], "samples": 2000,
        "seed": 7})
    assert answer.status_code == 200
    _, out, _ = cli("monte-carlo", "--prob", "D1=0.3", "--prob", "B2=0.8", "--set", "I1",
                    "--samples", "2000", "--seed", "7", "--format", "json")
    assert answer.text == out


@pytest.mark.parametrize("sensitivity", [False, True, "distancing"])
def test_probabilities_is_the_cli_json(client: TestClient, cli: Cli,
                                       sensitivity: bool | str) -> None:
    by = {"by": sensitivity} if isinstance(sensitivity, str) else {}
    answer = client.post("/v1/probabilities", json={
        "beliefs": {"D1": 0.3, "B2": 0.75}, "preset": "balance",
        "sensitivity": bool(sensitivity), **by})
    assert answer.status_code == 200
    flags = ["--sensitivity"] if sensitivity else []
    flags += ["--by", by["by"]] if by else []
    _, out, _ = cli("probabilities", "--prob", "D1=0.3", "--prob", "B2=0.75",
                    "--preset", "balance", *flags, "--format", "json")
    assert answer.text == out


@pytest.mark.parametrize("what", sorted(LISTINGS))
def test_every_listing_is_the_cli_json(client: TestClient, cli: Cli, what: str) -> None:
    answer = client.get(f"/v1/list/{what}")
    assert answer.status_code == 200
    _, out, _ = cli("list", what, "--format", "json")
    assert answer.text == out


def test_schema_is_the_cli_json(client: TestClient, cli: Cli) -> None:
    _, out, _ = cli("schema")
    assert client.get("/v1/schema").text == out
    _, one, _ = cli("schema", "--which", "assessment")
    assert client.get("/v1/schema?which=assessment").text == one


def test_kb_gives_version_and_counts(client: TestClient) -> None:
    kb = load()
    assert client.get("/v1/kb").json() == {"version": kb.version,
                                           "counts": statistics(kb).counts}


def test_report_is_the_library_html(client: TestClient) -> None:
    from kzpolicy.engine.assess import assess

    kb = load()
    answer = client.post("/v1/report", json={"conditions": ["D1", "D2"]})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.text == render(assess(["D1", "D2"], kb=kb), "html", kb=kb)
    assert 'id="network"' in answer.text


# ------------------------------------------------------------------ bad input: 422
@pytest.mark.parametrize(("route", "body", "argv"), [
    ("/v1/assess", {"conditions": {"D9": True}}, ["assess", "--file", "{file}"]),
    ("/v1/assess", {"conditions": {"D1": "maybe"}}, ["assess", "--file", "{file}"]),
    ("/v1/assess", {"preset": "artcle-2010"}, ["assess", "--preset", "artcle-2010"]),
    ("/v1/what-if", {"changes": {"D99": True}}, ["what-if", "--set", "D99"]),
    ("/v1/what-if", {"base": ["Q1"], "changes": {"D1": True}},
     ["what-if", "--base", "Q1", "--set", "D1"]),
    ("/v1/tipping-points", {"base": ["Q1"]}, ["tipping-points", "--set", "Q1"]),
    ("/v1/monte-carlo", {"probabilities": {"D1": 1.5}}, ["monte-carlo", "--prob", "D1=1.5"]),
    ("/v1/monte-carlo", {"probabilities": {"DD1": 0.5}}, ["monte-carlo", "--prob", "DD1=0.5"]),
    ("/v1/probabilities", {"beliefs": {"D1": 1.5}}, ["probabilities", "--prob", "D1=1.5"]),
])
def test_bad_input_is_422_with_the_cli_message(client: TestClient, cli: Cli, tmp_path: Path,
                                                route: str, body: dict[str, Any],
                                                argv: list[str]) -> None:
    answer = client.post(route, json=body)
    assert answer.status_code == 422
    data = answer.json()
    if "{file}" in argv:
        argv = [_file(tmp_path, body["conditions"]) if a == "{file}" else a for a in argv]
    status, _, err = cli(*argv, "--format", "json")
    assert status == 2
    assert err.strip() == f"kzpolicy: error: {data['message']}"
    assert "\n" not in data["message"]


def test_an_engine_failure_is_500_in_json(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(body: AssessBody, kb: KnowledgeBase) -> Assessment:
        raise EngineError("the engine stopped")

    monkeypatch.setattr(AssessBody, "run", failing)
    answer = local(create_app()).post("/v1/report", json={})
    assert answer.status_code == 500
    assert answer.json() == {"error": "EngineError", "message": "the engine stopped"}


def test_an_unknown_id_names_the_closest(client: TestClient) -> None:
    data = client.post("/v1/assess", json={"conditions": ["D9"]}).json()
    assert data["error"] == "UnknownConditionError"
    assert data["suggestions"][0] == "D8"
    assert "Did you mean 'D8'" in data["message"]


_CONDITIONS = "expected a mapping of condition IDs to true/false or a list of IDs"


@pytest.mark.parametrize(("route", "body", "message"), [
    ("assess", {"conditions": ["D1"], "colour": "red"},
     "colour: no such field here; the fields are reading, conditions, preset, engine, situation"),
    ("assess", {"engine": "rete"}, "engine: expected 'durable' or 'bitset'"),
    ("assess", {"conditions": [1, 2]}, f"conditions: {_CONDITIONS}"),
    # one message for the field, never pydantic's names of the union's members (F11)
    ("assess", {"conditions": "D1"}, f"conditions: {_CONDITIONS}"),
    ("assess", {"conditions": 3, "preset": 4},
     f"conditions: {_CONDITIONS} (and 1 more field(s) with a problem)"),
    ("what-if", {"changes": []}, "changes: expected a JSON object, not an array"),
    ("tipping-points", {"max_size": "3"}, "max_size: expected a whole number, not a string"),
    ("tipping-points", {"max_size": 65}, "max_size: must be at most 64, not 65"),
    ("monte-carlo", {"samples": 0}, "samples: must be at least 1, not 0"),
    ("probabilities", {"exact": 1}, "exact: expected true or false, not a number"),
])
def test_a_body_of_the_wrong_shape_is_422_in_json_words(
        client: TestClient, route: str, body: dict[str, Any], message: str) -> None:
    answer = client.post(f"/v1/{route}", json=body)
    assert answer.status_code == 422
    assert answer.json() == {"error": "InputError", "message": message}


def test_a_body_that_is_not_an_object_is_422(client: TestClient) -> None:
    answer = client.post("/v1/assess", json=["D1"])
    assert answer.status_code == 422
    assert answer.json()["message"] == "the request body must be a JSON object, not an array"


@pytest.mark.parametrize(("raw", "words"), [
    (b"{", "not valid JSON"), (b"{'D1': true}", "not valid JSON"),
    (b"\xff\xfe", "not UTF-8"),
    # a deep document is said to be deep, not "not UTF-8" (F12)
    (b"[" * 100_000 + b"]" * 100_000, "nested too deep"),
    (b'{"conditions": ' * 5_000 + b"1" + b"}" * 5_000, "nested too deep"),
])
def test_malformed_json_is_400(client: TestClient, raw: bytes, words: str) -> None:
    answer = client.post("/v1/assess", content=raw,
                         headers={"content-type": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["error"] == "MalformedJSON"
    assert answer.json()["message"].startswith("the request body: ")
    assert words in answer.json()["message"]


def test_an_empty_body_is_an_empty_request(client: TestClient) -> None:
    empty = client.post("/v1/assess", headers={"content-type": "application/json"})
    assert empty.json() == client.post("/v1/assess", json={}).json()


# ------------------------------------------------------------------ limits and routes
def test_an_oversized_body_is_413(client: TestClient) -> None:
    big = json.dumps({"conditions": {f"X{i}": True for i in range(90_000)}})
    assert len(big) > 1_000_000
    answer = client.post("/v1/assess", content=big,
                         headers={"content-type": "application/json"})
    assert answer.status_code == 413
    assert answer.json()["error"] == "PayloadTooLarge"


def test_a_chunked_body_over_the_limit_is_413_too() -> None:
    small = local(create_app(limits=ServeLimits(body_bytes=1000)))

    def chunks() -> Iterator[bytes]:  # no Content-Length: the size is counted as it comes
        yield b'{"conditions": ['
        for _ in range(200):
            yield b'"D1", '
        yield b'"D2"]}'

    answer = small.post("/v1/assess", content=chunks(),
                        headers={"content-type": "application/json"})
    assert answer.status_code == 413
    assert small.post("/v1/assess", json={"conditions": ["D1"]}).status_code == 200


def test_an_unknown_route_is_404(client: TestClient) -> None:
    answer = client.get("/v1/nothing-here")
    assert answer.status_code == 404
    assert answer.json() == {"error": "NotFound", "message":
                             "no such route: GET /v1/nothing-here (see /v1/openapi.json)"}
    assert client.post("/v2/assess", json={}).status_code == 404


def test_an_unknown_listing_is_404_naming_the_closest(client: TestClient) -> None:
    answer = client.get("/v1/list/conditons")
    assert answer.status_code == 404
    assert "Did you mean 'conditions'" in answer.json()["message"]
    assert client.get("/v1/schema?which=nope").status_code == 404


def test_a_wrong_method_is_405(client: TestClient) -> None:
    answer = client.get("/v1/assess")
    assert answer.status_code == 405
    assert answer.json()["error"] == "MethodNotAllowed"


# ------------------------------------------------------------------ OpenAPI
def test_the_openapi_document_names_every_route(app: Starlette, client: TestClient) -> None:
    answer = client.get("/v1/openapi.json")
    assert answer.status_code == 200
    doc = json.loads(answer.text)
    assert doc["openapi"].startswith("3.1")
    routes = {r.path for r in app.routes if isinstance(r, Route)}
    assert set(doc["paths"]) == routes
    for path, ops in doc["paths"].items():
        for method in ops:
            route = next(r for r in app.routes if isinstance(r, Route) and r.path == path)
            assert route.methods is not None and method.upper() in route.methods


def test_the_posts_are_the_operations_of_the_table(app: Starlette,
                                                   client: TestClient) -> None:
    served = [op for op in OPERATIONS if op.parts().body is not None]
    posts = {r.path for r in app.routes
             if isinstance(r, Route) and r.methods is not None and "POST" in r.methods}
    assert posts == {op.path for op in served}
    doc = client.get("/v1/openapi.json").json()
    assert [p for p, entry in doc["paths"].items() if "post" in entry] == \
        [op.path for op in served]
    for op in served:
        assert doc["paths"][op.path]["post"]["summary"] == op.summary
        answer = doc["paths"][op.path]["post"]["responses"]["200"]["content"]
        assert list(answer) == ["text/html" if op.answer == "html" else "application/json"]


def test_every_ref_of_the_openapi_document_resolves(client: TestClient) -> None:
    doc = client.get("/v1/openapi.json").json()
    schemas = doc["components"]["schemas"]

    def refs(node: object) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    found = set(refs(doc))
    assert "#/components/schemas/Assessment" in found
    for ref in found:
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in schemas
    assert "$defs" not in json.dumps(doc)


def test_the_openapi_schemas_are_the_models_schemas(client: TestClient) -> None:
    from kzpolicy.engine.results import Assessment

    doc = client.get("/v1/openapi.json").json()
    mine = Assessment.model_json_schema(ref_template="#/components/schemas/{model}")
    mine.pop("$defs")
    assert doc["components"]["schemas"]["Assessment"] == mine


# ------------------------------------------------------------------ another knowledge base
def test_rules_serves_another_knowledge_base(stock_copy: Path) -> None:
    path = stock_copy / "conditions.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("label: Cooperation with NATO intensifies",
                                 "label: Cooperation with NATO grows stronger", 1),
                    encoding="utf-8")
    kb = load(stock_copy)
    other = local(create_app(kb))
    assert other.get("/v1/kb").json()["version"] == kb.version != load().version
    labels = {r["id"]: r["label"] for r in other.get("/v1/list/conditions").json()}
    assert labels["cooperation_intensifies"] == "Cooperation with NATO grows stronger"
    assessed = other.post("/v1/assess", json={"conditions": ["D1"]}).json()
    assert assessed["kb_version"] == kb.version


# ------------------------------------------------------------------ the page
def test_the_page_is_self_contained_with_a_strict_policy(client: TestClient) -> None:
    import base64
    import hashlib
    import re

    answer = client.get("/")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    html = answer.text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "innerHTML" not in html and "outerHTML" not in html
    policy = answer.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy
    script = re.search(r"<script>(.*)</script>", html, re.S)
    assert script is not None
    digest = base64.b64encode(hashlib.sha256(script.group(1).encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy


def test_the_page_reads_fields_the_api_gives(client: TestClient) -> None:
    """Every field of the standing, the outcomes, the contested items and the what-if's
    reasons that the page's script reads is in the API's answers."""
    page = client.get("/").text
    conditions = {**{f"I{n}": True for n in range(1, 8)}, "region_relations_cool": False}
    assessed = client.post("/v1/assess", json={"conditions": conditions}).json()
    whatif = client.post("/v1/what-if", json={"preset": "article-2010",
                                               "changes": {"D1": True}}).json()
    item = assessed["outcomes"][0]
    contested = assessed["contested"][0]
    for name, where in [("outcomes", assessed), ("contested", assessed),
                        ("basis", assessed["scenario"]), ("stance", assessed["scenario"]),
                        ("interpretations", item), ("basis", item), ("denied", contested),
                        ("reason_before", whatif["scenario"]),
                        ("reason_after", whatif["scenario"]),
                        ("warnings_before", whatif["scenario"]),
                        ("warnings_after", whatif["scenario"]),
                        ("outcomes_added", whatif), ("contested_removed", whatif)]:
        assert name in where, name
        assert name in page, name
    assert {"id", "label", "locator", "value"} <= set(contested["denied"][0])


def test_a_quick_assessment_is_the_same_on_the_event_loop(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The first assessment of an engine computes in a thread of the light lane (it builds
    the engine); the next quick ones (the served knowledge base, no reading, no
    situation) on the event loop, with the same answers, errors included; a reading
    still goes to a thread."""
    import threading

    where: list[str] = []
    real = AssessBody.run

    def run(body: AssessBody, kb: KnowledgeBase) -> Any:
        where.append(threading.current_thread().name.split("_")[0])
        return real(body, kb)

    monkeypatch.setattr(AssessBody, "run", run)
    bodies: list[dict[str, Any]] = [{"conditions": {"D1": True}, "preset": "balance"},
                                    {"conditions": ["D9"]}, {"preset": "article-2010"}]
    with local(create_app()) as fresh:
        first = [fresh.post("/v1/assess", json=b) for b in bodies]
        again = [fresh.post("/v1/assess", json=b) for b in bodies]
        fresh.post("/v1/assess", json={"reading": "stated-only"})
        # more conditions than the knowledge base has: not bounded by it, so a thread
        many = fresh.post("/v1/assess", json={"conditions": ["D1"] * 100})
    assert many.status_code == 200
    assert [(a.status_code, a.text) for a in again] == [(a.status_code, a.text)
                                                         for a in first]
    assert [a.status_code for a in first] == [200, 422, 200]
    assert where[0] == "kzpolicy-light" and where[-2:] == ["kzpolicy-light"] * 2
    assert "kzpolicy-light" not in where[3:-2]
