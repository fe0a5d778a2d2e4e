"""The WordPress plugin's costs, on the test suite's site (Debian's WordPress, PHP's
built-in server, MariaDB) and a real ``narration serve`` with espeak-ng:

- seconds from pressing Publish (a ~600-word post, block editor, headless Chromium) to
  the player on the public post page, WP-Cron left to itself (no request to wp-cron.php
  from here: the plugin spawns it when the post is published);
- what the plugin adds to a post page's load, with and without an episode: requests and
  bytes (to the site and to the service) before the reader presses play, and the server's
  time for the page's HTML (median of 20) with the plugin active and deactivated.

Run: .venv/bin/python bench/wordpress_plugin.py (MariaDB on 127.0.0.1:3306, `make services`).
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Browser, Response

from tests.editor_browser import chromium, opened
from tests.running import RunningService
from tests.wordpress_flow import (
    KEY,
    SERVICE_ENV,
    article,
    fill_settings,
    log_in,
    publish,
    write_post,
)
from tests.wordpress_site import WordPressSite


def page_load(browser: Browser, url: str, service: str) -> dict[str, float]:
    """Requests and bytes of one load of ``url`` in a fresh context, until the network is
    quiet, split by origin."""
    counts = {
        "site_requests": 0, "site_bytes": 0, "service_requests": 0, "service_bytes": 0,
        "html_bytes": 0,
    }  # fmt: skip
    with opened(browser, "desktop") as (page, _console):

        def seen(response: Response) -> None:
            kind = "service" if response.url.startswith(service) else "site"
            counts[f"{kind}_requests"] += 1
            with contextlib.suppress(Exception):  # a media request Chromium cut short
                # Bytes as received (encoded), once the response has ended.
                counts[f"{kind}_bytes"] += response.request.sizes()["responseBodySize"]

        page.on("response", seen)
        answer = page.goto(url, wait_until="networkidle")
        counts["html_bytes"] = len(answer.body()) if answer is not None else 0
        page.wait_for_timeout(1000)
    return counts


def server_ms(site: WordPressSite, path: str, runs: int = 20) -> float:
    site.http.get(path)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        assert site.http.get(path).status_code == 200
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        service = RunningService(work / "service", SERVICE_ENV)
        (work / "service").mkdir()
        service.start()
        site = WordPressSite(work / "site")
        (work / "site").mkdir()
        try:
            site.install().start()
            for browser in chromium():
                with opened(browser, "desktop") as (page, _console):
                    log_in(page, site)
                    fill_settings(page, site, service, KEY)
                    paragraphs = article(600)
                    words = sum(len(p.split()) for p in paragraphs)
                    post_id = write_post(page, site, "Mexico says no to troops", paragraphs)
                    pressed = publish(page)
                    while "<narration-player" not in site.http.get(f"/?p={post_id}").text:
                        time.sleep(0.25)
                    html_at = time.monotonic() - pressed
                    with opened(browser, "desktop") as (reader, _c):
                        reader.goto(f"{site.url}/?p={post_id}")
                        button = reader.locator("narration-player").get_by_role(
                            "button", name="Play"
                        )
                        button.wait_for(timeout=30_000)
                    shown_at = time.monotonic() - pressed
                    # A post without an episode: published while narrating on publish is off.
                    page.goto(f"{site.url}/wp-admin/options-general.php?page=narration")
                    page.get_by_label("Narrate on publish").uncheck()
                    page.get_by_role("button", name="Save Changes").click()
                    page.wait_for_selector("#setting-error-settings_updated")
                    plain_id = write_post(page, site, "A post without an episode", paragraphs)
                    publish(page)
                print(f"publish to player: {words}-word post, espeak-ng")
                print(f"  player in the post's HTML  {html_at:6.1f} s")
                print(f"  player shown in Chromium   {shown_at:6.1f} s")
                print()
                with_ep = page_load(browser, f"{site.url}/?p={post_id}", service.origin)
                without = page_load(browser, f"{site.url}/?p={plain_id}", service.origin)
                active = {
                    "with": server_ms(site, f"/?p={post_id}"),
                    "without": server_ms(site, f"/?p={plain_id}"),
                }
                site.eval(
                    "require_once ABSPATH . 'wp-admin/includes/plugin.php';"
                    " deactivate_plugins( 'narration/narration.php' );"
                )
                inactive = {
                    "with": server_ms(site, f"/?p={post_id}"),
                    "without": server_ms(site, f"/?p={plain_id}"),
                }
                bare = page_load(browser, f"{site.url}/?p={post_id}", service.origin)
            head = "post page before play      requests (site+service)   bytes (site+service)"
            print(head + "   HTML")
            for name, load in (
                ("with an episode", with_ep),
                ("without an episode", without),
                ("plugin deactivated", bare),
            ):
                print(
                    f"  {name:24} {load['site_requests']:4} + {load['service_requests']:<4}"
                    f"            {load['site_bytes']:8,} + {load['service_bytes']:<8,}"
                    f"  {load['html_bytes']:,}"
                )
            print()
            print("server time for the page's HTML (median of 20)   plugin active   deactivated")
            for name in ("with", "without"):
                print(
                    f"  post {name} an episode"
                    f"{' ' * (23 - len(name))}{active[name]:8.1f} ms   {inactive[name]:8.1f} ms"
                )
        finally:
            site.close()
            service.close()


if __name__ == "__main__":
    main()
