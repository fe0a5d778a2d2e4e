"""The editors' listening check page in a real browser (Debian's Chromium, headless,
driven by Playwright) against a running ``narration serve``: an episode read by espeak-ng
with a lexicon entry that misreads a name, checked from the command line; the page lists
that sentence, plays its moment and offers its lexicon line, with no console errors and
no axe violations."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.editor_browser import SIZES, axe_violations, chromium, give_key, opened
from tests.helpers import ROOT
from tests.running import RunningService
from tests.test_listening_check import ARTICLE, NAMED

pytestmark = [pytest.mark.slow, pytest.mark.espeak]

KEY = "check-browser-key"


@dataclass(frozen=True)
class Served:
    service: RunningService
    episode: dict[str, object]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp: Path = tmp_path_factory.mktemp("check-browser")
    lexicon = tmp / "lexicon.toml"
    lexicon.write_text('[words]\nJohnson = "Quabble-zink"\n', encoding="utf-8")
    source = tmp / "bridge.md"
    source.write_text(ARTICLE, encoding="utf-8")
    env = {
        "NARRATION_LEXICON_PATH": str(lexicon),
        "NARRATION_CHECK_CACHE_DIR": str(tmp / "model"),
        "NARRATION_ADMIN_KEYS": KEY,
    }
    done = subprocess.run(
        [sys.executable, "-m", "narration.cli", "narrate", str(source), "--out", str(tmp / "out"),
         "--check", "--json"],
        cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    episode = json.loads(done.stdout.splitlines()[-1])
    service = RunningService(tmp, env).start()
    try:
        yield Served(service, episode)
    finally:
        service.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from chromium()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_page_lists_the_flagged_sentence(
    served: Served, browser: Browser, viewport: str
) -> None:
    with opened(browser, viewport) as (page, console):
        answer = page.goto(f"{served.service.origin}/editor/checks/{served.episode['id']}")
        assert answer is not None and answer.status == 200
        assert "content-security-policy" in answer.headers
        # The page holds no data before the key is given.
        assert NAMED not in page.content()
        expect(page.locator("#check-results")).to_be_hidden()
        give_key(page, KEY, "Show the check")
        items = page.locator("#flagged li")
        expect(items).to_have_count(1)
        expect(items.first).to_contain_text(NAMED)
        expect(page.locator("#check-summary")).to_contain_text("1 of 7 sentences flagged")
        natural = served.episode["check"]["naturalness"]  # type: ignore[index]
        expect(page.locator("#check-summary")).to_contain_text(
            f"Naturalness (DNSMOS) {natural['mos']:.2f} of 5"
        )
        copy = page.get_by_role("button", name="Copy lexicon line for Johnson")
        assert copy.get_attribute("data-line") == 'Johnson = "John-son"'
        # Playing the sentence starts the episode's audio at its moment.
        start = served.episode["check"]["flagged"][0]["start_s"]  # type: ignore[index]
        page.get_by_role("button", name="Play from").click()
        page.wait_for_function(
            "(start) => { const a = document.getElementById('check-audio');"
            " return !a.paused && a.currentTime >= start - 0.01 }",
            arg=start,
        )
        # ... and pauses where the sentence ends, not at the end of the episode.
        end = served.episode["check"]["flagged"][0]["end_s"]  # type: ignore[index]
        page.wait_for_function(
            "() => document.getElementById('check-audio').paused", timeout=30_000
        )
        stopped = page.evaluate("() => document.getElementById('check-audio').currentTime")
        assert end - 0.01 <= stopped <= end + 1.0, (stopped, end)
        assert page.evaluate("() => sessionStorage.getItem('narration:check-key')") == KEY
        assert page.evaluate("() => localStorage.length") == 0
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= SIZES[viewport]["width"]
        assert axe_violations(page) == []
        assert console.errors == []


def test_a_wrong_key_shows_why(served: Served, browser: Browser) -> None:
    with opened(browser, "phone") as (page, _):
        page.goto(f"{served.service.origin}/editor/checks/{served.episode['id']}")
        give_key(page, "not-the-key", "Show the check")
        expect(page.locator("#check-status")).to_contain_text("may not read")
        expect(page.locator("#check-results")).to_be_hidden()
