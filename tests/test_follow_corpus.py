"""Real-world feeds (tests/feeds: public parsers' test data, with their licences) served
on 127.0.0.1 with the Content-Types they came with and followed once: every entry
others find is recorded, or counted as skipped with the reason on the source; a poll
that fails says why."""

from __future__ import annotations

import dataclasses

import pytest

from tests.feed_corpus import Outcome, follow_all, load, unexplained

pytestmark = pytest.mark.slow


def test_every_real_world_feed_is_followed_or_its_shortfall_explained() -> None:
    outcomes = follow_all(load())
    assert len(outcomes) > 400
    unstated = [
        f"{o.feed.source}/{o.feed.path}: {o.seen} of {o.expected} ({o.result}, {o.error})"
        for o in outcomes
        if unexplained(o)
    ]
    assert not unstated, "\n".join(unstated)
    failed = [o for o in outcomes if o.result in ("failed", "over budget")]
    # Only the sitemap index whose sitemaps are on hosts not served here fails.
    assert [o.format for o in failed] == ["sitemap index"], [(o.feed.path, o.error) for o in failed]
    # The sitemaps, whose every <url> has a link, are followed whole.
    sitemaps = [o for o in outcomes if o.format == "sitemap"]
    assert sitemaps and all(o.seen == o.expected for o in sitemaps)


# Content-Types that servers send for feeds besides the registered ones; "" sends none.
LOOSE_TYPES = (
    "application/octet-stream",
    "text/plain; charset=utf-8",
    "",
    "application/x-rss+xml",
    "text/xml",
    "binary/octet-stream",
    "text/html",
)


def test_a_feed_is_read_whatever_content_type_its_server_sends() -> None:
    feeds = load()
    loose = [
        dataclasses.replace(feed, content_type=LOOSE_TYPES[n % len(LOOSE_TYPES)])
        for n, feed in enumerate(feeds)
    ]

    def seen(outcomes: list[Outcome]) -> dict[str, tuple[int, str]]:
        return {o.feed.url_path: (o.seen, o.result) for o in outcomes}

    assert seen(follow_all(loose)) == seen(follow_all(feeds))
