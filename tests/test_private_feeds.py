"""Private feeds: a token per subscriber, URLs that carry it, 404 once revoked."""

from __future__ import annotations

from pathlib import Path

import podcastparser
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from narration.config import Settings
from narration.keys import key_fingerprint
from narration.prepare.load import load_article
from narration.publish.narrator import Narrator

pytestmark = pytest.mark.slow

AUTH = {"Authorization": "Bearer k"}


def test_private_feed_lifecycle(tmp_path: Path) -> None:
    settings = Settings(
        out_dir=tmp_path / "out", voice="fake:tone", api_keys=["k"],
        base_url="https://pod.example.org", show_owners=[key_fingerprint("k")],
    )  # fmt: skip
    src = tmp_path / "a.md"
    src.write_text("---\ntitle: Members Only\n---\n\nA first sentence. A second one.\n")
    with Narrator(settings) as narrator:
        (result,) = narrator.narrate([load_article(str(src), settings)])
    client = TestClient(create_app(settings))

    assert client.post("/v1/shows/default/tokens", json={}).status_code == 401
    assert client.post("/v1/shows/nope/tokens", json={}, headers=AUTH).status_code == 422
    made = client.post("/v1/shows/default/tokens", json={"label": "ana@example.org"}, headers=AUTH)
    assert made.status_code == 201, made.text
    token = made.json()["token"]
    assert made.json()["feed_url"] == f"https://pod.example.org/private/{token}/feed.xml"
    other = client.post("/v1/shows/default/tokens", json={}, headers=AUTH).json()["token"]
    assert token != other and len(token) >= 32
    # A token leaves the show public; making it private is the owner's own request.
    assert client.get("/feed.xml").status_code == 200
    access = client.get("/v1/shows/default/access", headers=AUTH).json()
    assert access == {
        "show": "default", "private": False, "feed_url": "https://pod.example.org/feed.xml",
        "tokens": 2,
    }  # fmt: skip
    made_private = client.put("/v1/shows/default/access", json={"private": True}, headers=AUTH)
    assert made_private.status_code == 200 and made_private.json()["private"] is True
    assert client.get("/feed.xml").status_code == 404

    feed = client.get(f"/private/{token}/feed.xml")
    assert feed.status_code == 200
    parsed = podcastparser.parse(made.json()["feed_url"], __import__("io").BytesIO(feed.content))
    (episode,) = parsed["episodes"]
    (enclosure,) = episode["enclosures"]
    prefix = f"https://pod.example.org/private/{token}/"
    assert enclosure["url"] == prefix + result.episode.audio_name
    assert b"<podcast:locked" in feed.content
    assert (
        client.get(
            f"/private/{token}/feed.xml", headers={"If-None-Match": feed.headers["etag"]}
        ).status_code
        == 304
    )
    audio_path = "/private/" + token + "/" + result.episode.audio_name
    ranged = client.get(audio_path, headers={"Range": "bytes=0-1"})
    assert ranged.status_code == 206 and len(ranged.content) == 2
    assert client.head(f"/private/{token}/cover.png").status_code == 200

    listed = client.get("/v1/shows/default/tokens", headers=AUTH).json()
    assert {t["token"] for t in listed} == {token, other}
    assert client.delete(f"/v1/tokens/{token}", headers=AUTH).status_code == 204
    assert client.get(f"/private/{token}/feed.xml").status_code == 404
    assert client.get(audio_path).status_code == 404
    assert client.delete(f"/v1/tokens/{token}", headers=AUTH).status_code == 404
    # The other subscriber is unaffected.
    assert client.get(f"/private/{other}/feed.xml").status_code == 200
    assert client.get("/private/not-a-token/feed.xml").status_code == 404


def test_a_private_show_s_episodes_are_not_in_the_public_api(tmp_path: Path) -> None:
    from narration.service.queue import JobQueue
    from tests.api_fixtures import AUTH as KEY_AUTH
    from tests.api_fixtures import KEY, article, make_settings, narrate

    shows = tmp_path / "shows.toml"
    shows.write_text(f'[shows.members]\ntitle = "Members"\nowners = ["{key_fingerprint(KEY)}"]\n')
    settings = make_settings(tmp_path, shows_path=shows)
    queue = JobQueue(settings, immediate=True)
    try:
        with TestClient(create_app(settings, queue)) as client:
            public = narrate(client, {"markdown": article("For everyone")})
            closed = narrate(client, {"markdown": article("For members"), "show": "members"})
            made = client.put("/v1/shows/members/access", json={"private": True}, headers=KEY_AUTH)
            assert made.status_code == 200
            listed = client.get("/v1/episodes").json()
            assert [item["id"] for item in listed["items"]] == [public["id"]]
            assert client.get(f"/v1/episodes/{closed['id']}").status_code == 404
            catalog_id = str(closed["page_url"]).rsplit("/", 1)[1]
            assert client.get(f"/v1/episodes/{catalog_id}").status_code == 404
            # The key that submitted it still sees it.
            mine = client.get(f"/v1/episodes/{closed['id']}", headers=KEY_AUTH)
            assert mine.status_code == 200 and mine.json()["show"] == "members"
            assert closed["id"] in {
                item["id"] for item in client.get("/v1/episodes", headers=KEY_AUTH).json()["items"]
            }
    finally:
        queue.close()
