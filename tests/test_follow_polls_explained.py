"""A poll of a real site's feed: relative links followed, entries that are anchors on
one page narrated apart, a sitemap index with a missing sitemap read for the others, and
every poll that yields nothing saying why on its source."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from narration.config import Settings
from narration.ingest.follow_rules import Rules
from narration.service.follow import Follower, source_state
from narration.store.database import Database
from narration.store.sources import SourceStore
from tests.follow_site import Item, Site, serving
from tests.test_follow import Recorder

pytestmark = pytest.mark.slow


@pytest.fixture
def site() -> Iterator[Site]:
    with serving() as running:
        yield running


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        out_dir=tmp_path / "out",
        voice="fake:tone",
        workers=1,
        fetch_allow=["127.0.0.1"],
        follow_min_interval_s=0,
        follow_jitter=0,
    )


@pytest.fixture
def follower(settings: Settings) -> Iterator[Follower]:
    db = Database.open(settings)
    recorder = Recorder(settings, db)
    yield Follower(settings, db, recorder)
    db.close()


def rss(site: Site, path: str, items: str, content_type: str = "application/rss+xml") -> None:
    site.put(
        path,
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>S</title>{items}</channel></rss>",
        content_type,
    )


def test_relative_links_are_followed_from_a_feed_served_as_octet_stream(
    site: Site, follower: Follower
) -> None:
    site.page(Item("r1", "Relative", path="/2026/05/relative"))
    rss(
        site,
        "/feed",
        "<item><guid>r1</guid><link>/2026/05/relative</link></item>",
        "application/octet-stream",
    )
    source = follower.store.add("default", f"{site.base}/feed", Rules())
    result = follower.poll(source)
    assert result.result == "new entries"
    [(key, sub)] = result.queued
    assert key == "r1" and sub.value == f"{site.base}/2026/05/relative"


def test_anchors_on_one_page_with_their_own_guids_are_separate_articles(
    site: Site, follower: Follower
) -> None:
    site.page(Item("d", "Day", path="/26.html"))
    rss(
        site,
        "/feed",
        f"<item><guid>a123</guid><link>{site.base}/26.html#a123</link></item>"
        f"<item><guid>a124</guid><link>{site.base}/26.html#a124</link></item>",
    )
    source = follower.store.add("default", f"{site.base}/feed", Rules())
    result = follower.poll(source)
    keys = {sub.article_key for _, sub in result.queued}
    assert len(result.queued) == 2 and len(keys) == 2
    # One entry on its own page keeps the page's canonical URL as its article key.
    rss(site, "/single", f"<item><guid>s1</guid><link>{site.base}/26.html</link></item>")
    single = follower.store.add("default", f"{site.base}/single", Rules())
    [(_, sub)] = follower.poll(single).queued
    assert sub.article_key == f"{site.base}/26.html"


def test_a_poll_that_yields_nothing_says_why(site: Site, follower: Follower) -> None:
    rss(site, "/empty", "")
    rss(
        site,
        "/notes",
        "<item><guid isPermaLink='false'>n1</guid><description>Hi.</description></item>",
    )
    empty = follower.store.add("default", f"{site.base}/empty", Rules())
    notes = follower.store.add("default", f"{site.base}/notes", Rules())
    follower.poll(empty)
    follower.poll(notes)
    store = SourceStore(follower.db)
    state = source_state(store, empty)
    assert state["last_result"] == "no entries"
    assert "lists no entries" in str(state["last_error"])
    state = source_state(store, notes)
    assert state["last_result"] == "no entries" and state["skipped"] == 1
    assert state["skipped_reasons"] == {"no link, and its text is too short to be an article": 1}
    assert "all 1 entries skipped" in str(state["last_error"])


def test_a_missing_sitemap_of_an_index_is_counted_and_the_others_read(
    site: Site, follower: Follower
) -> None:
    site.put(
        "/index.xml",
        "<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        f"<sitemap><loc>{site.base}/a.xml</loc></sitemap>"
        f"<sitemap><loc>{site.base}/gone.xml</loc></sitemap></sitemapindex>",
    )
    site.put(
        "/a.xml", f"<urlset><url><loc>{site.base}/articles/x</loc></url></urlset>", "text/plain"
    )
    site.page(Item("x", "X"))
    source = follower.store.add("default", f"{site.base}/index.xml", Rules())
    result = follower.poll(source)
    assert result.result == "new entries" and len(result.queued) == 1
    state = source_state(SourceStore(follower.db), source)
    assert state["skipped"] == 1 and "HTTP 404" in next(iter(state["skipped_reasons"]))
    assert "1 of the index's sitemaps could not be read" in str(state["last_error"])
