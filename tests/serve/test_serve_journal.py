"""The journal over HTTP: ``POST /v1/timeline`` answers what ``kzpolicy timeline`` prints
for the same situations, ``POST /v1/assess`` and ``/v1/probabilities`` take a
``situation``, and a malformed one is answered 422 with the place and the fix."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from starlette.testclient import TestClient

import kzpolicy

Cli = Callable[..., tuple[int, str, str]]
EXAMPLES = Path(__file__).parents[2] / "examples" / "journal"


def _data(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    again: dict[str, Any] = json.loads(json.dumps(data, default=str))  # dates as JSON text
    return again


def test_timeline_is_the_cli_json(client: TestClient, cli: Cli) -> None:
    files = sorted(EXAMPLES.glob("*.yaml"))
    answer = client.post("/v1/timeline", json={"situations": [_data(p) for p in files]})
    assert answer.status_code == 200, answer.text
    status, out, _ = cli("timeline", str(EXAMPLES), "--format", "json")
    assert status == 0
    got, want = json.loads(answer.text), json.loads(out)
    for entry in want["entries"]:
        entry["file"] = None  # a request names no file
    assert got == want


def test_assess_with_a_situation_gives_the_evidence(client: TestClient, cli: Cli) -> None:
    path = EXAMPLES / "2014-03-18.yaml"
    answer = client.post("/v1/assess", json={"situation": _data(path)})
    assert answer.status_code == 200, answer.text
    result = kzpolicy.SituationAssessment.model_validate_json(answer.text)
    assert result.assessment.scenario.id == "distancing"
    d1 = next(e for e in result.evidence if e.condition == "D1")
    assert d1.source == "example: analyst's own judgement" and "T1" in d1.supports
    _, out, _ = cli("assess", "--file", str(path), "--format", "json")
    assert json.loads(out) == {**json.loads(answer.text), "file": str(path)}


def test_probabilities_with_a_situation_weighs_its_uncertain_beliefs(
        client: TestClient) -> None:
    data = _data(EXAMPLES / "2014-06-30.yaml")
    answer = client.post("/v1/probabilities", json={"situation": data})
    assert answer.status_code == 200, answer.text
    s = kzpolicy.situation(EXAMPLES / "2014-06-30.yaml")
    assert json.loads(answer.text) == json.loads(kzpolicy.probabilities(
        s.uncertain(), fixed=s.certain()).model_dump_json())


def test_a_malformed_situation_is_answered_with_the_place_and_the_fix(
        client: TestClient) -> None:
    bad = {"title": "t", "as_of": "2014-03-18", "beliefs": {"D1": 1.5}}
    answer = client.post("/v1/assess", json={"situation": bad})
    assert answer.status_code == 422
    message = answer.json()["message"]
    assert message.startswith("situation.beliefs.D1: 1.5 is not from 0 to 1; write")
    answer = client.post("/v1/timeline", json={"situations": [
        {"title": "t", "as_of": "2014-03-18", "beliefs": {"D9": True}}]})
    assert answer.status_code == 422
    assert "situations.0.beliefs.D9: unknown condition 'D9'" in answer.json()["message"]
