"""The article API and its job queue: submit, narrate once, report, refuse bad input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from narration.config import Settings
from narration.service.queue import JobQueue
from narration.store.jobs import MAX_ATTEMPTS, Submission
from tests.api_fixtures import AUTH, KEY, article, error_of
from tests.helpers import stop, wait_until_healthy
from tests.running import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def test_writes_need_a_valid_key(client: TestClient) -> None:
    body = {"markdown": article("Keys")}
    missing = client.post("/v1/articles", json=body)
    assert missing.status_code == 401
    assert error_of(missing)["code"] == "unauthorized"
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = client.post("/v1/articles", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    assert error_of(wrong)["code"] == "forbidden"
    not_bearer = client.post("/v1/articles", json=body, headers={"Authorization": KEY})
    assert not_bearer.status_code == 401


def test_article_is_narrated_published_and_reported(client: TestClient, settings: Settings) -> None:
    answer = client.post("/v1/articles", json={"markdown": article("Served")}, headers=AUTH)
    assert answer.status_code == 202
    accepted = answer.json()
    assert accepted["links"]["self"] == settings.url_for(f"v1/episodes/{accepted['id']}")
    episode = client.get(accepted["links"]["self"]).json()
    assert episode["status"] == "done"
    assert episode["error"] is None
    assert episode["title"] == "Served"
    assert episode["duration_s"] > 0
    audio_url = episode["audio_url"]
    assert audio_url.startswith(settings.base_url)
    audio_path = audio_url.removeprefix(settings.base_url)
    audio_file = settings.out_dir / audio_path.lstrip("/")
    assert audio_file.is_file() and audio_file.stat().st_size == episode["bytes"]
    for name in ("transcript_url", "chapters_url"):
        assert (settings.out_dir / episode[name].removeprefix(settings.base_url + "/")).is_file()
    feed = client.get("/feed.xml")
    assert feed.status_code == 200
    assert audio_url.encode() in feed.content
    assert client.get(audio_path).content == audio_file.read_bytes()


def test_metadata_given_with_the_article_wins(client: TestClient) -> None:
    body = {
        "text": "A plain text article. It has two sentences.",
        "title": "Given title",
        "author": "A. Writer",
        "published": "2026-11-27T08:00:00Z",
    }
    answer = client.post("/v1/articles", json=body, headers=AUTH)
    assert answer.status_code == 202
    episode = client.get(answer.json()["links"]["self"]).json()
    assert episode["status"] == "done"
    assert episode["title"] == "Given title"


def test_the_same_content_again_is_the_same_job_and_episode(
    client: TestClient, queue: JobQueue, settings: Settings
) -> None:
    body = {"markdown": article("Twice")}
    first = client.post("/v1/articles", json=body, headers=AUTH)
    second = client.post("/v1/articles", json=body, headers=AUTH)
    assert (first.status_code, second.status_code) == (202, 200)
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["status"] == "done"
    assert queue.catalog.count(settings.show.slug) == 1
    assert len(list((settings.out_dir / "episodes").glob("*.mp3"))) == 1
    assert client.get("/v1/episodes").json()["total"] == 1


def test_episodes_are_listed_newest_first_in_pages(client: TestClient) -> None:
    ids = []
    for n in range(3):
        answer = client.post("/v1/articles", json={"markdown": article(f"Page {n}")}, headers=AUTH)
        ids.append(answer.json()["id"])
        time.sleep(0.01)
    page = client.get("/v1/episodes", params={"limit": 2}).json()
    assert page["total"] == 3
    assert [item["id"] for item in page["items"]] == [ids[2], ids[1]]
    assert all(item["status"] == "done" for item in page["items"])
    rest = client.get(page["next"]).json()
    assert [item["id"] for item in rest["items"]] == [ids[0]]
    assert rest["next"] is None
    assert client.head("/v1/episodes").status_code == 200
    assert client.head(f"/v1/episodes/{ids[0]}").status_code == 200
    missing = client.get("/v1/episodes/nope")
    assert missing.status_code == 404
    assert error_of(missing)["code"] == "not_found"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": "No source"},
        {"text": "One.", "markdown": "# Two"},
        {"url": "https://example.com/a", "html": "<p>b</p>"},
    ],
)
def test_exactly_one_source(client: TestClient, body: dict[str, str]) -> None:
    answer = client.post("/v1/articles", json=body, headers=AUTH)
    assert answer.status_code == 422
    error = error_of(answer)
    assert error["code"] == "invalid_request"
    assert "exactly one of url, html, text or markdown" in error["message"]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b'{"text": "unterminated', "JSON"),
        (b"\xff\xfe\x00\x01binary", "JSON"),
        (b'{"text": 5}', "text"),
        (b'{"text": "ok", "published": "yesterday"}', "published"),
        (b'{"text": "ok", "colour": "blue"}', "colour"),
        (b"[1, 2]", ""),
    ],
)
def test_malformed_bodies_answer_422_in_the_error_shape(
    client: TestClient, content: bytes, fragment: str
) -> None:
    headers = {**AUTH, "Content-Type": "application/json"}
    answer = client.post("/v1/articles", content=content, headers=headers)
    assert answer.status_code == 422
    assert fragment in error_of(answer)["message"]


def test_a_body_over_2_mb_is_refused_while_read(client: TestClient) -> None:
    big = json.dumps({"text": "word " * (600 * 1024)}).encode()
    assert len(big) > 3 * 1024 * 1024 - 200_000
    declared = client.post(
        "/v1/articles", content=big, headers={**AUTH, "Content-Type": "application/json"}
    )
    assert declared.status_code == 413
    assert error_of(declared)["code"] == "too_large"

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(big), 64 * 1024):
            yield big[start : start + 64 * 1024]

    # No Content-Length: the body is counted as it arrives.
    streamed = client.post(
        "/v1/articles", content=chunks(), headers={**AUTH, "Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    assert "2 MB" in error_of(streamed)["message"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"text": "\x00\x01\x02\x03 binary \x00\x05"}, "binary"),
        ({"text": "   \n\t "}, "empty"),
        ({"html": "<html><body><script>x()</script></body></html>"}, ""),
        ({"markdown": "---\ntitle: x\n---\n"}, ""),
    ],
)
def test_binary_or_empty_articles_are_refused_with_a_message(
    client: TestClient, queue: JobQueue, body: dict[str, str], fragment: str
) -> None:
    answer = client.post("/v1/articles", json=body, headers=AUTH)
    assert answer.status_code == 422
    error = error_of(answer)
    assert error["code"] == "bad_input"
    assert fragment in error["message"] and error["message"]
    assert queue.store.count() == 0


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("http://127.0.0.1:8000/admin", "refused: 127.0.0.1 is a loopback address"),
        ("http://[::1]/", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.0.0.1/", "private"),
        ("file:///etc/passwd", "only http and https"),
    ],
)
def test_urls_inside_our_network_are_refused(
    client: TestClient, queue: JobQueue, url: str, fragment: str
) -> None:
    answer = client.post("/v1/articles", json={"url": url}, headers=AUTH)
    assert answer.status_code == 422
    assert fragment in error_of(answer)["message"]
    callback = client.post(
        "/v1/articles",
        json={"text": "Fine text. Two sentences.", "callback_url": url},
        headers=AUTH,
    )
    assert callback.status_code == 422
    assert queue.store.count() == 0


def test_the_api_is_described_by_openapi(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/v1/articles", "/v1/episodes", "/v1/episodes/{episode_id}"} <= set(spec["paths"])
    assert "ArticleIn" in spec["components"]["schemas"]


def test_an_unknown_show_is_refused(client: TestClient) -> None:
    answer = client.post(
        "/v1/articles", json={"text": "Some text here.", "show": "other"}, headers=AUTH
    )
    assert answer.status_code == 422
    assert "unknown show" in error_of(answer)["message"]


def test_an_expired_lease_is_reaped_and_the_job_completes_once(queue: JobQueue) -> None:
    store = queue.store
    job, new = store.enqueue(Submission("markdown", article("Lease"), "default"))
    assert new and job.status == "queued"
    held = store.claim(job.id, "lost-worker", lease_s=0.05)
    assert held is not None and held.status == "running"
    # Held under a live lease, nobody else may take it.
    assert store.claim(job.id, "other", lease_s=30) is None
    time.sleep(0.1)
    assert store.reap(stale_after_s=60) == [job.id]
    again = store.get(job.id)
    assert again is not None and again.status == "queued" and again.lease_owner is None
    assert queue.runner.run(job.id) == "done"
    assert queue.runner.run(job.id) is None
    done = store.get(job.id)
    assert done is not None and done.status == "done" and done.attempts == 2
    assert done.episode_id is not None
    # The lost worker coming back cannot overwrite the result.
    assert store.fail(job.id, "lost-worker", "late") == "running"
    assert queue.catalog.count("default") == 1
    assert store.reap(stale_after_s=60) == []


def test_the_reaper_requeues_through_the_task_queue(queue: JobQueue) -> None:
    job, _ = queue.store.enqueue(Submission("markdown", article("Reaped"), "default"))
    assert queue.store.claim(job.id, "killed-worker", lease_s=0.01) is not None
    time.sleep(0.05)
    assert queue.reap() == [job.id]
    done = queue.store.get(job.id)
    assert done is not None and done.status == "done"


def test_a_job_fails_for_good_after_three_attempts(queue: JobQueue) -> None:
    store = queue.store
    job, _ = store.enqueue(Submission("text", "Some text. More text.", "default"))
    statuses = []
    for attempt in range(MAX_ATTEMPTS):
        assert store.claim(job.id, "w", lease_s=30) is not None
        statuses.append(store.fail(job.id, "w", f"voice crashed ({attempt})"))
    assert statuses == ["queued", "queued", "failed"]
    failed = store.get(job.id)
    assert failed is not None and failed.error == "voice crashed (2)"
    assert store.claim(job.id, "w", lease_s=30) is None


def test_bad_input_found_while_narrating_fails_at_once(queue: JobQueue) -> None:
    job, _ = queue.store.enqueue(Submission("url", "http://127.0.0.1:9/x", "default"))
    assert queue.runner.run(job.id) == "failed"
    failed = queue.store.get(job.id)
    assert failed is not None and failed.attempts == 1
    assert failed.error is not None and "loopback" in failed.error


def test_narration_serve_is_a_complete_service(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "NARRATION_VOICE": "fake:tone",
        "NARRATION_API_KEYS": '["k"]',
        "NARRATION_WORKERS": "1",
    }
    out = tmp_path / "out"
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.run_with_fake",
            "serve",
            "--port",
            str(port),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=10, trust_env=False) as http:
            wait_until_healthy(
                http, lambda: proc.poll() is None, lambda: (tmp_path / "serve.log").read_text()
            )
            answer = http.post(
                "/v1/articles",
                json={"markdown": article("Over HTTP")},
                headers={"Authorization": "Bearer k"},
            )
            assert answer.status_code == 202, answer.text
            link = answer.json()["links"]["self"]
            deadline = time.monotonic() + 60
            while (episode := http.get(link, headers={"Authorization": "Bearer k"}).json())[
                "status"
            ] in ("queued", "running"):
                assert time.monotonic() < deadline, episode
                time.sleep(0.2)
            assert episode["status"] == "done", episode
            assert episode["audio_url"].startswith(base + "/episodes/")
            feed = http.get("/feed.xml")
            assert feed.status_code == 200
            assert episode["audio_url"].encode() in feed.content
            audio = http.get(episode["audio_url"])
            assert audio.status_code == 200 and len(audio.content) == episode["bytes"]
    finally:
        try:
            stop(proc, signal.SIGINT)
        finally:
            log.close()
    assert proc.returncode == 0, (tmp_path / "serve.log").read_text()


def test_a_separate_worker_narrates_what_the_api_queued(settings: Settings, tmp_path: Path) -> None:
    # No queue given: the app puts jobs on the SQLite queue in the output directory.
    with TestClient(create_app(settings)) as http:
        answer = http.post("/v1/articles", json={"markdown": article("Queued")}, headers=AUTH)
        assert answer.status_code == 202
        assert answer.json()["status"] == "queued"
        link = answer.json()["links"]["self"]
        env = {**os.environ, "NARRATION_VOICE": "fake:tone", "NARRATION_WORKERS": "1"}
        log = (tmp_path / "worker.log").open("wb")
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.run_with_fake", "worker", "--out", str(settings.out_dir)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 90
            while (episode := http.get(link, headers=AUTH).json())["status"] in (
                "queued",
                "running",
            ):
                assert worker.poll() is None, (tmp_path / "worker.log").read_text()
                assert time.monotonic() < deadline, episode
                time.sleep(0.2)
            assert episode["status"] == "done", episode
            assert http.get("/feed.xml").content.count(b"<enclosure") == 1
        finally:
            try:
                stop(worker)
            finally:
                log.close()
        assert worker.returncode == 0, (tmp_path / "worker.log").read_text()
        http.app.state.queue.close()  # type: ignore[attr-defined]
