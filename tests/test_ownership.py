"""Every key holds only what is its own, against a running ``narration serve``: a show's
access, tokens and sources belong to its owners (and admins), downloads and player
events cannot be forged without nginx, and a check is its submitter's.

Two keys, two shows: ``alpha`` owned by key A, ``beta`` by key B; an admin key.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from narration.check.report import Check
from narration.config import Settings
from narration.keys import key_fingerprint
from narration.model import Episode
from narration.publish.feed import publish_feed
from narration.publish.shows import settings_for
from narration.store.catalog import Catalog
from narration.store.checks import CheckStore
from narration.store.database import Database
from tests.running import RunningService
from tests.stats_fixtures import add_episode, sized

pytestmark = pytest.mark.slow

KEY_A, KEY_B, ADMIN = "key-of-publisher-a", "key-of-publisher-b", "key-of-the-admin"
SHOWS = f"""
[shows.alpha]
title = "Alpha"
owners = ["{key_fingerprint(KEY_A)}"]

[shows.beta]
title = "Beta"
owners = ["{key_fingerprint(KEY_B)}"]
"""


def auth(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


@dataclass
class Served:
    service: RunningService
    alpha: Episode
    beta: Episode

    @property
    def http(self) -> httpx.Client:
        return self.service.http


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp: Path = tmp_path_factory.mktemp("ownership")
    shows = tmp / "shows.toml"
    shows.write_text(SHOWS, encoding="utf-8")
    settings = Settings(out_dir=tmp / "out", shows_path=shows)
    alpha = add_episode(
        settings, "a1", duration_s=600, audio=sized(600_000), show="alpha",
        owner=key_fingerprint(KEY_A),
    )  # fmt: skip
    beta = add_episode(
        settings, "b1", duration_s=60, audio=sized(60_000), show="beta",
        owner=key_fingerprint(KEY_B),
    )  # fmt: skip
    db = Database.open(settings)
    try:
        for slug in ("alpha", "beta"):
            publish_feed(Catalog(db), settings_for(settings, slug))
        CheckStore(db).save(
            alpha.id, alpha.content_hash, Check(wer=0.25, language="en", sentences=())
        )
    finally:
        db.close()
    env = {
        "NARRATION_SHOWS_PATH": str(shows),
        "NARRATION_API_KEYS": f"{KEY_A},{KEY_B}",
        "NARRATION_ADMIN_KEYS": ADMIN,
        "NARRATION_FETCH_ALLOW": "127.0.0.1",
        "NARRATION_VOICE": "fake:tone",
    }
    # Neither NARRATION_TRUSTED_PROXIES nor NARRATION_PROXY_SECRET is set.
    for name in ("NARRATION_TRUSTED_PROXIES", "NARRATION_PROXY_SECRET", "FORWARDED_ALLOW_IPS"):
        env[name] = ""
    service = RunningService(tmp, env, launcher="tests.run_with_fake").start()
    try:
        yield Served(service, alpha, beta)
    finally:
        service.close()


def _public_paths(ep: Episode) -> list[str]:
    return [
        f"/shows/{ep.show}/feed.xml",
        f"/shows/{ep.show}/",
        f"/episodes/{ep.id}",
        "/" + ep.audio_name,
        f"/v1/episodes/{ep.id}",
    ]


def _statuses(http: httpx.Client, paths: list[str]) -> dict[str, int]:
    return {path: http.get(path, headers={"range": "bytes=0-1"}).status_code for path in paths}


def test_another_key_cannot_take_a_show_private_or_manage_its_tokens(served: Served) -> None:
    http, alpha = served.http, served.alpha
    public = _public_paths(alpha)
    assert set(_statuses(http, public).values()) <= {200, 206}
    mine = http.post(
        "/v1/shows/alpha/tokens", json={"label": "ana@example.org"}, headers=auth(KEY_A)
    )
    assert mine.status_code == 201, mine.text
    token = mine.json()["token"]

    # Key B, which owns another show, tries everything on alpha.
    tries = [
        http.post("/v1/shows/alpha/tokens", json={"label": "x"}, headers=auth(KEY_B)),
        http.get("/v1/shows/alpha/tokens", headers=auth(KEY_B)),
        http.delete(f"/v1/tokens/{token}", headers=auth(KEY_B)),
        http.put("/v1/shows/alpha/access", json={"private": True}, headers=auth(KEY_B)),
        http.get("/v1/shows/alpha/access", headers=auth(KEY_B)),
    ]
    assert [answer.status_code for answer in tries] == [403] * len(tries)
    assert all("ana@example.org" not in a.text and token not in a.text for a in tries)
    time.sleep(1.2)  # past the app's one-second memory of which shows are private
    # Creating a token, even the owner's, never took the show off the public site.
    assert set(_statuses(http, public).values()) <= {200, 206}
    assert http.get(f"/private/{token}/feed.xml").status_code == 200  # A's token works
    listed = http.get("/v1/shows/alpha/tokens", headers=auth(KEY_A)).json()
    assert [(t["token"], t["revoked"]) for t in listed] == [(token, False)]
    assert http.get("/v1/shows/alpha/tokens", headers=auth(ADMIN)).status_code == 200


def test_making_a_show_private_is_its_owner_s_explicit_choice(served: Served) -> None:
    http, beta = served.http, served.beta
    public = _public_paths(beta)
    assert http.put("/v1/shows/beta/access", json={"private": True}).status_code == 401
    made = http.put("/v1/shows/beta/access", json={"private": True}, headers=auth(KEY_B))
    assert made.status_code == 200 and made.json()["private"] is True
    assert set(_statuses(http, public).values()) == {404}
    # The owner still sees its episode through the API; subscribers through a token.
    assert http.get(f"/v1/episodes/{beta.id}", headers=auth(KEY_B)).status_code == 200
    token = http.post("/v1/shows/beta/tokens", json={}, headers=auth(KEY_B)).json()["token"]
    assert http.get(f"/private/{token}/feed.xml").status_code == 200
    back = http.put("/v1/shows/beta/access", json={"private": False}, headers=auth(KEY_B))
    assert back.status_code == 200 and back.json()["private"] is False
    assert set(_statuses(http, public).values()) <= {200, 206}


def test_every_route_that_takes_a_show_token_or_source_refuses_the_other_key(
    served: Served,
) -> None:
    http = served.http
    token = http.post("/v1/shows/alpha/tokens", json={}, headers=auth(KEY_A)).json()["token"]
    feed = {"url": "http://127.0.0.1:9/feed.xml"}
    source = http.post("/v1/shows/alpha/sources", json=feed, headers=auth(KEY_A))
    assert source.status_code == 201, source.text
    article = {"markdown": "---\ntitle: Not Yours\n---\n\nA sentence. Another one.\n"}
    routes: list[tuple[str, str, dict[str, object] | None]] = [
        ("POST", "/v1/articles", {**article, "show": "alpha"}),
        ("GET", "/v1/shows/alpha/access", None),
        ("PUT", "/v1/shows/alpha/access", {"private": True}),
        ("POST", "/v1/shows/alpha/tokens", {}),
        ("GET", "/v1/shows/alpha/tokens", None),
        ("DELETE", f"/v1/tokens/{token}", None),
        ("POST", "/v1/shows/alpha/sources", feed),
        ("GET", "/v1/shows/alpha/sources", None),
        ("DELETE", f"/v1/shows/alpha/sources/{source.json()['id']}", None),
    ]
    for method, path, body in routes:
        anonymous = http.request(method, path, json=body)
        assert anonymous.status_code == 401, (method, path)
        other = http.request(method, path, json=body, headers=auth(KEY_B))
        assert other.status_code == 403, (method, path, other.text)
        assert "http://127.0.0.1:9" not in other.text
    # Nothing changed: the token, the source and the show's public state are as they were.
    assert http.get(f"/private/{token}/feed.xml").status_code == 200
    [kept] = http.get("/v1/shows/alpha/sources", headers=auth(KEY_A)).json()
    assert kept["id"] == source.json()["id"]
    assert http.get("/v1/shows/alpha/access", headers=auth(KEY_A)).json()["private"] is False
    # The owner may do each of them.
    assert (
        http.delete(f"/v1/shows/alpha/sources/{kept['id']}", headers=auth(KEY_A)).status_code == 204
    )
    assert http.delete(f"/v1/tokens/{token}", headers=auth(KEY_A)).status_code == 204


def _downloads(http: httpx.Client, episode: str, agents: dict[str, int]) -> dict[str, int]:
    """The downloads of ``episode`` by app, once every app of ``agents`` is counted (the
    counter writes from its own thread)."""
    rows: dict[str, int] = {}
    for _ in range(100):
        answer = http.get(
            "/v1/stats", params={"by": "app", "episode": episode}, headers=auth(KEY_A)
        )
        assert answer.status_code == 200, answer.text
        rows = {row["key"]: row["downloads"] for row in answer.json()["rows"]}
        if all(rows.get(app) for app in agents):
            return rows
        time.sleep(0.1)
    return rows


def test_downloads_cannot_be_forged_without_nginx(served: Served) -> None:
    http, alpha = served.http, served.alpha
    audio = "/" + alpha.audio_name
    assert http.get(audio, headers={"user-agent": "Overcast/3.0"}).status_code == 200
    assert _downloads(http, alpha.id, {"Overcast": 1}) == {"Overcast": 1}
    for n in range(120):
        forged = http.get(
            "/_narration/count",
            headers={
                "x-narration-access": "count",
                "x-narration-path": audio,
                "x-forwarded-for": f"203.0.113.{n % 250}",
                "user-agent": "Overcast/3.0",
            },
        )
        assert forged.status_code == 404
    # One more real download, by another app: once it is counted, so would the forged be.
    assert http.get(audio, headers={"user-agent": "Pocket Casts"}).status_code == 200
    assert _downloads(http, alpha.id, {"Overcast": 1, "Pocket Casts": 1}) == {
        "Overcast": 1,
        "Pocket Casts": 1,
    }


def test_forwarded_for_is_ignored_without_trusted_proxies(served: Served) -> None:
    http, alpha = served.http, served.alpha
    audio = "/" + alpha.audio_name
    agent = "AntennaPod/3.2.0"
    for n in range(150):
        headers = {"user-agent": agent, "x-forwarded-for": f"198.51.100.{n % 250}"}
        assert http.get(audio, headers=headers).status_code == 200
    assert http.get(audio, headers={"user-agent": "gPodder/3.11.1"}).status_code == 200
    counted = _downloads(http, alpha.id, {"AntennaPod": 1, "gPodder": 1})
    assert counted["AntennaPod"] == 1 and counted["gPodder"] == 1  # one listener, not 150
    answers = []
    for n in range(40):
        event = {"episode": alpha.id, "event": "play", "context": "page"}
        headers = {"user-agent": "Player-Test/1.0", "x-forwarded-for": f"192.0.2.{n}"}
        answers.append(http.post("/v1/events", json=event, headers=headers).status_code)
    limit = 30  # NARRATION_STATS_EVENTS_PER_MINUTE's default, per listener
    assert answers == [202] * limit + [429] * (40 - limit)


def test_the_check_is_for_its_submitter_alone(served: Served) -> None:
    http, alpha = served.http, served.alpha
    path = f"/v1/episodes/{alpha.id}"
    assert http.get(path).json()["check"] is None
    assert http.get(path, headers=auth(KEY_B)).json()["check"] is None
    assert http.get(path, headers=auth(KEY_A)).json()["check"]["wer"] == 0.25
    assert http.get(path, headers=auth(ADMIN)).json()["check"]["wer"] == 0.25
    assert http.get(f"{path}/check", headers=auth(KEY_B)).status_code == 403
