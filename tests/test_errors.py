"""Errors say what happened and no more: a 500 names a request id, never SQL, a path or a
URL; the detail is in the log; /healthz answers 503 when the database cannot be used."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.api_fixtures import AUTH, make_settings

SECRET = "S3cretPass"


def _leaks(text: str, tmp_path: Path) -> list[str]:
    found = [word for word in ("SELECT", "INSERT", "sqlite", "postgresql", SECRET) if word in text]
    if str(tmp_path) in text:
        found.append("a path")
    return found


def test_a_broken_catalog_answers_500_with_a_request_id_and_no_detail(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path)
    state = settings.state_dir
    state.mkdir(parents=True)
    (state / "catalog.sqlite").write_bytes(b"this is not a database" * 100)
    with TestClient(create_app(settings)) as client, caplog.at_level(logging.ERROR):
        answer = client.get("/v1/episodes", headers={**AUTH, "X-Request-ID": "req-42"})
        assert answer.status_code == 500
        body = answer.json()["error"]
        assert body["code"] == "internal_error"
        assert "req-42" in body["message"] and answer.headers["x-request-id"] == "req-42"
        assert _leaks(answer.text, tmp_path) == []
        # The detail went to the log, under the request's id.
        assert any("req-42" in r.getMessage() for r in caplog.records)
        health = client.get("/healthz")
        assert health.status_code == 503
        assert "database" in health.text and _leaks(health.text, tmp_path) == []


def test_a_database_that_is_down_never_shows_its_password(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"postgresql+psycopg://narr:{SECRET}@127.0.0.1:9/narration"
    settings = make_settings(tmp_path, database_url=url)
    with TestClient(create_app(settings)) as client, caplog.at_level(logging.ERROR):
        answer = client.get("/v1/episodes", headers=AUTH)
        assert answer.status_code == 500
        assert _leaks(answer.text, tmp_path) == []
        assert client.get("/healthz").status_code == 503
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert logged and SECRET not in logged


def test_a_request_id_is_made_when_none_or_a_strange_one_is_given(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path))) as client:
        plain = client.get("/healthz")
        strange = client.get("/healthz", headers={"X-Request-ID": "<script>"})
        assert plain.status_code == 200 and plain.json() == {"status": "ok"}
        assert len(plain.headers["x-request-id"]) == 32
        assert strange.headers["x-request-id"] != "<script>"


def test_service_logs_are_json_lines_with_the_request_id_and_no_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    from narration import logs

    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        logs.configure(as_json=True)
        token = logs.request_id.set("req-7")
        logging.getLogger("narration.test").info("connecting to postgresql://u:%s@db/x", SECRET)
        logs.request_id.reset(token)
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["request_id"] == "req-7" and line["level"] == "INFO"
    assert SECRET not in line["message"] and "u:***@db" in line["message"]


def test_an_app_closes_the_database_it_opened_when_it_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from narration.store.database import Database

    closed: list[Database] = []
    real_close = Database.close
    monkeypatch.setattr(Database, "close", lambda db: (closed.append(db), real_close(db))[1])
    app = create_app(make_settings(tmp_path))
    with TestClient(app) as client:
        assert client.get("/v1/episodes", headers=AUTH).status_code == 200
        opened = app.state.db
        assert closed == []
    assert closed == [opened] and app.state.db is None and app.state.queue is None
