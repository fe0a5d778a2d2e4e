"""Listening figures in a real browser (Debian's Chromium, headless, driven by
Playwright) against a running ``narration serve``: the player's events reach the figures
only once the listener plays, and the editors' stats page draws its charts at desktop
and phone widths with no console errors and no axe violations (screenshots under
``build/screenshots``, as the player's).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from narration.config import Settings
from narration.model import Episode
from narration.store.database import Database, default_url
from narration.store.tables import stats_player_daily
from tests.editor_browser import SIZES, axe_violations, chromium, give_key, opened
from tests.running import RunningService
from tests.stats_fixtures import add_episode, tone_mp3
from tests.test_player_browser import SCREENSHOTS

pytestmark = pytest.mark.slow

KEY = "stats-browser-key"
APPLE = "Podcasts/1650.20 CFNetwork/1410.0.3 Darwin/22.6.0"
OVERCAST = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)"


@dataclass(frozen=True)
class Served:
    service: RunningService
    episode: Episode
    host: str
    """Another origin, standing in for the publisher's article page."""


def _host_page(base: str, episode_id: str) -> ThreadingHTTPServer:
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Article</title>"
        "<link rel='icon' href='data:,'></head><body><h1>A news article</h1>"
        f"<script type='module' src='{base}/player.js'></script>"
        f"<narration-player src='{base}/v1/episodes/{episode_id}'></narration-player>"
        "</body></html>"
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp: Path = tmp_path_factory.mktemp("stats-browser")
    settings = Settings(out_dir=tmp / "out")
    episode = add_episode(settings, "tone", duration_s=4.0, audio=tone_mp3(4.0))
    service = RunningService(tmp, {"NARRATION_ADMIN_KEYS": KEY}).start()
    host = _host_page(service.origin, episode.id)
    try:
        # "localhost" for the publisher, 127.0.0.1 for the service: two origins.
        yield Served(service, episode, f"http://localhost:{host.server_address[1]}")
    finally:
        host.shutdown()
        service.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from chromium()


def _stats(served: Served, **params: str) -> dict:
    answer = served.service.http.get(
        "/v1/stats", params=params, headers={"authorization": f"Bearer {KEY}"}
    )
    assert answer.status_code == 200, answer.text
    result: dict = answer.json()
    return result


def _origins(served: Served) -> set[tuple[str, str]]:
    db = Database(default_url(served.service.out / ".narration"))
    try:
        with db.begin() as conn:
            rows = conn.execute(
                select(stats_player_daily.c.context, stats_player_daily.c.origin)
            ).all()
    finally:
        db.close()
    return {(row.context, row.origin) for row in rows}


def _listen(page: Page) -> None:
    """Play the episode to its end at double speed."""
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    page.wait_for_function(
        "() => { const a = document.querySelector('narration-player audio');"
        " return a && a.readyState >= 1 && isFinite(a.duration) }"
    )
    page.get_by_label("Playback speed").select_option("2")
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(
        "() => document.querySelector('narration-player audio').ended", timeout=60_000
    )


def test_player_events_reach_the_figures_only_after_play(served: Served, browser: Browser) -> None:
    beacons: list[str] = []
    with opened(browser, "desktop") as (page, console):
        page.on(
            "request",
            lambda r: beacons.append(r.post_data or "") if "/v1/events" in r.url else None,
        )
        page.goto(served.host + "/article.html")
        expect(page.get_by_role("button", name="Play")).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert beacons == []  # nothing is sent before the listener plays
        assert _stats(served)["player"]["plays"] == 0
        _listen(page)
        for _ in range(300):  # up to 30 s on a busy machine
            player = _stats(served, episode=served.episode.id)["player"]
            if player["reached"]["95"] == 1:
                break
            page.wait_for_timeout(100)
        assert player["plays"] == 1
        assert player["reached"] == {"25": 1, "50": 1, "75": 1, "95": 1}
        assert player["embed"] == 1 and player["page"] == 0
        assert player["average_rate"] == 2.0
        assert len(beacons) == 5
        assert ("embed", served.host) in _origins(served)
        assert page.context.cookies() == []
        assert console.errors == []


def test_a_play_on_our_own_page_counts_as_page(served: Served, browser: Browser) -> None:
    with opened(browser, "desktop") as (page, _):
        page.goto(f"{served.service.origin}/episodes/{served.episode.id}")
        _listen(page)
        for _ in range(300):  # up to 30 s on a busy machine
            if _stats(served, episode=served.episode.id)["player"]["page"] == 1:
                break
            page.wait_for_timeout(100)
        assert ("page", served.service.origin) in _origins(served)


def _downloads(served: Served) -> None:
    http = served.service.http
    for agent in (APPLE, OVERCAST):
        answer = http.get("/" + served.episode.audio_name, headers={"user-agent": agent})
        assert answer.status_code == 200


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_stats_page_draws_its_charts(served: Served, browser: Browser, viewport: str) -> None:
    _downloads(served)
    with opened(browser, viewport) as (page, console):
        answer = page.goto(served.service.origin + "/editor/stats")
        assert answer is not None and answer.status == 200
        assert "content-security-policy" in answer.headers
        # The page holds no figures before the key is given.
        expect(page.locator("#stats-results")).to_be_hidden()
        give_key(page, KEY, "Show figures")
        expect(page.locator("#chart-days svg polyline")).to_have_count(1)
        expect(page.locator("#chart-apps rect.bar")).to_have_count(2)
        expect(page.locator("#chart-days svg circle")).to_have_count(1)
        expect(page.locator("#top-episodes li")).to_have_count(1)
        expect(page.locator("#top-episodes li")).to_contain_text("Episode tone")
        expect(page.locator("#chart-completion svg circle")).to_have_count(5)
        total = _stats(served)["downloads"]
        expect(page.locator("#stats-total")).to_have_text(str(total))
        assert page.evaluate("() => sessionStorage.getItem('narration:stats-key')") == KEY
        assert page.evaluate("() => localStorage.length") == 0
        assert page.context.cookies() == []
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= SIZES[viewport]["width"]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"stats-{viewport}.png"), full_page=True)
        assert axe_violations(page) == []
        assert console.errors == []


def test_a_wrong_key_shows_why(served: Served, browser: Browser) -> None:
    with opened(browser, "phone") as (page, _):
        page.goto(served.service.origin + "/editor/stats")
        give_key(page, "not-the-key", "Show figures")
        expect(page.locator("#stats-status")).to_contain_text("not valid")
        expect(page.locator("#stats-results")).to_be_hidden()
