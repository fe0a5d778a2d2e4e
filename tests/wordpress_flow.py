"""What the WordPress plugin's tests and its benchmark share: a publisher's steps in
wp-admin (log in, fill in Settings → Narration, write and publish a post in the block
editor), and reading the post's narration and our feed."""

from __future__ import annotations

import json
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable

from playwright.sync_api import Page

from tests.helpers import SAMPLES
from tests.running import RunningService
from tests.wordpress_site import ADMIN, ADMIN_PASSWORD, WordPressSite

KEY = "wordpress-site-key"
SERVICE_ENV = {
    "NARRATION_VOICE": "pyttsx3:en",
    "NARRATION_API_KEYS": KEY,
    "NARRATION_WORKERS": "2",
    # The site is on 127.0.0.1, which the fetch rules refuse for callbacks unless allowed.
    "NARRATION_FETCH_ALLOW": "127.0.0.1",
    "NARRATION_CALLBACK_BACKOFF_S": "1",
}
DEADLINE_S = 240


def article(words: int = 600) -> list[str]:
    """Paragraphs of a real article, about ``words`` long."""
    lines = (SAMPLES / "london-daily-sheinbaum.txt").read_text().splitlines()[6:]
    paragraphs, total = [], 0
    for line in lines:
        line = line.strip()
        if len(line.split()) < 12:
            continue
        paragraphs.append(line)
        total += len(line.split())
        if total >= words:
            break
    return paragraphs


def log_in(
    page: Page, site: WordPressSite, user: str = ADMIN, password: str = ADMIN_PASSWORD
) -> None:
    page.goto(f"{site.url}/wp-login.php")
    page.fill("#user_login", user)
    page.fill("#user_pass", password)
    page.click("#wp-submit")
    page.wait_for_url(re.compile(r"/wp-admin/"))


def fill_settings(page: Page, site: WordPressSite, service: RunningService, key: str) -> None:
    """Settings → Narration, filled in and saved."""
    page.goto(f"{site.url}/wp-admin/options-general.php?page=narration")
    page.get_by_label("Service URL").fill(service.origin)
    page.get_by_label("API key").fill(key)
    page.get_by_label("Voice").fill("pyttsx3:en")
    posts = page.locator("#narration_post_types input[value=post]")
    if not posts.is_checked():
        posts.check()
    on_publish = page.get_by_label("Narrate on publish")
    if not on_publish.is_checked():
        on_publish.check()
    page.get_by_label("Player position").select_option("after")
    page.get_by_label("Player", exact=True).select_option("component")
    page.get_by_role("button", name="Save Changes").click()
    page.wait_for_selector("#setting-error-settings_updated")


def write_post(page: Page, site: WordPressSite, title: str, paragraphs: list[str]) -> int:
    """A new post in the block editor, written but not published; its id."""
    page.goto(f"{site.url}/wp-admin/post-new.php")
    title_field = page.locator(".editor-post-title__input")
    title_field.wait_for()
    title_field.click()
    page.keyboard.type(title)
    page.keyboard.press("Enter")
    page.keyboard.type(paragraphs[0])
    if paragraphs[1:]:
        # The rest as blocks, through the editor's own data API (typing 600 words is slow).
        page.evaluate(
            """(texts) => {
                const paragraph = (content) => wp.blocks.createBlock('core/paragraph', {content});
                const blocks = texts.map(paragraph);
                wp.data.dispatch('core/block-editor').insertBlocks(blocks);
            }""",
            paragraphs[1:],
        )
    return int(page.evaluate("wp.data.select('core/editor').getCurrentPostId()"))


def publish(page: Page) -> float:
    """Press Publish (twice: the button, then the pre-publish check's); when the second
    press happened (time.monotonic())."""
    page.locator(".editor-post-publish-panel__toggle").click()
    button = page.locator(".editor-post-publish-panel__header-publish-button button")
    button.wait_for()
    pressed = time.monotonic()
    button.click()
    page.get_by_text("is now live").wait_for()
    page.get_by_role("button", name="Close panel").click()
    return pressed


def open_panel(page: Page) -> None:
    """The Narration panel in the post's settings sidebar, opened."""
    toggle = page.locator(".narration-panel .components-panel__body-toggle")
    if not page.locator(".edit-post-sidebar").is_visible():
        page.get_by_role("button", name="Settings", exact=True).click()
    page.locator(".edit-post-sidebar__panel-tab").first.click()  # "Post", not "Block"
    toggle.wait_for()
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    page.locator(".narration-panel-body").wait_for()


def wait_for(
    what: str, check: Callable[[], object], site: WordPressSite, deadline_s: float = DEADLINE_S
) -> object:
    """Run WP-Cron and ``check`` until it answers something true; that answer."""
    deadline = time.monotonic() + deadline_s
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"still waiting for {what}"
        site.run_cron()
        time.sleep(0.5)


def panel_status(page: Page) -> str:
    return page.locator(".narration-panel-body").get_attribute("data-status") or ""


def narration(site: WordPressSite, post_id: int) -> dict:
    """The post's narration as the plugin keeps it (its post meta)."""
    code = (
        f"$meta = array(); foreach ( get_post_meta( {post_id} ) as $k => $v ) {{"
        " if ( str_starts_with( $k, '_narration_' ) ) {"
        " $meta[ substr( $k, 11 ) ] = maybe_unserialize( $v[0] ); } }"
        " echo wp_json_encode( $meta );"
    )
    answer: dict = json.loads(site.eval(code)) or {}  # PHP writes no meta as []
    return answer


def feed_items(service: RunningService) -> dict[str, str]:
    """Our feed's items: guid to enclosure URL."""
    root = ET.fromstring(service.http.get("/feed.xml").content)
    return {
        item.findtext("guid", ""): (item.find("enclosure").get("url", ""))  # type: ignore[union-attr]
        for item in root.iter("item")
    }
