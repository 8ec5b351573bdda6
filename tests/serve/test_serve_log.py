"""`kzpolicy serve --log`: every answer of the API is logged, one line each, and
`POST /v1/replay` replays a log sent in the body as `kzpolicy.replay` does."""

from __future__ import annotations

import json
from pathlib import Path

import kzpolicy
from kzpolicy.journal.log import DecisionLog

from .conftest import local


def test_every_answer_is_logged_and_replays(tmp_path: Path) -> None:
    from kzpolicy.serve import create_app

    path = tmp_path / "decisions.jsonl"
    with DecisionLog(path) as log, local(create_app(log=log)) as client:
        assert client.post("/v1/assess", json={"conditions": ["D1"]}).status_code == 200
        assert client.post("/v1/assess", json={"conditions": {"D1": True},
                                               "reading": "stated-only"}).status_code == 200
        assert client.post("/v1/report", json={"preset": "article-2010"}).status_code == 200
        assert client.post("/v1/what-if", json={"changes": {"D1": True}}).status_code == 200
        assert client.post("/v1/assess", json={"conditions": ["D9"]}).status_code == 422
        lines = [json.loads(x) for x in path.read_text().splitlines()]
        assert [x["operation"] for x in lines] == ["assess", "assess", "report", "what-if"]
        assert lines[1]["reading"] == "stated-only" and lines[1]["scenario"] == "undecided"
        assert lines[3]["scenario"] is None and lines[3]["flagged"] is None

        r = kzpolicy.replay(path)
        assert (r.replayed, r.changed, r.skipped) == (3, 1, 1)
        assert r.changes[0].line == 2 and r.changes[0].scenario_after == "balance"

        expected = kzpolicy.replay(path, reading="stated-only", max_changes=1_000)
        answer = client.post("/v1/replay", json={"log": path.read_text(),
                                                 "reading": "stated-only"})
        assert answer.status_code == 200
        api = kzpolicy.Replay.model_validate(answer.json())
        assert api.model_copy(update={"log": str(path)}) == expected
        bad = client.post("/v1/replay", json={"log": "{}\n{}\n"})
        assert bad.status_code == 422 and "not a logged decision" in bad.text
        *_, last = records = path.read_text().splitlines()
        assert len(records) == 5  # the replay answer is logged too, the log it got by hash
        assert set(json.loads(last)["input"]) == {"reading", "max_changes", "log_bytes",
                                                  "log_sha256"}
