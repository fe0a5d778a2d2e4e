"""What the browser tests of the editors' pages share: Debian's Chromium, headless and
driven by Playwright (as the player's tests run it), a page at the desktop or the phone
size with its console errors collected, the key form, and axe's verdict on a page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Page, sync_playwright

from tests.test_player_browser import AXE, CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, Console

SIZES = {"desktop": DESKTOP, "phone": PHONE}


def chromium() -> Iterator[Browser]:
    """A browser for a module's fixture: ``yield from chromium()``."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def opened(browser: Browser, viewport: str) -> Iterator[tuple[Page, Console]]:
    """A page of its own context (no cookies or storage from other tests) at the
    ``desktop`` or ``phone`` size, and the errors its console reports."""
    context = browser.new_context(viewport=SIZES[viewport])
    try:
        page = context.new_page()
        yield page, Console(page)
    finally:
        context.close()


def give_key(page: Page, key: str, button: str) -> None:
    """Type ``key`` in the page's key form and press its ``button``."""
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name=button).click()


def axe_violations(page: Page) -> list[tuple[str, list[object]]]:
    """What axe finds wrong in the page: each rule broken, with its first three elements."""
    found = AXE.run(page)
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in found.response["violations"]]
