"""What real sites publish, read as feed readers read it: relative links, teasers and
media descriptions, Content-Types that are not a feed's, lenient JSON Feeds, anchors on
one page, entries without a link, sitemaps without their namespace or cut off."""

from __future__ import annotations

import gzip

import pytest

from narration.errors import SourceError
from narration.ingest.feeds import parse_document

URL = "https://news.example/blog/feed.xml"
PROSE = " ".join(
    f"Paragraph {n} of the article says something worth reading aloud. "
    "It goes on for a while, as articles do, with details and quotes."
    for n in range(8)
)


def rss(items: str, ns: str = "") -> bytes:
    return (
        "<?xml version='1.0'?><rss version='2.0'"
        " xmlns:content='http://purl.org/rss/1.0/modules/content/'"
        f" xmlns:media='http://search.yahoo.com/mrss/'{ns}><channel><title>Site</title>"
        f"{items}</channel></rss>"
    ).encode()


def test_relative_links_resolve_against_the_feed_url_and_xml_base() -> None:
    doc = parse_document(
        rss(
            "<item><guid>a1</guid><link>/2026/05/a</link></item>"
            "<item><guid>a2</guid><link>b.html</link></item>"
        ),
        URL,
    )
    assert [e.link for e in doc.entries] == [
        "https://news.example/2026/05/a",
        "https://news.example/blog/b.html",
    ]
    assert [e.key for e in doc.entries] == ["a1", "a2"]  # guids as written
    atom = (
        b"<feed xmlns='http://www.w3.org/2005/Atom' xml:base='https://other.example/x/'>"
        b"<title>t</title><entry><id>tag:x,2026:1</id><title>One</title>"
        b"<link href='one'/></entry></feed>"
    )
    [entry] = parse_document(atom, URL).entries
    assert entry.link == "https://other.example/x/one" and entry.key == "tag:x,2026:1"


def test_a_media_description_or_a_teaser_is_not_taken_for_the_article() -> None:
    caption = f"<media:description type='html'>&lt;p&gt;{PROSE}&lt;/p&gt;</media:description>"
    doc = parse_document(
        rss(
            f"<item><guid>m</guid><link>/m</link><description>Teaser.</description>{caption}</item>"
            "<item><guid>t</guid><link>/t</link>"
            "<content:encoded><![CDATA[<p>Read on.</p>]]></content:encoded></item>"
            f"<item><guid>f</guid><link>/f</link>"
            f"<content:encoded><![CDATA[<p>{PROSE}</p>]]></content:encoded></item>"
        ),
        URL,
    )
    media, teaser, full = doc.entries
    assert media.article_html is None and media.content_html is None  # the page is read
    assert teaser.article_html is None and teaser.content_html == "<p>Read on.</p>"
    assert full.article_html is not None and PROSE in full.article_html


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-rss+xml",
        "text/rss+xml",
        "text/atom+xml",
        "application/octet-stream",
        "binary/octet-stream",
        "text/plain",
        None,
    ],
)
def test_a_feed_is_read_whatever_it_is_served_as(content_type: str | None) -> None:
    doc = parse_document(rss("<item><guid>a</guid><link>/a</link></item>"), URL, content_type)
    assert doc.kind == "rss" and len(doc.entries) == 1


def test_what_is_neither_a_feed_nor_a_sitemap_is_refused_saying_what_it_looked_like() -> None:
    with pytest.raises(SourceError, match="looks like an HTML page, served as text/html"):
        parse_document(b"<!doctype html><html><body>Hi</body></html>", URL, "text/html")
    with pytest.raises(SourceError, match="looks like a PNG image"):
        parse_document(b"\x89PNG\r\n\x1a\n\x00\x00", URL, "application/octet-stream")


def test_a_json_feed_is_read_leniently() -> None:
    doc = parse_document(
        b'{"version": "http://jsonfeed.org/version/1", "home_page_url": "https://j.example/b/",'
        b' "items": [{"id": "1", "url": "/p/1", "tags": "News"},'
        b' {"id": "2", "url": "p/2", "tags": ["A", "B"]}]}',
        URL,
    )
    one, two = doc.entries
    assert one.link == "https://j.example/p/1" and one.categories == ("News",)
    assert two.link == "https://j.example/b/p/2" and doc.skipped == 0


def test_entries_without_a_guid_that_are_anchors_on_one_page_stay_apart() -> None:
    doc = parse_document(
        rss(
            "<item><title>A</title><link>https://d.example/26.html#a123</link></item>"
            "<item><title>B</title><link>https://d.example/26.html#a124</link></item>"
        ),
        URL,
    )
    first, second = doc.entries
    assert first.key != second.key
    assert first.legacy_key == second.legacy_key == "https://d.example/26.html"


def test_an_entry_without_a_link_is_narrated_from_its_text_or_skipped_with_why() -> None:
    doc = parse_document(
        rss(
            f"<item><guid isPermaLink='false'>p1</guid><description>{PROSE}</description></item>"
            "<item><guid isPermaLink='false'>p2</guid><description>Short note.</description></item>"
            "<item><guid>tag:m.example,2026:3</guid><title>Only a title</title></item>"
        ),
        URL,
    )
    [post] = doc.entries
    assert post.key == "p1" and post.link is None and PROSE in (post.article_html or "")
    assert doc.skipped == 2
    reasons = dict(doc.reasons)
    assert reasons["no link, and its text is too short to be an article"] == 1
    assert reasons["no link and no text of its own"] == 1


SITEMAP_URLS = "".join(f"<url><loc>https://s.example/{n}</loc></url>" for n in range(3))


@pytest.mark.parametrize(
    "root",
    [
        "<urlset>",
        "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9/'>",
        "<urlset xmlns='https://www.sitemaps.org/schemas/sitemap/0.9'>",
    ],
)
def test_a_sitemap_without_or_with_a_variant_namespace_is_read(root: str) -> None:
    doc = parse_document(f"{root}{SITEMAP_URLS}</urlset>".encode(), URL)
    assert [e.link for e in doc.entries] == [f"https://s.example/{n}" for n in range(3)]
    index = parse_document(
        b"<sitemapindex><sitemap><loc>https://s.example/a.xml</loc></sitemap></sitemapindex>", URL
    )
    assert index.sitemaps == ("https://s.example/a.xml",)


def test_a_sitemap_cut_off_keeps_its_complete_entries_and_says_so() -> None:
    whole = f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{SITEMAP_URLS}</urlset>"
    cut = whole.encode()[: whole.index("/2</loc>")]
    for data in (cut, gzip.compress(cut)):
        doc = parse_document(data, URL)
        assert [e.link for e in doc.entries] == ["https://s.example/0", "https://s.example/1"]
        assert any("cut off or broken after 2 complete entries" in why for why, _ in doc.reasons)
