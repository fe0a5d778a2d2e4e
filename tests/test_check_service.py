"""The listening check in the service, with the real recogniser and the espeak-ng voice:
the gate (``check_max_wer``) refuses to publish an episode heard wrong and publishes one
heard right; a check after publishing reads the published files and never changes them;
the check shows in the episode's JSON, its callback and ``GET /v1/episodes/{id}/check``."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from narration.check.report import Check
from narration.config import Settings
from narration.service import callbacks, checking
from narration.service.queue import JobQueue
from narration.store.checks import CheckStore
from tests.api_fixtures import AUTH, error_of, make_settings
from tests.running import RunningService

pytestmark = [pytest.mark.slow, pytest.mark.espeak]

ARTICLE = """---
title: The new bridge opens
language: en
---

The new bridge over the river opened on Monday morning. Hundreds of people walked across
it in the sunshine.

It took two years to build.
"""
# Respellings that read common words as nonsense: the episode is heard far from its text.
GARBLING = """[words]
bridge = "Zorp-kwee"
river = "Blen-tockle"
people = "Frim-ploo"
sunshine = "Gax-ovvit"
"""


def _client(tmp_path: Path, **changes: object) -> Iterator[tuple[TestClient, JobQueue, Settings]]:
    values: dict[str, object] = {"voice": "pyttsx3:en", "check_cache_dir": tmp_path / "model"}
    settings = make_settings(tmp_path, **{**values, **changes})
    queue = JobQueue(settings, immediate=True)
    try:
        with TestClient(create_app(settings, queue)) as client:
            yield client, queue, settings
    finally:
        queue.close()


def _submit(client: TestClient) -> dict[str, object]:
    answer = client.post("/v1/articles", json={"markdown": ARTICLE}, headers=AUTH)
    assert answer.status_code == 202, answer.text
    view: dict[str, object] = client.get(answer.json()["links"]["self"], headers=AUTH).json()
    return view


def _published(settings: Settings) -> dict[str, str]:
    """The published files (not the service's own state) and their hashes."""
    return {
        str(p.relative_to(settings.out_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(settings.out_dir.rglob("*"))
        if p.is_file() and ".narration" not in p.parts
    }


def _callback_body(queue: JobQueue, settings: Settings, job_id: str) -> dict[str, object]:
    job = queue.store.get(job_id)
    assert job is not None
    with_url = dataclasses.replace(
        job, submission=dataclasses.replace(job.submission, callback_url="https://example.com/")
    )
    ep = queue.catalog.get(job.episode_id) if job.episode_id else None
    ready = callbacks.prepared(with_url, ep, settings, queue.catalog)
    assert ready is not None
    body: dict[str, object] = json.loads(ready[0])
    return body


def test_the_gate_refuses_an_episode_above_the_limit(tmp_path: Path) -> None:
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text(GARBLING, encoding="utf-8")
    for client, queue, settings in _client(tmp_path, check_max_wer=0.2, lexicon_path=lexicon):
        view = _submit(client)
        assert view["status"] == "failed"
        error = str(view["error"])
        assert error.startswith("failed the listening check: word error rate"), error
        assert "above 0.20" in error and "The new bridge over the river" in error
        # Nothing of it is published: no catalog row, no feed item, no files.
        assert queue.catalog.list("default") == []
        assert not list((settings.out_dir / "episodes").glob("*.mp3"))
        assert b"<item>" not in client.get("/feed.xml").content
        body = _callback_body(queue, settings, str(view["id"]))
        assert body["status"] == "failed"
        assert str(body["error"]).startswith("failed the listening check")


def test_the_gate_publishes_an_episode_below_the_limit(tmp_path: Path) -> None:
    for client, queue, settings in _client(tmp_path, check_max_wer=0.2):
        view = _submit(client)
        assert view["status"] == "done", view
        check = view["check"]
        assert isinstance(check, dict)
        assert check["wer"] <= 0.2 and check["sentences"] == 5 and check["flagged"] == []
        assert len(queue.catalog.list("default")) == 1
        assert b"<item>" in client.get("/feed.xml").content
        assert _callback_body(queue, settings, str(view["id"]))["check"] == check
        answer = client.get(f"/v1/episodes/{view['id']}/check", headers=AUTH)
        assert answer.status_code == 200
        found = answer.json()
        assert found["wer"] == check["wer"] and found["flagged"] == []
        assert found["naturalness"] == check["naturalness"]
        assert 1 <= found["naturalness"]["mos"] <= 5 and 1 <= found["naturalness"]["ovrl"] <= 5
        assert found["audio_url"] == view["audio_url"]
        # Its editors' page, which lists the same check.
        catalog_id = str(view["page_url"]).rsplit("/", 1)[-1]
        assert found["page_url"] == settings.url_for(f"editor/checks/{catalog_id}")
        assert client.get(f"/editor/checks/{catalog_id}").status_code == 200
        # The check is for the key that submitted the episode.
        assert client.get(f"/v1/episodes/{view['id']}/check").status_code == 401


def test_a_check_after_publishing_leaves_the_published_files_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before: dict[str, str] = {}
    heard = checking.after_publishing

    def hashed_first(*args: object) -> bool:
        # The episode is published (feed, audio, transcript) when its check starts.
        before.update(_published(settings))
        return heard(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(checking, "after_publishing", hashed_first)
    for client, _queue, settings in _client(tmp_path, check=True):
        view = _submit(client)
        assert view["status"] == "done"
        assert any(name.endswith(".mp3") for name in before)
        assert _published(settings) == before
        self_link = str(view["links"]["self"])  # type: ignore[index]
        check = client.get(self_link, headers=AUTH).json()["check"]
        assert isinstance(check, dict) and check["flagged"] == []
        assert set(check) >= {"wer", "sentences", "flagged", "lexicon_suggestions"}


def test_an_episode_not_checked_yet_answers_404(tmp_path: Path) -> None:
    for client, _queue, _settings in _client(tmp_path, voice="fake:tone"):
        view = _submit(client)
        assert view["status"] == "done" and view["check"] is None
        answer = client.get(f"/v1/episodes/{view['id']}/check", headers=AUTH)
        assert answer.status_code == 404
        assert "has not been checked yet" in error_of(answer)["message"]


def test_a_check_waits_while_a_narration_is_queued(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, check=True, check_cache_dir=tmp_path / "model")
    queue = JobQueue(settings)  # nobody consumes: tasks stay in the queue
    try:
        queue.narrate_job("0" * 32)
        queue.check_job("1" * 32)
        pending = {task.name: task for task in queue.huey.pending()}
        assert set(pending) == {"narrate_job", "check_job"}
        # Lower than every narration, so a worker takes the narration first.
        assert pending["check_job"].priority == checking.CHECK_PRIORITY < 0
        assert pending["narrate_job"].priority in (None, 0)
        # Run while the narration waits, it puts itself off instead of checking.
        queue._check_job("1" * 32)
        checks = [task for task in queue.huey.pending() if task.name == "check_job"]
        assert len(checks) == 2 and sum(task.eta is not None for task in checks) == 1
        assert not (tmp_path / "model").exists()  # the model was never needed
    finally:
        queue.close()


def test_one_check_at_a_time_holds_a_consumer_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second check while one is heard puts itself off, so the service's other consumer
    threads stay free to take a narration submitted meanwhile."""
    settings = make_settings(tmp_path, check=True, check_cache_dir=tmp_path / "model")
    queue = JobQueue(settings)  # nobody consumes: tasks stay in the queue
    hearing, release = threading.Event(), threading.Event()
    heard: list[str] = []

    def slow_hearing(store: object, catalog: object, s: object, job_id: str, hear: object) -> bool:
        heard.append(job_id)
        hearing.set()
        release.wait(60)
        return False

    monkeypatch.setattr(checking, "after_publishing", slow_hearing)
    first = threading.Thread(target=queue._check_job, args=("1" * 32,))
    try:
        first.start()
        assert hearing.wait(30)
        started = time.monotonic()
        queue._check_job("2" * 32)  # returns at once instead of waiting its turn
        assert time.monotonic() - started < 5
        checks = [task for task in queue.huey.pending() if task.name == "check_job"]
        assert [task.args for task in checks] == [("2" * 32,)] and checks[0].eta is not None
        release.set()
        first.join(30)
        queue._check_job("2" * 32)  # the first is done: this one is heard now
        assert heard == ["1" * 32, "2" * 32]
    finally:
        release.set()
        queue.close()


def test_deleting_an_episode_deletes_its_check(tmp_path: Path) -> None:
    for client, queue, _settings in _client(tmp_path, voice="fake:tone"):
        view = _submit(client)
        [ep] = queue.catalog.list("default")
        # A check as a worker keeps it (the fake voice's tones are not worth hearing).
        CheckStore(queue.db).save(
            ep.id, ep.content_hash, Check(wer=0.5, language="en", sentences=())
        )
        assert client.get(f"/v1/episodes/{view['id']}/check", headers=AUTH).status_code == 200
        assert client.delete(f"/v1/episodes/{view['id']}", headers=AUTH).status_code == 204
        assert CheckStore(queue.db).get(ep.id) is None


def test_the_service_checks_after_publishing_where_the_extra_is_installed(
    tmp_path: Path,
) -> None:
    assert checking.installed()
    unset = make_settings(tmp_path, check=None)
    assert checking.after_publishing_on(unset)
    assert not checking.after_publishing_on(make_settings(tmp_path, check=False))
    # With a limit the episode is heard before publishing, not again after.
    assert not checking.after_publishing_on(make_settings(tmp_path, check=None, check_max_wer=0.2))


def _mapped(pid: int, needle: str) -> bool:
    maps = Path(f"/proc/{pid}/maps").read_text()
    return any(needle in line for line in maps.splitlines())


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(child) for child in text]
    return found + [grandchild for child in found for grandchild in _children(child)]


def test_the_running_service_hears_episodes_in_a_process_of_its_own(tmp_path: Path) -> None:
    env = {
        "NARRATION_VOICE": "pyttsx3:en",
        "NARRATION_API_KEYS": '["k"]',
        "NARRATION_CHECK": "true",
        "NARRATION_CHECK_CACHE_DIR": str(tmp_path / "model"),
    }
    service = RunningService(tmp_path, env).start()
    try:
        headers = {"Authorization": "Bearer k"}
        job = service.narrate({"markdown": ARTICLE}, headers)
        link = f"/v1/episodes/{job['id']}/check"
        deadline = time.monotonic() + 180
        while service.http.get(link, headers=headers).status_code != 200:
            assert time.monotonic() < deadline, service.log()
            time.sleep(0.2)
        check = service.http.get(link, headers=headers).json()
        assert check["wer"] < 0.2, check
        assert service.proc is not None
        pid = service.proc.pid
        # The recogniser's library is loaded in a child process kept for checks, never in
        # the service's own.
        assert not _mapped(pid, "ctranslate2")
        assert [child for child in _children(pid) if _mapped(child, "ctranslate2")]
    finally:
        service.close()
