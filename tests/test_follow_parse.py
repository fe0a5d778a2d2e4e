"""Reading what a site publishes: RSS, Atom, JSON Feed, sitemaps; filters and limits."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest

from narration.errors import BadInput, SourceError
from narration.ingest.feeds import Entry, parse_document
from narration.ingest.follow_rules import Rules
from tests.follow_site import Item, Site

BASE = "https://news.example"


def site_with(kind: str, items: list[Item]) -> bytes:
    site = Site(base=BASE)
    getattr(site, kind)("/doc", items)
    return site.files["/doc"][2]


ITEMS = [
    Item("g1", "First story", categories=("Politics", "Europe"), author="Ann Writer"),
    Item("g2", "Second story", full=False, published="2026-11-21T08:30:00+00:00", author="Bo"),
]


@pytest.mark.parametrize("kind", ["rss", "atom", "json_feed"])
def test_feeds_give_typed_entries(kind: str) -> None:
    doc = parse_document(site_with(kind, ITEMS), f"{BASE}/doc")
    assert doc.kind == {"rss": "rss", "atom": "atom", "json_feed": "json"}[kind]
    first, second = doc.entries
    assert (first.key, first.link, first.title) == ("g1", f"{BASE}/articles/g1", "First story")
    assert first.published == dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    assert first.author == "Ann Writer"
    assert set(first.categories) == {"Politics", "Europe"}
    assert first.content_html is not None and "A short sentence to read." in first.content_html
    assert second.content_html is None  # only a summary: the page is fetched
    assert second.published == dt.datetime(2026, 11, 21, 8, 30, tzinfo=dt.UTC)


def test_news_sitemap_entries_are_keyed_by_canonical_url() -> None:
    doc = parse_document(site_with("news_sitemap", ITEMS), f"{BASE}/doc")
    assert doc.kind == "sitemap"
    assert [e.key for e in doc.entries] == [f"{BASE}/articles/g1", f"{BASE}/articles/g2"]
    assert doc.entries[0].title == "First story"
    assert doc.entries[0].categories == ("Politics", "Europe")
    assert doc.entries[1].published == dt.datetime(2026, 11, 21, 8, 30, tzinfo=dt.UTC)


def test_sitemap_index_lists_its_sitemaps() -> None:
    data = (
        "<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        f"<sitemap><loc>{BASE}/a.xml</loc></sitemap><sitemap><loc>ftp://x/b.xml</loc></sitemap>"
        "</sitemapindex>"
    ).encode()
    doc = parse_document(data, f"{BASE}/index.xml")
    assert doc.kind == "sitemapindex"
    assert doc.sitemaps == (f"{BASE}/a.xml",)
    assert doc.skipped == 1


def test_malformed_entries_are_skipped_and_counted() -> None:
    rss = site_with("rss", ITEMS).replace(
        b"</channel>",
        b"<item><title>No link, no guid</title></item>"
        b"<item><title>Script</title><link>javascript:alert(1)</link></item></channel>",
    )
    doc = parse_document(rss, f"{BASE}/doc")
    assert [e.key for e in doc.entries] == ["g1", "g2"]
    assert doc.skipped == 2
    site = Site(base=BASE)
    site.json_feed("/j", ITEMS, extra=[{"title": "no id"}, {"id": True}, {"id": "x", "url": 5}])
    parsed = parse_document(site.files["/j"][2], f"{BASE}/j")
    assert [e.key for e in parsed.entries] == ["g1", "g2"]
    assert parsed.skipped == 3


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body>not a feed</body></html>",
        b'{"version": "1", "items": []}',
        b"{not json",
        b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url><loc>",
        b"\x00\x01binary",
    ],
)
def test_a_malformed_document_is_an_error_of_its_source(data: bytes) -> None:
    with pytest.raises(SourceError):
        parse_document(data, f"{BASE}/doc")


def test_feed_asks_how_often_it_is_polled() -> None:
    site = Site(base=BASE)
    site.rss("/ttl", ITEMS, channel="<ttl>45</ttl>")
    site.rss(
        "/sy",
        ITEMS,
        channel="<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency>",
    )
    assert parse_document(site.files["/ttl"][2], BASE).ttl_s == 45 * 60
    assert parse_document(site.files["/sy"][2], BASE).ttl_s == 900


def test_a_json_feed_with_thousands_of_items_reads_quickly() -> None:
    items = [{"id": str(n), "url": f"{BASE}/a/{n}", "title": f"T{n}"} for n in range(5000)]
    data = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}).encode()
    doc = parse_document(data, BASE)
    assert len(doc.entries) == 5000 and doc.entries[-1].key == "4999"


def entry(**kw: object) -> Entry:
    values: dict[str, object] = {"key": "k", "link": f"{BASE}/politics/1", "title": "T"}
    values.update(kw)
    return Entry(**values)  # type: ignore[arg-type]


def test_filters_by_category_author_url_and_date() -> None:
    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert Rules(categories=("politics",)).wants(entry(categories=("Politics",)))
    assert not Rules(categories=("sport",)).wants(entry(categories=("Politics",)))
    assert Rules(authors=("ann writer",)).wants(entry(author="Ann Writer"))
    assert not Rules(authors=("Bo",)).wants(entry(author="Ann Writer"))
    assert not Rules(authors=("Bo",)).wants(entry())
    assert Rules(url_pattern=r"/politics/\d+$").wants(entry())
    assert not Rules(url_pattern=r"/sport/").wants(entry())
    assert Rules(not_before=when).wants(entry(published=when + dt.timedelta(days=1)))
    assert not Rules(not_before=when).wants(entry(published=when - dt.timedelta(days=1)))
    assert not Rules(not_before=when).wants(entry())  # undated: not known to be recent


def test_bad_patterns_are_refused_and_backtracking_ones_do_not_hang() -> None:
    with pytest.raises(BadInput, match="url_pattern: not a valid regular expression"):
        Rules(url_pattern="(unclosed")
    with pytest.raises(BadInput, match="at most 300"):
        Rules(url_pattern="a" * 301)
    with pytest.raises(BadInput, match="backtracks catastrophically"):
        Rules(url_pattern=r"^(\w+\s?)*$")
    # One stored before patterns were checked is still matched under the time limit.
    rules = Rules.from_json({"url_pattern": r"^(\w+\s?)*$"})
    started = time.monotonic()
    assert not rules.wants(entry(link=BASE + "/" + "a" * 40 + "!"))
    assert time.monotonic() - started < 2


def test_edited_content_changes_the_fingerprint_but_a_new_date_alone_does_not() -> None:
    full = entry(content_html="<p>One.</p>", updated=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    redated = entry(content_html="<p>One.</p>", updated=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    edited = entry(content_html="<p>Two.</p>", updated=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert full.fingerprint() == redated.fingerprint()
    assert full.fingerprint() != edited.fingerprint()


def test_a_deeply_nested_json_document_is_an_error_not_a_crash() -> None:
    with pytest.raises(SourceError, match="not valid JSON"):
        parse_document(b"[" * 200_000 + b"]" * 200_000, BASE)


def test_a_gzipped_sitemap_is_read_and_a_gzip_bomb_refused() -> None:
    import gzip

    packed = gzip.compress(site_with("news_sitemap", ITEMS))
    assert [e.title for e in parse_document(packed, BASE).entries] == [
        "First story",
        "Second story",
    ]
    bomb = gzip.compress(b"<urlset>" + b" " * (51 * 1024 * 1024))
    with pytest.raises(SourceError, match="unpacks to more than"):
        parse_document(bomb, BASE)


def _rss(description: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item>'
        "<guid>https://news.example/a1</guid><link>https://news.example/a1</link>"
        f"<title>Budget</title><description>{description}</description>"
        "</item></channel></rss>"
    ).encode()


def _atom(summary: str) -> bytes:
    return (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
        "<entry><id>tag:news.example,2026:a1</id><title>Budget</title>"
        '<link href="https://news.example/a1"/><updated>2026-01-01T00:00:00Z</updated>'
        f"<summary>{summary}</summary></entry></feed>"
    ).encode()


def _json_feed(summary: str) -> bytes:
    item = {"id": "a1", "url": "https://news.example/a1", "title": "Budget", "summary": summary}
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [item]}
    return json.dumps(doc).encode()


@pytest.mark.parametrize("document", [_rss, _atom, _json_feed])
def test_an_edited_summary_is_an_edited_entry(document) -> None:  # type: ignore[no-untyped-def]
    (first,) = parse_document(document("The budget rises by 2%."), BASE).entries
    (same,) = parse_document(document("The budget rises by 2%."), BASE).entries
    (edited,) = parse_document(document("The budget rises by 3%."), BASE).entries
    assert first.summary == "The budget rises by 2%."
    assert first.fingerprint() == same.fingerprint()
    assert first.fingerprint() != edited.fingerprint()
    assert first.key == edited.key  # the same article, a new version of it
