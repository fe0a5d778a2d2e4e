"""New versions of episodes (PUT), deleting them (DELETE) and CORS for site origins."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from narration.config import Settings
from narration.keys import key_fingerprint
from narration.service.queue import JobQueue
from narration.store.jobs import Submission
from narration.store.removals import Removals
from tests.api_fixtures import AUTH, KEY, article, error_of, local, make_settings, narrate

pytestmark = pytest.mark.slow

OWN = key_fingerprint(KEY)

SITE = "https://news.example"


def test_a_new_version_has_new_audio_and_the_same_guid(
    client: TestClient, settings: Settings
) -> None:
    first = narrate(client, {"markdown": article("Budget", "The first draft. It is short.")})
    revised = {"markdown": article("Budget revised", "A corrected text. With more in it.")}
    answer = client.put(f"/v1/episodes/{first['id']}", json=revised, headers=AUTH)
    assert answer.status_code == 202, answer.text
    new_id = answer.json()["id"]
    assert new_id != first["id"]
    second = client.get(f"/v1/episodes/{new_id}").json()
    assert second["status"] == "done"
    assert second["guid"] == first["guid"]
    assert second["title"] == "Budget revised"
    assert second["audio_url"] != first["audio_url"]
    assert local(settings, second["audio_url"]).is_file()
    # The first id follows its episode to the new version.
    assert client.get(f"/v1/episodes/{first['id']}").json()["audio_url"] == second["audio_url"]
    feed = client.get("/feed.xml").text
    assert feed.count(str(first["guid"])) == 1
    assert str(second["audio_url"]) in feed and str(first["audio_url"]) not in feed
    # Listeners part-way through the old audio keep it for the grace period.
    assert local(settings, first["audio_url"]).is_file()
    again = client.put(f"/v1/episodes/{first['id']}", json=revised, headers=AUTH)
    assert again.status_code == 200
    assert again.json()["id"] == new_id


def test_a_new_version_needs_a_key_a_narrated_episode_and_one_source(
    client: TestClient, queue: JobQueue, settings: Settings
) -> None:
    done = narrate(client, {"markdown": article("Keyed")})
    body = {"text": "New text. Second sentence."}
    url = f"/v1/episodes/{done['id']}"
    assert client.put(url, json=body).status_code == 401
    assert client.put(url, json=body, headers={"Authorization": "Bearer nope"}).status_code == 403
    two = client.put(url, json={**body, "html": "<p>x</p>"}, headers=AUTH)
    assert two.status_code == 422
    assert error_of(two)["code"] == "invalid_request"
    other_show = client.put(url, json={**body, "show": "other"}, headers=AUTH)
    assert other_show.status_code == 409
    missing = client.put("/v1/episodes/nope", json=body, headers=AUTH)
    assert missing.status_code == 404
    assert error_of(missing)["code"] == "not_found"
    waiting, _ = queue.store.enqueue(
        Submission("text", "Not narrated yet.", settings.show.slug, key_id=OWN)
    )
    busy = client.put(f"/v1/episodes/{waiting.id}", json=body, headers=AUTH)
    assert busy.status_code == 409
    assert error_of(busy)["code"] == "conflict"


def test_a_new_version_with_no_grace_removes_the_old_files(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, delete_grace_s=0)
    queue = JobQueue(settings, immediate=True)
    try:
        with TestClient(create_app(settings, queue)) as client:
            first = narrate(client, {"markdown": article("Swap", "Before. The old one.")})
            body = {"markdown": article("Swap", "After. The new one is here.")}
            answer = client.put(f"/v1/episodes/{first['id']}", json=body, headers=AUTH)
            second = client.get(answer.json()["links"]["self"]).json()
            assert second["status"] == "done"
            assert not local(settings, first["audio_url"]).exists()
            assert not local(settings, first["transcript_url"]).exists()
            assert local(settings, second["audio_url"]).is_file()
            assert local(settings, second["chapters_url"]).is_file()
    finally:
        queue.close()


def test_a_deleted_episode_leaves_the_feed_and_answers_404(
    client: TestClient, queue: JobQueue, settings: Settings
) -> None:
    ep = narrate(client, {"markdown": article("Retracted")})
    kept = narrate(client, {"markdown": article("Kept")})
    url = f"/v1/episodes/{ep['id']}"
    assert client.delete(url).status_code == 401
    assert client.delete(url, headers={"Authorization": "Bearer nope"}).status_code == 403
    answer = client.delete(url, headers=AUTH)
    assert answer.status_code == 204
    assert answer.content == b""
    assert error_of(client.get(url))["code"] == "not_found"
    assert client.delete(url, headers=AUTH).status_code == 404
    feed = client.get("/feed.xml").text
    assert str(ep["guid"]) not in feed and str(kept["guid"]) in feed
    listed = client.get("/v1/episodes").json()
    assert [item["id"] for item in listed["items"]] == [kept["id"]]
    # Within the grace period the files stay; a sweep after it removes them.
    names = ("audio_url", "transcript_url", "chapters_url", "peaks_url")
    files = [local(settings, ep[name]) for name in names]
    assert all(path.is_file() for path in files)
    later = settings.replaced(delete_grace_s=0)
    assert Removals(queue.db, settings).sweep() == []
    assert len(Removals(queue.db, later).sweep()) == 4
    assert not any(path.exists() for path in files)
    assert local(settings, kept["audio_url"]).is_file()


def test_deleting_with_no_grace_removes_the_files_at_once(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, delete_grace_s=0)
    queue = JobQueue(settings, immediate=True)
    try:
        with TestClient(create_app(settings, queue)) as client:
            ep = narrate(client, {"markdown": article("Gone")})
            audio = local(settings, ep["audio_url"])
            assert client.head(str(ep["audio_url"]).removeprefix(settings.base_url)).is_success
            assert client.delete(f"/v1/episodes/{ep['id']}", headers=AUTH).status_code == 204
            assert not audio.exists()
            assert (
                client.get(str(ep["audio_url"]).removeprefix(settings.base_url)).status_code == 404
            )
            # The same article sent again is narrated again, and its files stay.
            back = narrate(client, {"markdown": article("Gone")})
            assert back["id"] != ep["id"] and back["guid"] == ep["guid"]
            assert audio.is_file()
            assert Removals(queue.db, settings).sweep() == []
            assert audio.is_file()
    finally:
        queue.close()


def test_deleting_a_failed_job_or_a_running_one(
    client: TestClient, queue: JobQueue, settings: Settings
) -> None:
    failed, _ = queue.store.enqueue(
        Submission("text", "Will fail.", settings.show.slug, key_id=OWN)
    )
    assert queue.store.claim(failed.id, "tester", 60) is not None
    assert queue.store.fail(failed.id, "tester", "no voice", permanent=True) == "failed"
    assert client.delete(f"/v1/episodes/{failed.id}", headers=AUTH).status_code == 204
    assert client.get(f"/v1/episodes/{failed.id}").status_code == 404
    waiting, _ = queue.store.enqueue(
        Submission("text", "Still waiting.", settings.show.slug, key_id=OWN)
    )
    busy = client.delete(f"/v1/episodes/{waiting.id}", headers=AUTH)
    assert busy.status_code == 409
    assert client.get(f"/v1/episodes/{waiting.id}", headers=AUTH).json()["status"] == "queued"


@pytest.fixture
def cors_client(tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, cors_origins=[SITE])
    with TestClient(create_app(settings, JobQueue(settings))) as test_client:
        yield test_client
    test_client.app.state.queue.close()


def test_cors_preflight_from_a_site_origin(cors_client: TestClient) -> None:
    ask = {"Origin": SITE, "Access-Control-Request-Method": "GET"}
    allowed = cors_client.options("/v1/episodes", headers=ask)
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == SITE
    assert "GET" in allowed.headers["access-control-allow-methods"]
    assert "POST" not in allowed.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in allowed.headers
    other = {**ask, "Origin": "https://elsewhere.example"}
    refused = cors_client.options("/v1/episodes", headers=other)
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    write = cors_client.options(
        "/v1/articles", headers={"Origin": SITE, "Access-Control-Request-Method": "POST"}
    )
    assert write.status_code == 400


def test_cors_simple_requests(cors_client: TestClient) -> None:
    allowed = cors_client.get("/v1/episodes", headers={"Origin": SITE})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == SITE
    assert "etag" in allowed.headers.get("access-control-expose-headers", "").lower()
    feed = cors_client.get("/feed.xml", headers={"Origin": SITE})
    assert feed.headers["access-control-allow-origin"] == SITE
    missing = cors_client.get("/v1/episodes/nope", headers={"Origin": SITE})
    assert missing.status_code == 404
    assert missing.headers["access-control-allow-origin"] == SITE
    other = cors_client.get("/v1/episodes", headers={"Origin": "https://elsewhere.example"})
    assert other.status_code == 200
    assert "access-control-allow-origin" not in other.headers


def test_no_cors_headers_without_site_origins(client: TestClient) -> None:
    answer = client.get("/v1/episodes", headers={"Origin": SITE})
    assert "access-control-allow-origin" not in answer.headers
    preflight = client.options(
        "/v1/episodes", headers={"Origin": SITE, "Access-Control-Request-Method": "GET"}
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_a_running_service_sweeps_deleted_files_on_its_own(tmp_path: Path) -> None:
    import time

    from narration.service.runtime import Service

    settings = make_settings(tmp_path, delete_grace_s=0.5, reap_interval_s=0.1)
    queue = JobQueue(settings)
    service = Service(queue)
    service.start()
    try:
        with TestClient(create_app(settings, queue)) as client:
            body = {"markdown": "---\ntitle: Gone Soon\n---\n\nOne. Two.\n"}
            job = client.post("/v1/articles", json=body, headers=AUTH).json()
            url = f"/v1/episodes/{job['id']}"
            deadline = time.monotonic() + 30
            while (
                client.get(url, headers=AUTH).json()["status"] != "done"
                and time.monotonic() < deadline
            ):
                time.sleep(0.1)
            ep = client.get(url).json()
            audio = local(settings, ep["audio_url"])
            assert client.delete(url, headers=AUTH).status_code == 204
            assert audio.is_file()  # within the grace period
            deadline = time.monotonic() + 10
            while audio.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not audio.exists()
    finally:
        service.stop()
        queue.close()


def test_either_id_names_the_episode_and_an_unknown_one_is_404(
    client: TestClient, settings: Settings
) -> None:
    first = narrate(client, {"markdown": article("Harbour", "The ferry runs. People cheered.")})
    job_id, episode_id = str(first["id"]), str(first["episode_id"])
    assert first["job_id"] == job_id and episode_id != job_id
    assert first["page_url"] == settings.url_for(f"episodes/{episode_id}")
    by_catalog = client.get(f"/v1/episodes/{episode_id}").json()
    assert (by_catalog["episode_id"], by_catalog["audio_url"]) == (episode_id, first["audio_url"])

    # The figures: both ids name the same episode; an id of nothing is 404, not zero.
    for ident in (job_id, episode_id):
        answer = client.get("/v1/stats", params={"episode": ident, "by": "episode"}, headers=AUTH)
        assert answer.status_code == 200, answer.text
    unknown = "0" * 32
    missing = client.get("/v1/stats", params={"episode": unknown}, headers=AUTH)
    assert missing.status_code == 404 and unknown in error_of(missing)["message"]
    # The player's events: a job's id is taken for its episode.
    event = {"episode": job_id, "event": "play", "context": "page"}
    assert client.post("/v1/events", json=event).status_code == 202
    assert client.post("/v1/events", json={**event, "episode": unknown}).status_code == 404
    # A new version by the catalog id.
    revised = {"markdown": article("Harbour revised", "The ferry runs late. People waited.")}
    answer = client.put(f"/v1/episodes/{episode_id}", json=revised, headers=AUTH)
    assert answer.status_code == 202, answer.text
    second = client.get(f"/v1/episodes/{answer.json()['id']}").json()
    assert second["episode_id"] == episode_id and second["title"] == "Harbour revised"
    assert client.put(f"/v1/episodes/{unknown}", json=revised, headers=AUTH).status_code == 404
    assert client.get(f"/v1/episodes/{unknown}/check", headers=AUTH).status_code == 404
