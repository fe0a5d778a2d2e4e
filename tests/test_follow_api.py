"""POST/GET/DELETE /v1/shows/{slug}/sources: following a site through the API, and the
state of each source as the poller leaves it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from narration.config import Settings
from narration.keys import key_fingerprint
from narration.service.follow import Follower
from narration.service.queue import JobQueue
from tests.api_fixtures import AUTH, error_of, make_settings
from tests.follow_site import Item, Site, serving

pytestmark = pytest.mark.slow

OTHER = "other-key"
ADMIN = "admin-key"


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def site() -> Iterator[Site]:
    with serving() as running:
        yield running


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(
        tmp_path,
        api_keys=["test-key", OTHER],
        admin_keys=[ADMIN],
        show_owners=[key_fingerprint("test-key")],
        fetch_allow=["127.0.0.1"],
        follow_min_interval_s=0,
    )


@pytest.fixture
def queue(settings: Settings) -> Iterator[JobQueue]:
    q = JobQueue(settings, immediate=True)
    yield q
    q.close()


@pytest.fixture
def client(settings: Settings, queue: JobQueue) -> Iterator[TestClient]:
    with TestClient(create_app(settings, queue)) as test_client:
        yield test_client


def test_a_source_added_through_the_api_is_polled_and_reported(
    client: TestClient, site: Site, settings: Settings, queue: JobQueue
) -> None:
    site.rss("/feed", [Item("a1", "Harbour news"), Item("a2", "Ferry news", categories=("X",))])
    body = {"url": f"{site.base}/feed", "categories": ["news"], "max_new_per_poll": 5}
    made = client.post("/v1/shows/default/sources", json=body, headers=AUTH)
    assert made.status_code == 201, made.text
    source = made.json()
    assert source["url"] == body["url"] and source["last_poll"] is None
    assert source["rules"]["max_new_per_poll"] == 5
    again = client.post("/v1/shows/default/sources", json=body, headers=AUTH)
    assert again.status_code == 409

    follower = Follower(settings, queue.db, lambda sub: queue.submit(sub)[0])
    [result] = follower.poll_due()
    assert len(result.queued) == 1  # the category filter left the other out
    [listed] = client.get("/v1/shows/default/sources", headers=AUTH).json()
    assert listed["id"] == source["id"] and listed["last_result"] == "new entries"
    assert (listed["entries_seen"], listed["queued"], listed["failed"]) == (1, 1, 0)
    assert listed["last_poll"] is not None and listed["next_poll"] > listed["last_poll"]
    episodes = client.get("/v1/episodes").json()
    assert [ep["title"] for ep in episodes["items"]] == ["Harbour news"]

    # A key that does not own the show sees and removes none; an admin key every one.
    assert client.get("/v1/shows/default/sources", headers=auth(OTHER)).status_code == 403
    added = client.post("/v1/shows/default/sources", json=body, headers=auth(OTHER))
    assert added.status_code == 403
    denied = client.delete(f"/v1/shows/default/sources/{source['id']}", headers=auth(OTHER))
    assert denied.status_code == 403
    assert len(client.get("/v1/shows/default/sources", headers=auth(ADMIN)).json()) == 1
    gone = client.delete(f"/v1/shows/default/sources/{source['id']}", headers=AUTH)
    assert gone.status_code == 204
    assert client.get("/v1/shows/default/sources", headers=AUTH).json() == []
    assert len(client.get("/v1/episodes").json()["items"]) == 1  # its episodes stay


def test_bad_sources_are_refused_with_the_reason(client: TestClient) -> None:
    assert client.get("/v1/shows/default/sources").status_code == 401
    cases = [
        ({"url": "http://169.254.169.254/feed"}, 422, "link-local"),
        ({"url": "ftp://example.org/feed"}, 422, "url"),
        ({"url": "http://127.0.0.1:9/feed", "url_pattern": "(["}, 422, "url_pattern"),
        ({"url": "http://127.0.0.1:9/feed", "max_new_per_poll": 0}, 422, "max_new_per_poll"),
    ]
    for body, status, word in cases:
        answer = client.post("/v1/shows/default/sources", json=body, headers=AUTH)
        assert answer.status_code == status, answer.text
        assert word in error_of(answer)["message"]
    unknown = client.post(
        "/v1/shows/nope/sources", json={"url": "http://127.0.0.1:9/f"}, headers=AUTH
    )
    assert unknown.status_code == 422 and "unknown show" in error_of(unknown)["message"]
    missing = client.delete("/v1/shows/default/sources/nothing", headers=AUTH)
    assert missing.status_code == 404


def test_serve_follows_the_shows_file_s_sources(site: Site, tmp_path: Path) -> None:
    from tests.running import RunningService

    site.atom("/atom.xml", [Item("s1", "Served story", body="It was served. Then it ended.")])
    shows = tmp_path / "shows.toml"
    shows.write_text(
        f"[shows.site]\ntitle = 'Site'\n[[shows.site.follow]]\nurl = '{site.base}/atom.xml'\n"
    )
    env = {
        "NARRATION_VOICE": "fake:tone",
        "NARRATION_WORKERS": "1",
        "NARRATION_SHOWS_PATH": str(shows),
        "NARRATION_FETCH_ALLOW": "127.0.0.1",
        "NARRATION_ADMIN_KEYS": ADMIN,
        "NARRATION_FOLLOW_MIN_INTERVAL_S": "0",
        "NARRATION_FOLLOW_TICK_S": "0.2",
    }
    service = RunningService(tmp_path, env, launcher="tests.run_with_fake").start()
    try:
        deadline = time.monotonic() + 120
        while "Served story" not in service.http.get("/shows/site/feed.xml").text:
            assert time.monotonic() < deadline, service.log()
            time.sleep(0.2)
        [state] = service.http.get("/v1/shows/site/sources", headers=auth(ADMIN)).json()
        assert state["origin"] == "config" and state["kind"] == "atom"
        assert (state["entries_seen"], state["queued"], state["failed"]) == (1, 1, 0)
        refused = service.http.delete(f"/v1/shows/site/sources/{state['id']}", headers=auth(ADMIN))
        assert refused.status_code == 409  # changed in the shows file, not here
    finally:
        service.close()
