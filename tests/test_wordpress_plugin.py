"""The WordPress plugin (integrations/wordpress/narration) on a real site: Debian's
WordPress under PHP's built-in server on MariaDB, a real ``narration serve`` with the
espeak-ng voice, and a publisher in headless Chromium. Also its PHPUnit tests and
``php -l`` on every file."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import subprocess
from collections.abc import Iterator
from html import unescape

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.editor_browser import chromium, opened
from tests.running import RunningService
from tests.wordpress_flow import (
    KEY,
    SERVICE_ENV,
    article,
    feed_items,
    fill_settings,
    log_in,
    narration,
    open_panel,
    panel_status,
    publish,
    wait_for,
    write_post,
)
from tests.wordpress_site import PHP_TESTS, PLUGIN, WordPressSite, mariadb_answers

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::ResourceWarning")]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    running = RunningService(tmp_path_factory.mktemp("wp-service"), SERVICE_ENV).start()
    try:
        yield running
    finally:
        running.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WordPressSite]:
    assert mariadb_answers(), "MariaDB does not answer on 127.0.0.1:3306 (`make services`)"
    wordpress = WordPressSite(tmp_path_factory.mktemp("wp-site"))
    try:
        yield wordpress.install().start()
    finally:
        wordpress.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from chromium()


@pytest.fixture(scope="module")
def admin(browser: Browser, site: WordPressSite, service: RunningService) -> Iterator[Page]:
    """An administrator's tab, logged in, the plugin set up through its settings page."""
    with opened(browser, "desktop") as (page, _console):
        log_in(page, site)
        fill_settings(page, site, service, KEY)
        yield page


def callback_url(site: WordPressSite, entry: dict) -> str:
    return str(httpx.URL(f"{site.url}/", params={"rest_route": entry["route"], **entry["query"]}))


def send_callback(site: WordPressSite, url: str, body: bytes, signature: str) -> int:
    answer = site.http.post(
        url,
        content=body,
        headers={"content-type": "application/json", "x-narration-signature": signature},
    )
    return answer.status_code


def test_every_php_file_parses() -> None:
    files = sorted(PLUGIN.rglob("*.php")) + sorted(PHP_TESTS.rglob("*.php"))
    assert len(files) > 10
    for path in files:
        done = subprocess.run(["php", "-l", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_settings_keep_the_key_on_the_server(
    admin: Page, site: WordPressSite, service: RunningService
) -> None:
    page = admin
    page.goto(f"{site.url}/wp-admin/options-general.php?page=narration")
    assert KEY not in page.content()
    assert page.get_by_label("API key").input_value() == ""
    page.get_by_role("button", name="Test connection").click()
    expect(page.locator("#narration-test-result")).to_contain_text("Connected", timeout=30_000)


def test_publish_play_edit_and_trash(
    admin: Page, browser: Browser, site: WordPressSite, service: RunningService
) -> None:
    marks = site.log_marks()
    page = admin
    paragraphs = article(600)
    post_id = write_post(page, site, "Mexico says no to troops", paragraphs)
    publish(page)
    open_panel(page)
    # Right after publishing: queued (or already narrating), then done.
    first = panel_status(page)
    assert first in ("queued", "narrating", "done"), first
    wait_for("the panel to say done", lambda: panel_status(page) == "done", site)
    panel = page.locator(".narration-panel-body")
    expect(panel).to_contain_text("Narrated (")
    expect(panel.get_by_role("button", name="Play")).to_be_visible()
    expect(panel.get_by_role("link", name="Episode page")).to_have_attribute(
        "href", f"{service.origin}/episodes/{narration(site, post_id)['episode_id']}"
    )
    state = narration(site, post_id)
    guid_before = feed_items(service)
    assert len(guid_before) == 1, guid_before
    [(guid, enclosure)] = guid_before.items()

    # The post page: our player after the content; pressing play advances the audio.
    with opened(browser, "desktop") as (reader, _console):
        audio_asked: list[str] = []
        reader.on("request", lambda r: audio_asked.append(r.url) if ".mp3" in r.url else None)
        reader.goto(f"{site.url}/?p={post_id}")
        player = reader.locator("narration-player")
        src = f"{service.origin}/v1/episodes/{state['episode_id']}"
        expect(player).to_have_attribute("src", src)
        play = player.get_by_role("button", name="Play")
        expect(play).to_be_visible(timeout=30_000)
        reader.wait_for_timeout(1000)
        assert audio_asked == [], "the page asked for the audio before play"
        play.click()
        reader.wait_for_function(
            "document.querySelector('narration-player audio').currentTime > 0.5", timeout=30_000
        )

    # A replayed callback and forged ones change nothing.
    received = [c for c in site.callbacks() if c["route"].endswith(f"/{post_id}")]
    assert received, "no callback reached the site"
    genuine = received[-1]
    url = callback_url(site, genuine)
    before = narration(site, post_id)
    assert send_callback(site, url, genuine["body"], genuine["signature"]) == 401
    forged_body = genuine["body"].replace(b'"done"', b'"failed"', 1)
    assert send_callback(site, url, forged_body, genuine["signature"]) == 401
    wrong_key = "sha256=" + hmac.new(b"not-our-key", forged_body, hashlib.sha256).hexdigest()
    assert send_callback(site, url, forged_body, wrong_key) == 401
    other_post = url.replace(f"%2F{post_id}&", f"%2F{post_id + 1000}&")
    assert send_callback(site, other_post, genuine["body"], genuine["signature"]) == 401
    assert narration(site, post_id) == before

    # Edit the post: a new version, the same guid in our feed with new audio.
    page.evaluate(
        "wp.data.dispatch('core/block-editor').insertBlocks("
        "wp.blocks.createBlock('core/paragraph', {content: 'This article was updated on Friday.'}))"
    )
    page.get_by_role("button", name="Update", exact=True).click()
    old_job = state["job_id"]
    wait_for(
        "the new version to be narrated",
        lambda: (s := narration(site, post_id))["job_id"] != old_job and s["status"] == "done",
        site,
    )
    after = feed_items(service)
    assert list(after) == [guid], after
    assert after[guid] != enclosure
    wait_for("the panel to say done", lambda: panel_status(page) == "done", site)
    # The first version's callback, sent again, is stale.
    assert send_callback(site, url, genuine["body"], genuine["signature"]) == 401
    assert narration(site, post_id)["job_id"] != old_job

    # Trash it: its item leaves our feed.
    page.get_by_role("button", name="Move to trash").click()
    page.wait_for_url(f"{site.url}/wp-admin/edit.php*")
    wait_for("the item to leave the feed", lambda: guid not in feed_items(service), site)
    assert narration(site, post_id).get("status") == "withdrawn"

    assert site.problems(marks) == []
    assert site.deprecations_in_plugin(marks) == []


def test_a_wrong_key_shows_the_reason(
    admin: Page, site: WordPressSite, service: RunningService
) -> None:
    marks = site.log_marks()
    page = admin
    fill_settings(page, site, service, "a-key-the-service-does-not-know")
    try:
        post_id = write_post(page, site, "A post sent with the wrong key", article(60))
        publish(page)
        open_panel(page)
        wait_for("the panel to say failed", lambda: panel_status(page) == "failed", site)
        expect(page.locator(".narration-panel-body")).to_contain_text("Failed: HTTP 403")
        expect(page.get_by_role("button", name="Narrate again")).to_be_visible()
    finally:
        fill_settings(page, site, service, KEY)
    # With the right key, "Narrate again" narrates it.
    page.goto(f"{site.url}/wp-admin/post.php?post={post_id}&action=edit")
    open_panel(page)
    page.get_by_role("button", name="Narrate again").click()
    wait_for("the panel to say done", lambda: panel_status(page) == "done", site)
    assert site.problems(marks) == []


def test_drafts_private_and_protected_posts_are_never_sent(
    admin: Page, site: WordPressSite, service: RunningService
) -> None:
    headers = {"Authorization": f"Bearer {KEY}"}
    total = service.http.get("/v1/episodes", headers=headers).json()["total"]
    body = "<p>" + " ".join(article(80)) + "</p>"
    code = "wp_set_current_user( 1 ); $ids = array();"
    kinds = (("draft", ""), ("private", ""), ("publish", "secret"), ("pending", ""))
    for status, password in kinds:
        code += (
            " $ids[] = wp_insert_post( array( 'post_title' => 'Not for the service',"
            f" 'post_content' => {json.dumps(body)}, 'post_status' => '{status}',"
            f" 'post_password' => '{password}' ) );"
        )
    code += " echo wp_json_encode( $ids );"
    ids = json.loads(site.eval(code))
    for _ in range(3):
        site.run_cron()
    for post_id in ids:
        assert narration(site, post_id).get("job_id") is None
    assert service.http.get("/v1/episodes", headers=headers).json()["total"] == total


def test_a_service_that_is_down_delays_the_narration(
    admin: Page, site: WordPressSite, service: RunningService
) -> None:
    service.stop()
    try:
        post_id = int(
            site.eval(
                "wp_set_current_user( 1 ); echo wp_insert_post( array("
                " 'post_title' => 'Sent later', 'post_status' => 'publish',"
                " 'post_content' => '<p>The ferry runs again from Monday.</p>' ) );"
            )
        )
        wait_for(
            "a failed attempt",
            lambda: int(narration(site, post_id).get("attempts") or 0) >= 1,
            site,
        )
        state = narration(site, post_id)
        assert state["status"] == "queued"
        assert "could not be reached" in state["note"]
    finally:
        service.start()
    wait_for(
        "the narration once the service is back",
        lambda: narration(site, post_id)["status"] == "done",
        site,
    )


def test_the_shortcode_places_the_player_and_a_restored_post_is_narrated_again(
    admin: Page, site: WordPressSite, service: RunningService
) -> None:
    marks = site.log_marks()
    paragraphs = article(120)
    half = len(paragraphs) // 2
    first, second = paragraphs[:half], paragraphs[half:]
    content = "".join(f"<p>{p}</p>" for p in first) + "<p>[narration_player]</p>"
    content += "".join(f"<p>{p}</p>" for p in second)
    known = set(feed_items(service))
    post_id = int(
        site.eval(
            "wp_set_current_user( 1 ); echo wp_insert_post( array("
            " 'post_title' => 'A player placed by hand', 'post_status' => 'publish',"
            f" 'post_content' => {json.dumps(content)} ) );"
        )
    )
    wait_for("the narration", lambda: narration(site, post_id).get("status") == "done", site)
    [guid] = set(feed_items(service)) - known
    # One player, where the shortcode is: after the first half, before the second.
    html = site.http.get(f"/?p={post_id}").text
    assert html.count("<narration-player") == 1
    player = html.index("<narration-player")

    def words(markup: str) -> list[str]:
        return re.findall(r"\w+", unescape(re.sub(r"<[^>]+>", " ", markup)))

    before, after = words(html[:player]), words(html[player:])
    assert before[-4:] == words(first[-1])[-4:], before[-12:]
    opening = words(second[0])[:6]
    assert any(after[n : n + 6] == opening for n in range(40)), after[:40]
    assert "[narration_player]" not in html
    # Trashed: withdrawn and out of the feed. Restored: published and narrated again.
    old_job = narration(site, post_id)["job_id"]
    site.eval(f"wp_set_current_user( 1 ); wp_trash_post( {post_id} );")
    wait_for("the item to leave the feed", lambda: guid not in feed_items(service), site)
    assert narration(site, post_id)["status"] == "withdrawn"
    assert "<narration-player" not in site.http.get(f"/?p={post_id}").text
    site.eval(f"wp_set_current_user( 1 ); wp_untrash_post( {post_id} );")
    assert site.eval(f"echo get_post_status( {post_id} );") == "publish"
    wait_for(
        "the restored post's narration",
        lambda: (s := narration(site, post_id))["status"] == "done" and s["job_id"] != old_job,
        site,
    )
    assert guid in feed_items(service)
    assert site.problems(marks) == []


def test_phpunit(site: WordPressSite) -> None:
    """The plugin's PHPUnit tests (payload, signature, settings, retry schedule), with
    WordPress loaded from the test site."""
    done = subprocess.run(
        ["phpunit", "--configuration", str(PHP_TESTS / "phpunit.xml"), "--colors=never"],
        cwd=PHP_TESTS,
        env={"NARRATION_WP_ROOT": str(site.root), "NARRATION_WP_HOST": f"127.0.0.1:{site.port}",
             "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK (" in done.stdout, done.stdout


def test_uninstalling_leaves_no_option_meta_or_event(site: WordPressSite) -> None:
    """Runs last: WordPress's own uninstall routine runs the plugin's uninstall.php."""
    count = (
        'global $wpdb; $meta = (int) $wpdb->get_var( "SELECT COUNT(*) FROM $wpdb->postmeta'
        " WHERE meta_key LIKE '\\\\_narration\\\\_%'\" ); $hooks = array();"
        " foreach ( (array) _get_cron_array() as $events ) { foreach ( (array) $events as"
        " $hook => $x ) { if ( str_starts_with( (string) $hook, 'narration_' ) ) {"
        " $hooks[] = $hook; } } }"
        " echo wp_json_encode( array( get_option( 'narration_settings', null ), $meta,"
        " $hooks ) );"
    )
    settings, meta, _hooks = json.loads(site.eval(count))
    assert settings and meta > 0  # what the tests before left
    site.eval(
        "require_once ABSPATH . 'wp-admin/includes/plugin.php';"
        " uninstall_plugin( 'narration/narration.php' );"
    )
    assert json.loads(site.eval(count)) == [None, 0, []]
