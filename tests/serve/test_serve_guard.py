"""Only its own pages may drive the server (issue 21, F2, F9, F18): the Host allow-list,
the Origin check, JSON bodies only, no CORS grant, the security headers on every answer,
and the JSON Schemas built once."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from kzpolicy.serve import create_app
from kzpolicy.serve.guard import JSON_POLICY, REPORT_POLICY

from .conftest import local


def _with_host(client: TestClient, host: str, **headers: str) -> Any:
    return client.get("/v1/kb", headers={"host": host, **headers})


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:8000",
                                  "[::1]:8000", "LOCALHOST.", "[::1]"])
def test_the_loopback_names_are_answered(client: TestClient, host: str) -> None:
    assert _with_host(client, host).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example",
                                  "testserver", "10.0.0.5"])
def test_another_host_is_refused_naming_the_option(client: TestClient, host: str) -> None:
    answer = _with_host(client, host)
    assert answer.status_code == 403
    data = answer.json()
    assert data["error"] == "HostNotAllowed"
    assert f"--allowed-host {host.split(':')[0]}" in data["message"]


def test_the_host_served_on_and_allowed_hosts_are_answered() -> None:
    app = create_app(host="10.0.0.5", allowed=["kz.example", "[fe80::1]"])
    client = local(app)
    for host in ("10.0.0.5:8000", "kz.example", "KZ.example:80", "[fe80::1]:8000", "localhost"):
        assert _with_host(client, host).status_code == 200, host
    assert _with_host(client, "other.example").status_code == 403
    everywhere = local(create_app(host="0.0.0.0"))
    assert _with_host(everywhere, "0.0.0.0").status_code == 403  # not a name to reach it by


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://localhost:9999",
                                    "https://evil.example:8000", "file://"])
def test_a_foreign_origin_is_refused(client: TestClient, origin: str) -> None:
    answer = client.post("/v1/assess", json={}, headers={"origin": origin})
    assert answer.status_code == 403
    assert answer.json()["error"] == "OriginNotAllowed"
    assert _with_host(client, "localhost", origin=origin).status_code == 403


def test_the_servers_own_origin_is_answered(client: TestClient) -> None:
    answer = client.post("/v1/assess", json={}, headers={"origin": "http://localhost"})
    assert answer.status_code == 200
    served = client.post("/v1/assess", json={},
                         headers={"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:8000"})
    assert served.status_code == 200


@pytest.mark.parametrize("content_type", [None, "text/plain", "text/plain;charset=UTF-8",
                                          "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x",
                                          "application/json; charset=latin-1"])
def test_a_body_not_declared_json_is_415(client: TestClient, content_type: str | None) -> None:
    headers = {} if content_type is None else {"content-type": content_type}
    answer = client.post("/v1/assess", content=b'{"conditions": ["D1"]}', headers=headers)
    assert answer.status_code == 415
    assert answer.json()["error"] == "UnsupportedMediaType"
    assert "Content-Type: application/json" in answer.json()["message"]


@pytest.mark.parametrize("content_type", ["application/json", "Application/JSON",
                                          "application/json; charset=utf-8",
                                          'application/json;charset="UTF-8"'])
def test_json_is_json_whatever_its_spelling(client: TestClient, content_type: str) -> None:
    answer = client.post("/v1/assess", content=b'{"conditions": ["D1"]}',
                         headers={"content-type": content_type})
    assert answer.status_code == 200


def test_no_cors_grant_is_ever_made(client: TestClient) -> None:
    preflight = client.options("/v1/assess", headers={
        "origin": "http://localhost", "access-control-request-method": "POST",
        "access-control-request-headers": "content-type"})
    answers = [preflight, client.post("/v1/assess", json={}),
               client.post("/v1/assess", json={}, headers={"origin": "http://localhost"})]
    for answer in answers:
        assert not [h for h in answer.headers if h.lower().startswith("access-control-")]
    assert preflight.status_code == 405


@pytest.mark.parametrize(("method", "path", "body", "policy"), [
    ("GET", "/v1/kb", None, JSON_POLICY),
    ("GET", "/v1/schema?which=assessment", None, JSON_POLICY),
    ("GET", "/v1/nothing", None, JSON_POLICY),
    ("POST", "/v1/assess", {}, JSON_POLICY),
    ("POST", "/v1/assess", {"conditions": ["D9"]}, JSON_POLICY),
    ("POST", "/v1/report", {}, REPORT_POLICY),
])
def test_every_answer_carries_the_security_headers(
        client: TestClient, method: str, path: str, body: dict[str, Any] | None,
        policy: str) -> None:
    answer = client.request(method, path, json=body)
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["content-security-policy"] == policy
    assert answer.headers["referrer-policy"] == "no-referrer"
    refused = client.get("/v1/kb", headers={"host": "evil.example"})
    assert refused.headers["x-content-type-options"] == "nosniff"
    assert refused.headers["content-security-policy"] == JSON_POLICY


def test_the_report_runs_no_script(client: TestClient) -> None:
    html = client.post("/v1/report", json={"preset": "article-2010"}).text
    assert "<script" not in html
    assert "script-src" not in REPORT_POLICY


def test_the_page_keeps_its_own_policy(client: TestClient) -> None:
    policy = client.get("/").headers["content-security-policy"]
    assert "script-src 'sha256-" in policy


def test_the_json_schemas_are_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import kzpolicy.report.schemas

    real = kzpolicy.report.schemas.schemas
    calls: list[int] = []

    def counted() -> Any:
        calls.append(1)
        return real()

    monkeypatch.setattr(kzpolicy.report.schemas, "schemas", counted)
    app: Starlette = create_app()
    client = local(app)
    first = client.get("/v1/schema")
    for which in ("all", "assessment", "tipping-points", "all"):
        assert client.get(f"/v1/schema?which={which}").status_code == 200
    assert client.get("/v1/schema").text == first.text
    assert client.get("/v1/schema?which=nope").status_code == 404
    assert len(calls) == 1
