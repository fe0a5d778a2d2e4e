"""The player and its pages in a real browser: Debian's Chromium, headless, driven by
Playwright, against a running ``narration serve`` with a sample narrated by espeak-ng.

Screenshots of the pages (desktop and a 390 px phone) are saved under
``build/screenshots`` (``NARRATION_SCREENSHOTS`` to change it) for people to look at.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import webvtt
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, expect, sync_playwright

from tests.helpers import ROOT, SAMPLES, stop, wait_until_healthy
from tests.running import free_port

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
XSS = "</h1><i>Italic</i> prices"  # markup as text (a script would be dropped as code)
AXE = Axe()
SCREENSHOTS = Path(os.environ.get("NARRATION_SCREENSHOTS", ROOT / "build" / "screenshots"))
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Served:
    base: str
    """The narration service."""
    host: str
    """Another origin, standing in for the publisher's site."""
    episode: dict[str, object]
    """The JSON of the narrated sample."""
    cues: tuple[Cue, ...]
    xss_page: str
    """The page of an episode whose title is a script tag."""


def _narrate(out: Path, base: str, source: Path, env: dict[str, str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "narration.cli", "narrate", str(source), "--out", str(out),
         "--base-url", base, "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def _host_pages(base: str, episode_id: str, embed_url: str) -> dict[str, str]:
    """The publisher's article pages: one with the iframe snippet, one with the web
    component, each as the episode page offers them."""
    return {
        "/iframe.html": (
            "<!doctype html><html><head><meta charset='utf-8'><title>Article</title>"
            "<link rel='icon' href='data:,'></head>"
            "<body><h1>A news article</h1><p>Some text above the player.</p>"
            f'<iframe id="player" src="{embed_url}" title="Listen" width="100%" height="250"'
            ' style="border:0;max-width:720px" loading="lazy" allow="autoplay"></iframe>'
            f'<script type="module" src="{base}/player.js"></script>'
            "<p>Text below the player.</p></body></html>"
        ),
        "/component.html": (
            "<!doctype html><html><head><meta charset='utf-8'><title>Article</title>"
            "<link rel='icon' href='data:,'></head>"
            "<body><h1>A news article</h1>"
            f'<script type="module" src="{base}/player.js"></script>'
            f'<narration-player src="{base}/v1/episodes/{episode_id}"></narration-player>'
            "<p>Text below the player.</p></body></html>"
        ),
    }


def _serve_pages(pages: dict[str, str]) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path.split("?")[0])
            if body is None:
                self.send_error(404)
                return
            data = body.encode()
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # "localhost" here and 127.0.0.1 for the service: two origins, as on the web.
    return server, f"http://localhost:{server.server_address[1]}"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("player")
    out = tmp / "out"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "NARRATION_VOICE": "pyttsx3:en", "NARRATION_WORKERS": "2"}
    sample = _narrate(out, base, SAMPLES / "harbour-tunnel.html", env)
    xss_source = tmp / "xss.md"
    xss_source.write_text(
        f'---\ntitle: "{XSS}"\nauthor: "<b>Bold</b> & Co"\n---\n\n'
        "A short article. It has two sentences.\n",
        encoding="utf-8",
    )
    xss = _narrate(out, base, xss_source, env)
    log = (tmp / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "narration.cli", "serve", "--port", str(port), "--out", str(out),
         "--base-url", base],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        with httpx.Client(base_url=base, timeout=10, trust_env=False) as http:
            wait_until_healthy(
                http, lambda: proc.poll() is None, lambda: (tmp / "serve.log").read_text()
            )
            episode = http.get(f"/v1/episodes/{sample['id']}").json()
            vtt = http.get(episode["transcript_url"]).text
        cues = tuple(
            Cue(
                c.start_time.in_milliseconds() / 1000,
                c.end_time.in_milliseconds() / 1000,
                html.unescape(c.text),
            )
            for c in webvtt.from_string(vtt).captions
        )
        server, host = _serve_pages(_host_pages(base, str(sample["id"]), episode["embed_url"]))
        try:
            yield Served(base, host, episode, cues, f"{base}/episodes/{xss['id']}")
        finally:
            server.shutdown()
    finally:
        try:
            stop(proc)
        finally:
            log.close()


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()


class Console:
    """Errors a page reported: console errors (CSP violations among them), uncaught
    exceptions, and dialogs (an injected ``alert`` would open one)."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("dialog", self._dialog)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(f"{message.type}: {message.text}")

    def _dialog(self, dialog: object) -> None:
        self.errors.append("dialog opened")
        dismiss = getattr(dialog, "dismiss", None)
        if dismiss is not None:
            dismiss()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP)
    p = context.new_page()
    yield p
    context.close()


def _embed(served: Served) -> str:
    return str(served.episode["embed_url"])


def _page_url(served: Served) -> str:
    return str(served.episode["page_url"])


def _ready(page: Page) -> None:
    """Wait until the player has upgraded and the audio knows its duration."""
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    page.wait_for_function(
        "() => { const a = document.querySelector('narration-player audio');"
        " return a && a.readyState >= 1 && isFinite(a.duration) }"
    )


def _until(page: Page, condition: str, timeout: float = 10_000) -> None:
    """Wait until ``condition`` holds of the player's audio element ``a``."""
    page.wait_for_function(
        "() => { const a = document.querySelector('narration-player audio');"
        f" return {condition} }}",
        timeout=timeout,
    )


def _audio(page: Page, expression: str) -> object:
    return page.evaluate(f"() => {{ const a = document.querySelector('narration-player audio');"
                         f" return {expression} }}")  # fmt: skip


def _chapters(served: Served) -> list[dict[str, object]]:
    chapters = served.episode["chapters"]
    assert isinstance(chapters, list)
    return chapters


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_embed_page_loads_without_console_errors(served: Served, page: Page) -> None:
    console = Console(page)
    page.goto(_embed(served))
    _ready(page)
    assert page.locator("audio").count() == 1
    page.wait_for_timeout(500)  # transcript, chapters and peaks arrive
    assert console.errors == []


def test_pressing_play_makes_time_advance(served: Served, page: Page) -> None:
    console = Console(page)
    page.goto(_embed(served))
    _ready(page)
    page.get_by_role("button", name="Play").click()
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    _until(page, "a.currentTime > 1.0", timeout=15_000)
    assert _audio(page, "a.paused") is False
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    assert _audio(page, "a.paused") is True
    assert console.errors == []


def test_a_chapter_button_seeks_to_its_start(served: Served, page: Page) -> None:
    page.goto(_embed(served))
    _ready(page)
    third = _chapters(served)[2]
    chapters = page.get_by_role("button", name="Chapters")
    expect(chapters).to_have_attribute("aria-expanded", "false")
    chapters.click()
    page.get_by_role("button", name=str(third["title"]), exact=True).click()
    _until(page, f"Math.abs(a.currentTime - {third['start_s']}) < 0.5")
    position = _audio(page, "a.currentTime")
    assert isinstance(position, float | int)
    assert abs(position - float(str(third["start_s"]))) < 0.5
    current = page.get_by_role("button", name=str(third["title"]), exact=True)
    expect(current).to_have_attribute("aria-current", "true")


def test_the_transcript_highlights_the_sentence_being_read(served: Served, page: Page) -> None:
    page.goto(_page_url(served))
    _ready(page)
    page.locator(".cue").first.wait_for()
    cues = served.cues
    for index in (3, len(cues) // 2, len(cues) - 2):
        cue = cues[index]
        middle = (cue.start + cue.end) / 2
        page.evaluate(
            "t => new Promise(done => {"
            " const a = document.querySelector('narration-player audio');"
            " a.addEventListener('seeked', () => requestAnimationFrame(() => done()),"
            " {once: true}); a.currentTime = t })",
            middle,
        )
        page.wait_for_timeout(300)
        now = _audio(page, "a.currentTime")
        assert isinstance(now, float | int)
        holding = [c for c in cues if c.start <= now < c.end]
        assert len(holding) == 1
        highlighted = page.locator(".cue[aria-current='true']")
        expect(highlighted).to_have_count(1)
        assert " ".join(highlighted.inner_text().split()) == " ".join(holding[0].text.split())


def test_playing_moves_the_highlight_along(served: Served, page: Page) -> None:
    page.goto(_page_url(served))
    _ready(page)
    page.get_by_role("button", name="Play").click()
    _until(page, "a.currentTime > 6", timeout=20_000)
    page.get_by_role("button", name="Pause").click()
    now = _audio(page, "a.currentTime")
    assert isinstance(now, float | int)
    holding = [c for c in served.cues if c.start <= now < c.end]
    started = [c for c in served.cues if c.start <= now]
    expected = holding[0] if holding else started[-1]
    highlighted = page.locator(".cue[aria-current='true']")
    expect(highlighted).to_have_count(1)
    assert " ".join(highlighted.inner_text().split()) == " ".join(expected.text.split())


def test_clicking_a_sentence_seeks_to_it(served: Served, page: Page) -> None:
    page.goto(_page_url(served))
    _ready(page)
    cue = served.cues[6]
    page.locator(".cue").nth(6).click()
    _until(page, f"Math.abs(a.currentTime - {cue.start}) < 0.3")


def test_choosing_a_speed_sets_the_playback_rate(served: Served, page: Page) -> None:
    page.goto(_embed(served))
    _ready(page)
    speed = page.get_by_label("Playback speed")
    options = speed.locator("option").all_inner_texts()
    assert options == ["0.75×", "1×", "1.25×", "1.5×", "2×"]
    speed.select_option("1.5")
    assert _audio(page, "a.playbackRate") == 1.5
    speed.select_option("0.75")
    assert _audio(page, "a.playbackRate") == 0.75


def test_the_space_key_toggles_play(served: Served, page: Page) -> None:
    page.goto(_embed(served))
    _ready(page)
    page.get_by_role("button", name="Play").focus()
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    assert _audio(page, "a.paused") is False
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    assert _audio(page, "a.paused") is True
    # Also from the seek bar, where Space is not a button press.
    page.get_by_role("slider", name="Seek").focus()
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name="Play")).to_be_visible()


def test_skip_buttons_and_the_seek_bar_keys(served: Served, page: Page) -> None:
    page.goto(_embed(served))
    _ready(page)
    page.get_by_role("button", name="Forward 30 seconds").click()
    _until(page, "a.currentTime >= 29.9")
    page.get_by_role("button", name="Back 15 seconds").click()
    _until(page, "Math.abs(a.currentTime - 15) < 0.2")
    slider = page.get_by_role("slider", name="Seek")
    slider.focus()
    page.keyboard.press("End")
    duration = _audio(page, "a.duration")
    assert isinstance(duration, float | int)
    _until(page, f"a.currentTime > {duration} - 1")
    page.keyboard.press("Home")
    _until(page, "a.currentTime < 0.5")
    # The slider reads whole seconds, rounded as the player rounds (half up).
    expect(slider).to_have_attribute("aria-valuemax", str(math.floor(duration + 0.5)))


def test_every_control_can_be_reached_by_keyboard_and_has_a_name(
    served: Served, page: Page
) -> None:
    page.goto(_embed(served))
    _ready(page)
    names: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        name = page.evaluate(
            "() => { let e = document.activeElement;"
            " while (e && e.shadowRoot && e.shadowRoot.activeElement)"
            " e = e.shadowRoot.activeElement;"
            " if (!e || e === document.body) return null;"
            " const label = e.getAttribute('aria-label') || (e.labels && e.labels[0] &&"
            " e.labels[0].textContent) || e.textContent;"
            " const style = getComputedStyle(e);"
            " return (label || '').trim() + '|' + (style.outlineStyle !== 'none' ||"
            " style.boxShadow !== 'none') }"
        )
        if name is None:
            break
        names.append(str(name))
    reached = {n.split("|")[0] for n in names}
    for expected in ("Play", "Back 15 seconds", "Forward 30 seconds", "Seek", "Playback speed"):
        assert any(r.startswith(expected) for r in reached), (expected, names)
    assert all(n.split("|")[0] for n in names), names  # every stop has a name
    assert all(n.endswith("|true") for n in names), names  # and a visible focus


def test_media_session_gets_the_episode(served: Served, page: Page) -> None:
    page.goto(_embed(served))
    _ready(page)
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("() => navigator.mediaSession.metadata !== null")
    metadata = page.evaluate(
        "() => { const m = navigator.mediaSession.metadata;"
        " return {title: m.title, artist: m.artist, album: m.album} }"
    )
    assert metadata == {
        "title": served.episode["title"],
        "artist": served.episode["author"],
        "album": served.episode["show_title"],
    }
    page.get_by_role("button", name="Pause").click()


def test_listening_resumes_where_it_stopped(served: Served, page: Page) -> None:
    page.goto(_embed(served))
    _ready(page)
    page.get_by_role("button", name="Play").click()
    _audio(page, "(a.currentTime = 40, 0)")
    _until(page, "a.currentTime > 40.5")
    page.get_by_role("button", name="Pause").click()
    page.reload()
    _ready(page)
    _until(page, "Math.abs(a.currentTime - 40.5) < 3")


def test_the_xss_title_renders_as_text(served: Served, page: Page) -> None:
    console = Console(page)
    page.goto(served.xss_page)
    _ready(page)
    expect(page.locator("h1")).to_have_text(XSS)
    # The player's own title, chapter and transcript heading, built from the JSON, are
    # text too.
    in_player = page.locator("narration-player").get_by_text(XSS, exact=True).filter(visible=True)
    expect(in_player.first).to_be_visible()
    assert in_player.count() >= 2
    assert page.locator("b").count() == 0
    page.wait_for_timeout(300)
    assert console.errors == []


def test_the_iframe_snippet_works_on_another_origin(served: Served, page: Page) -> None:
    console = Console(page)
    page.goto(served.host + "/iframe.html")
    frame = page.frame_locator("#player")
    play = frame.get_by_role("button", name="Play")
    expect(play).to_be_visible()
    play.click()
    expect(frame.get_by_role("button", name="Pause")).to_be_visible()
    player_frame = next(f for f in page.frames if f.url.startswith(served.base))
    player_frame.wait_for_function(
        "() => document.querySelector('narration-player audio').currentTime > 0.5",
        timeout=15_000,
    )
    frame.get_by_role("button", name="Pause").click()
    # The host page grows the frame when the transcript opens (postMessage).
    before = page.locator("#player").bounding_box()
    assert before is not None
    frame.get_by_role("button", name="Transcript").click()
    page.wait_for_function(
        f"() => document.getElementById('player').getBoundingClientRect().height"
        f" > {before['height']} + 50"
    )
    # And shrinks it again when the transcript closes.
    frame.get_by_role("button", name="Transcript").click()
    page.wait_for_function(
        f"() => Math.abs(document.getElementById('player').getBoundingClientRect().height"
        f" - {before['height']}) < 2"
    )
    assert console.errors == []


def test_the_web_component_works_on_another_origin(served: Served, page: Page) -> None:
    console = Console(page)
    page.goto(served.host + "/component.html")
    _ready(page)
    page.get_by_role("button", name="Chapters").click()
    second = str(_chapters(served)[1]["title"])
    expect(page.get_by_role("button", name=second, exact=True)).to_be_visible()
    page.get_by_role("button", name="Play").click()
    _until(page, "a.currentTime > 0.5", timeout=15_000)
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Transcript").click()
    expect(page.locator(".cue").first).to_be_visible()
    assert console.errors == []


def test_without_javascript_a_plain_audio_player_remains(served: Served, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        for url in (_embed(served), _page_url(served)):
            page.goto(url)
            audio = page.locator("audio[controls]")
            expect(audio).to_have_count(1)
            expect(audio).to_be_visible()
        expect(page.get_by_text(served.cues[5].text.split(". ")[0]).first).to_be_visible()
    finally:
        context.close()


def _background_luminance(page: Page) -> float:
    rgb = page.evaluate(
        "() => { const p = document.querySelector('narration-player');"
        " const root = p.shadowRoot.firstElementChild;"
        " let e = p.shadowRoot.querySelector('[part~=player], .player') || root;"
        " return getComputedStyle(e).backgroundColor }"
    )
    values = [int(v) for v in re.findall(r"\d+", str(rgb))[:3]]
    return sum(values) / (3 * 255)


def test_light_and_dark_themes(served: Served, page: Page) -> None:
    page.goto(_embed(served) + "?theme=dark")
    _ready(page)
    dark = _background_luminance(page)
    page.goto(_embed(served) + "?theme=light")
    _ready(page)
    light = _background_luminance(page)
    assert dark < 0.3 < 0.7 < light
    # A publisher's brand colour reaches the play button through the embed URL.
    page.goto(_embed(served) + "?accent=c8102e")
    _ready(page)
    play = page.get_by_role("button", name="Play")
    expect(play).to_have_css("background-color", "rgb(200, 16, 46)")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_screenshots_of_the_pages(served: Served, browser: Browser, viewport: str) -> None:
    size = DESKTOP if viewport == "desktop" else PHONE
    context = browser.new_context(viewport=size, device_scale_factor=1)
    try:
        page = context.new_page()
        console = Console(page)
        for name, url in (
            ("embed", _embed(served)),
            ("embed-dark", _embed(served) + "?theme=dark"),
            ("episode", _page_url(served)),
            ("show", served.base + "/"),
            ("host-iframe", served.host + "/iframe.html"),
        ):
            page.goto(url)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(300)
            _shot(page, f"{name}-{viewport}")
            # Nothing sticks out sideways on a phone.
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (name, overflow)
        # The embed open, part-way through, a sentence highlighted.
        page.goto(_embed(served))
        _ready(page)
        page.get_by_role("button", name="Chapters").click()
        page.get_by_role("button", name="Transcript").click()
        _until(page, "(a.currentTime = 60, true)")
        expect(page.locator(".cue[aria-current='true']")).to_have_count(1)
        page.wait_for_timeout(300)
        _shot(page, f"embed-reading-{viewport}")
        assert console.errors == []
    finally:
        context.close()
    assert len(list(SCREENSHOTS.glob(f"*-{viewport}.png"))) >= 6


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_axe_finds_no_accessibility_violations(
    served: Served, browser: Browser, theme: str, viewport: str
) -> None:
    """axe-core (the rules browser accessibility audits use) over every page, with the
    player's chapters and transcript open and a sentence highlighted."""
    context = browser.new_context(viewport=DESKTOP if viewport == "desktop" else PHONE)
    try:
        page = context.new_page()
        for url in (_embed(served), _page_url(served), served.base + "/"):
            page.goto(f"{url}?theme={theme}")
            page.wait_for_load_state("networkidle")
            if url == _embed(served):
                page.get_by_role("button", name="Chapters").click()
                page.get_by_role("button", name="Transcript").click()
                _until(page, "(a.currentTime = 20, true)")
                expect(page.locator(".cue[aria-current='true']")).to_have_count(1)
            found = AXE.run(page)
            problems = [
                (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                for v in found.response["violations"]
            ]
            assert problems == [], (url, theme, viewport)
    finally:
        context.close()
