"""Podcast downloads counted the IAB way, end to end: podcast apps, bots and an Apple
Watch simulated against a running ``narration serve`` on 127.0.0.1.

The service trusts 127.0.0.1 as a proxy (``NARRATION_TRUSTED_PROXIES``), so each simulated
client names its address in ``X-Forwarded-For``, as nginx in front of the service would.

Episode A lasts 600 s in 600,000 bytes: one minute of its audio is 60,000 bytes (the
bitrate is the file's size over its duration). Episode B lasts 30 s in 30,000 bytes:
shorter than a minute, so only its whole file counts. The expected counts below are
worked out from the IAB Podcast Measurement Technical Guidelines 2.2:

- A request that asks for fewer bytes than a minute of audio is not a download; a
  (listener, episode) pair whose requests in the window reach that many bytes is one.
  A ``bytes=0-1`` probe never counts toward it.
- A listener is the IP address (an IPv6 address's /64) with the user agent, counted once
  per episode in a 24-hour window (here the UTC day).
- Bots (the OPAWG and crawler-user-agents lists) and every Apple Watch request (the IAB
  Tech Lab's watchOS guidance) are left out.
- A listener with more requests in one hour than NARRATION_STATS_HOURLY_LIMIT (20 here)
  counts once, flagged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from narration.config import Settings
from narration.keys import key_fingerprint
from narration.model import Episode
from tests.running import RunningService
from tests.stats_fixtures import add_episode, sized, state

pytestmark = pytest.mark.slow

KEY = "stats-key-for-tests"
"""An admin key: it sees the figures of every episode."""
OWNER_KEY = "a-publisher-key"
"""The key episode B was submitted with: it sees B's figures alone."""
APPLE = "Podcasts/1650.20 CFNetwork/1410.0.3 Darwin/22.6.0"
OVERCAST = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)"
POCKET_CASTS = "Pocket Casts"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
WATCH = "atc/1.0 watchOS/7.1 model/Watch4,2 hwp/t8006 build/18R590 (6; dt:191)"
NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
"""The served process's clock starts here (``tests.run_with_clock``): the requests below
fall on one UTC day, whenever the test runs."""
CLOCK = {"TEST_CLOCK_START": NOON.isoformat()}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningService, dict]]:
    tmp: Path = tmp_path_factory.mktemp("stats")
    settings = Settings(out_dir=tmp / "out")
    eps: dict[str, Episode] = {
        "a": add_episode(settings, "a", duration_s=600, audio=sized(600_000)),
        "b": add_episode(
            settings, "b", duration_s=30, audio=sized(30_000), owner=key_fingerprint(OWNER_KEY)
        ),
    }
    env = {
        "NARRATION_ADMIN_KEYS": KEY,
        "NARRATION_API_KEYS": OWNER_KEY,
        "NARRATION_TRUSTED_PROXIES": "127.0.0.1",
        "NARRATION_STATS_HOURLY_LIMIT": "20",
        **CLOCK,
    }
    service = RunningService(tmp, env, launcher="tests.run_with_clock").start()
    try:
        yield service, eps
    finally:
        service.close()


def fetch(service: RunningService, ep: Episode, ip: str, agent: str, ranges: str | None = None):
    headers = {"user-agent": agent, "x-forwarded-for": ip}
    if ranges:
        headers["range"] = ranges
    answer = service.http.get("/" + ep.audio_name, headers=headers)
    assert answer.status_code == (206 if ranges else 200), answer.text
    return answer


def stats(service: RunningService, key: str = KEY, **params: str) -> dict:
    answer = service.http.get(
        "/v1/stats", params=params, headers={"authorization": f"Bearer {key}"}
    )
    assert answer.status_code == 200, answer.text
    result: dict = answer.json()
    return result


@pytest.fixture(scope="module")
def counted(served: tuple[RunningService, dict]) -> dict:
    service, eps = served
    a, b = eps["a"], eps["b"]
    # Apple Podcasts: the 2-byte probe, then ranged fetches of 30,000 and 40,000 bytes:
    # 70,000 bytes of A >= 60,000 -> 1 download.
    fetch(service, a, "198.51.100.1", APPLE, "bytes=0-1")
    fetch(service, a, "198.51.100.1", APPLE, "bytes=0-29999")
    fetch(service, a, "198.51.100.1", APPLE, "bytes=30000-69999")
    # The probe alone -> 0.
    fetch(service, a, "198.51.100.2", APPLE, "bytes=0-1")
    # Probe plus 50,000 bytes: under a minute -> 0.
    fetch(service, a, "198.51.100.9", APPLE, "bytes=0-1")
    fetch(service, a, "198.51.100.9", APPLE, "bytes=0-49999")
    # Overcast downloads the whole file (600,000 bytes) -> 1.
    fetch(service, a, "198.51.100.3", OVERCAST)
    # A bot downloading the whole file -> 0.
    fetch(service, a, "198.51.100.4", GOOGLEBOT)
    # An iPhone downloads A (1); its Apple Watch downloads it again after syncing: the
    # watch's request is left out -> 1 from this household.
    fetch(service, a, "198.51.100.5", APPLE)
    fetch(service, a, "198.51.100.5", WATCH)
    # The same listener twice within 24 hours -> 1.
    fetch(service, a, "198.51.100.6", OVERCAST)
    fetch(service, a, "198.51.100.6", OVERCAST)
    # IPv6 neighbours in one /64 with one app: one listener whose two 40,000-byte
    # requests add up to 80,000 -> 1 (counted apart, each would be under a minute: 0).
    fetch(service, a, "2001:db8:aa:bb::1", POCKET_CASTS, "bytes=0-39999")
    fetch(service, a, "2001:db8:aa:bb:ffff:1:2:3", POCKET_CASTS, "bytes=40000-79999")
    # Another /64 downloading the whole file -> 1.
    fetch(service, a, "2001:db8:aa:cc::1", POCKET_CASTS)
    # B is shorter than a minute: 20,000 of its 30,000 bytes -> 0; the whole file -> 1.
    fetch(service, b, "198.51.100.7", OVERCAST, "bytes=0-19999")
    fetch(service, b, "198.51.100.8", OVERCAST)
    # HEAD sends no audio, nor does a 304 to an app whose copy is current: 0 each.
    head = service.http.head("/" + a.audio_name, headers={"user-agent": OVERCAST,
                             "x-forwarded-for": "198.51.100.11"})  # fmt: skip
    assert head.status_code == 200
    current = {"if-none-match": head.headers["etag"], "user-agent": OVERCAST,
               "x-forwarded-for": "198.51.100.12"}  # fmt: skip
    assert service.http.get("/" + a.audio_name, headers=current).status_code == 304
    # 26 requests in an hour (over the limit of 20) for both episodes: without the rule
    # A and B would count 1 each; the listener counts once (A, first), flagged.
    for _ in range(13):
        fetch(service, a, "203.0.113.50", OVERCAST)
        fetch(service, b, "203.0.113.50", OVERCAST)
    return stats(service, by="episode")


def test_downloads_are_counted_as_the_guidelines_say(
    served: tuple[RunningService, dict], counted: dict
) -> None:
    _, eps = served
    # A: Apple 1 + Overcast 1 + iPhone 1 + same listener 1 + IPv6 /64 1 + other /64 1 +
    # flooding listener 1 = 7; B: 1.
    rows = {row["key"]: row for row in counted["rows"]}
    assert rows[eps["a"].id]["downloads"] == 7
    assert rows[eps["a"].id]["flagged"] == 1
    assert rows[eps["a"].id]["title"] == "Episode a"
    assert rows[eps["b"].id]["downloads"] == 1
    assert rows[eps["b"].id]["flagged"] == 0
    assert counted["downloads"] == 8


def test_downloads_by_app_day_and_country(
    served: tuple[RunningService, dict], counted: dict
) -> None:
    service, _ = served
    apps = {row["key"]: row["downloads"] for row in stats(service, by="app")["rows"]}
    # Apple Podcasts: the ranged listener and the iPhone; Overcast: the whole-file
    # download, the listener seen twice, B's download and the flagged listener.
    assert apps == {"Apple Podcasts": 2, "Overcast": 4, "Pocket Casts": 2}
    days = stats(service, by="day")
    assert [(row["key"], row["downloads"]) for row in days["rows"]] == [
        (NOON.date().isoformat(), 8)
    ]
    # No GeoIP database is configured: every country is unknown.
    assert stats(service, by="country")["rows"] == [
        {"key": "unknown", "downloads": 8, "flagged": 1, "title": None}
    ]


def test_the_figures_come_as_csv_too(served: tuple[RunningService, dict], counted: dict) -> None:
    service, eps = served
    headers = {"authorization": f"Bearer {KEY}", "accept": "text/csv"}
    answer = service.http.get("/v1/stats", params={"by": "episode"}, headers=headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert {r["episode"]: int(r["downloads"]) for r in rows} == {eps["a"].id: 7, eps["b"].id: 1}
    same = service.http.get(
        "/v1/stats",
        params={"by": "episode", "format": "csv"},
        headers={"authorization": f"Bearer {KEY}"},
    )
    assert same.text == answer.text


def test_the_figures_need_the_api_key(served: tuple[RunningService, dict]) -> None:
    service, _ = served
    assert service.http.get("/v1/stats").status_code == 401
    wrong = service.http.get("/v1/stats", headers={"authorization": "Bearer nope"})
    assert wrong.status_code == 403
    bad = service.http.get(
        "/v1/stats", params={"by": "week"}, headers={"authorization": f"Bearer {KEY}"}
    )
    assert bad.status_code == 422


def test_no_address_is_kept_and_no_cookie_is_set(
    served: tuple[RunningService, dict], counted: dict
) -> None:
    service, eps = served
    answer = fetch(service, eps["a"], "198.51.100.77", OVERCAST, "bytes=0-1")
    assert "set-cookie" not in answer.headers
    stats(service)  # everything buffered is written
    kept = state(service.out / ".narration")
    for address in (b"198.51.100", b"203.0.113.50", b"2001:db8", b"2001:0db8"):
        assert address not in kept


def test_a_filter_by_show_and_dates(served: tuple[RunningService, dict], counted: dict) -> None:
    service, _ = served
    assert stats(service, show="other-show")["downloads"] == 0
    assert stats(service, **{"from": "2000-01-01", "to": "2000-01-02"})["downloads"] == 0
    bad = service.http.get(
        "/v1/stats",
        params={"from": "2000-01-02", "to": "2000-01-01"},
        headers={"authorization": f"Bearer {KEY}"},
    )
    assert bad.status_code == 422


def test_range_probes_alone_still_answer(served: tuple[RunningService, dict]) -> None:
    """Counting never changes what is served."""
    service, eps = served
    answer = fetch(service, eps["a"], "198.51.100.10", APPLE, "bytes=0-1")
    assert answer.content == sized(600_000)[:2]
    assert answer.headers["content-range"] == "bytes 0-1/600000"
    head = httpx.Client(base_url=service.origin, trust_env=False)
    try:
        assert head.head("/" + eps["a"].audio_name).status_code == 200
    finally:
        head.close()


def test_player_events_are_checked(served: tuple[RunningService, dict]) -> None:
    service, eps = served
    a = eps["a"]

    def post(body: object, ip: str = "198.51.100.200") -> httpx.Response:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"content-type": "text/plain;charset=UTF-8", "x-forwarded-for": ip}
        return service.http.post("/v1/events", content=data, headers=headers)

    event = {"episode": a.id, "event": "play", "rate": 1.0, "context": "page", "origin": ""}
    assert post(event).status_code == 202
    unknown = post({**event, "episode": "f" * 32})
    assert unknown.status_code == 404
    assert "f" * 32 in unknown.json()["error"]["message"]
    assert post({**event, "event": "60"}).status_code == 422
    assert post({**event, "rate": 100}).status_code == 422
    assert post({**event, "extra": 1}).status_code == 422
    assert post(b"not json").status_code == 422
    assert post({**event, "origin": "x" * 2000}).status_code == 413
    # One listener may send 30 events a minute (the default); a flood is refused.
    answers = [post(event, ip="198.51.100.201").status_code for _ in range(35)]
    assert answers[:30] == [202] * 30 and set(answers[30:]) == {429}


def test_a_key_sees_the_figures_of_its_own_articles(
    served: tuple[RunningService, dict], counted: dict
) -> None:
    service, eps = served
    own = stats(service, key=OWNER_KEY, by="episode")
    assert [(row["key"], row["downloads"]) for row in own["rows"]] == [(eps["b"].id, 1)]
    assert own["downloads"] == 1
    # Another key's episode is not among this key's: 404, as for an id of nothing.
    others = service.http.get(
        "/v1/stats",
        params={"episode": eps["a"].id},
        headers={"authorization": f"Bearer {OWNER_KEY}"},
    )
    assert others.status_code == 404


def test_audio_fetched_through_a_private_feed_counts_as_public_audio_does(
    tmp_path: Path,
) -> None:
    shows = tmp_path / "shows.toml"
    shows.write_text('[shows.members]\ntitle = "Members Only"\n', encoding="utf-8")
    settings = Settings(out_dir=tmp_path / "out", shows_path=shows)
    ep = add_episode(settings, "c", duration_s=600, audio=sized(600_000), show="members")
    env = {
        "NARRATION_ADMIN_KEYS": KEY,
        "NARRATION_SHOWS_PATH": str(shows),
        "NARRATION_TRUSTED_PROXIES": "127.0.0.1",
        **CLOCK,
    }
    service = RunningService(tmp_path, env, launcher="tests.run_with_clock").start()
    try:
        made = service.http.post(
            "/v1/shows/members/tokens", json={}, headers={"authorization": f"Bearer {KEY}"}
        )
        assert made.status_code == 201, made.text
        closed = service.http.put(
            "/v1/shows/members/access",
            json={"private": True},
            headers={"authorization": f"Bearer {KEY}"},
        )
        assert closed.status_code == 200, closed.text
        private = f"/private/{made.json()['token']}/{ep.audio_name}"
        # The public path of a private show's audio answers 404 and counts nothing.
        assert service.http.get("/" + ep.audio_name).status_code == 404
        for ip, agent, ranges in (
            ("198.51.100.21", OVERCAST, None),  # the whole file -> 1
            ("198.51.100.22", APPLE, "bytes=0-1"),  # a probe alone -> 0
            ("198.51.100.23", GOOGLEBOT, None),  # a bot -> 0
        ):
            headers = {"user-agent": agent, "x-forwarded-for": ip}
            if ranges:
                headers["range"] = ranges
            answer = service.http.get(private, headers=headers)
            assert answer.status_code == (206 if ranges else 200), answer.text
        figures = stats(service, by="episode")
        assert [(row["key"], row["downloads"]) for row in figures["rows"]] == [(ep.id, 1)]
    finally:
        service.close()
