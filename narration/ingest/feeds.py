"""What a site publishes, read from its own feed or sitemap: RSS 0.9x to 2.0, RSS 1.0
(RDF), Atom 0.3 and 1.0, JSON Feed, sitemaps (news sitemaps and sitemap indexes
included).

What a document is comes from its bytes, not its Content-Type (servers send feeds as
``text/plain``, ``application/octet-stream``, ``text/rss+xml`` or nothing): JSON is read
as a JSON Feed (:mod:`narration.ingest.feed_json`), a ``urlset`` or ``sitemapindex``
as a sitemap (:mod:`narration.ingest.sitemaps`), anything else by feedparser. A
document that is none of these is a :class:`~narration.errors.SourceError` of its
source saying what it looked like.

Links are resolved against the document's URL (feedparser applies ``xml:base``). An
entry that cannot be used (no link and no text of its own that reads as an article, a
link that is not a web page) is skipped and counted with its reason.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping
from html import escape
from typing import Any, cast

from narration.errors import SourceError
from narration.ingest.feed_content import article_flags, is_article, why_not_article
from narration.ingest.feed_entry import (
    MAX_ENTRIES,
    Entry,
    FeedKind,
    ParsedFeed,
    Skips,
    entry_key,
    http_url,
    resolve,
    struct_time,
    text_of,
)
from narration.ingest.feed_json import parse_json_feed
from narration.ingest.sitemaps import parse_sitemap

__all__ = ["Entry", "FeedKind", "ParsedFeed", "parse_document", "parse_json_feed", "parse_sitemap"]

MAX_UNPACKED_BYTES = 50 * 1024 * 1024
"""The largest a gzipped sitemap may unpack to (the sitemap protocol's own limit)."""
_SY_PERIODS = {"hourly": 3600, "daily": 86400, "weekly": 604800, "monthly": 2592000}
_SY_PERIODS["yearly"] = 31536000
_SITEMAP_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(urlset|sitemapindex)[\s>/]")
_FEED_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(rss|feed|RDF|channel)[\s>/]")
_SIGNATURES = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"ID3", "an MP3 file"),
)


def parse_document(data: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Read ``data`` fetched from ``url`` as whichever kind it is (a gzipped sitemap
    too), whatever ``content_type`` the server declared."""
    if data.startswith(b"\x1f\x8b"):
        data = _gunzip(data, url)
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return parse_json_feed(data, url)
    feed_root = _FEED_ROOT.search(head)
    sitemap_root = _SITEMAP_ROOT.search(head)
    if sitemap_root is not None and (feed_root is None or sitemap_root.start() < feed_root.start()):
        return parse_sitemap(data, url)
    return parse_rss_atom(data, url, content_type)


def parse_rss_atom(data: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    # Lazy: feedparser (~90 ms) only for RSS or Atom; `prepare` and `narrate` import this.
    import feedparser

    # Parsed without the document's URL, so guids and ids stay as written (feedparser
    # would resolve a permalink guid against it, changing the keys entries are known
    # by); links are resolved below.
    parsed = feedparser.parse(data)
    version = str(parsed.get("version") or "")
    if not parsed.entries and (not version or parsed.get("bozo")):
        if version:
            why = parsed.get("bozo_exception") or "not an RSS or Atom feed"
            raise SourceError(f"{url}: cannot read the feed ({why})")
        looks = looks_like(data, content_type)
        raise SourceError(f"{url}: cannot read the feed (neither a feed nor a sitemap: {looks})")
    # An old dialect feedparser names no version of (CDF, say) is read as RSS.
    kind: FeedKind = "atom" if version.startswith("atom") else "rss"
    feed = parsed.feed
    flags = article_flags(data)
    if flags is not None and len(flags) != len(parsed.entries):
        flags = None  # read differently from feedparser: the text alone decides
    entries: list[Entry] = []
    skips = Skips()
    for n, item in enumerate(parsed.entries[:MAX_ENTRIES]):
        entry = _feed_entry(item, url, flags[n] if flags is not None else None, skips)
        if entry is not None:
            entries.append(entry)
    hub = next(
        (str(link.get("href")) for link in feed.get("links", []) if link.get("rel") == "hub"),
        None,
    )
    return ParsedFeed(
        kind,
        tuple(entries),
        skips.total,
        text_of(feed.get("title")),
        _feed_ttl(feed),
        resolve(hub, url) if hub else None,
        reasons=skips.reasons(),
    )


def looks_like(data: bytes, content_type: str | None = None) -> str:
    """What a document that is neither a feed nor a sitemap looked like."""
    served = f", served as {content_type}" if content_type else ""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            return f"it looks like {what}{served}"
    lower = head.lower()
    if lower.startswith((b"<!doctype html", b"<html")) or b"<html" in lower[:512]:
        return f"it looks like an HTML page{served}"
    if b"\x00" in head:
        return f"it looks like binary data{served}"
    if lower.startswith(b"<"):
        found = re.search(
            rb"<([A-Za-z_][\w.:-]*)", head[5:] if lower.startswith(b"<?xml") else head
        )
        root = found.group(1).decode("ascii", "replace") if found else "?"
        return f"it looks like XML with the root <{root}>{served}"
    if not head:
        return f"it is empty{served}"
    return f"it looks like text that is not XML or JSON{served}"


def _feed_entry(
    item: Mapping[str, Any], url: str, carries_article: bool | None, skips: Skips
) -> Entry | None:
    raw_link = text_of(item.get("link"))
    guid = text_of(item.get("id"))
    permalink = raw_link is not None and item.get("guidislink") and raw_link == guid
    if permalink and not str(raw_link).lower().startswith(("http://", "https://", "/")):
        raw_link = None  # a guid taken as the link that does not read as a URL
    link = resolve(raw_link, url)
    if raw_link is not None and link is None:
        skips.add("a link that is not a web page")
        return None
    content = plain = None
    if carries_article is not False:
        for part in item.get("content") or []:
            value = text_of(part.get("value"))
            if value is None:
                continue
            if "html" in str(part.get("type", "")):
                content = str(part["value"])
                break
            plain = plain or f"<p>{escape(value)}</p>"
    summary = text_of(item.get("summary"))
    carried = content or plain
    article = carried if is_article(carried) else None
    own_text = article is not None or is_article(summary)
    if link is None and guid is not None and not own_text:
        link = http_url(guid)  # an id that is a web address: its page
    if link is None:
        if guid is None:
            skips.add("neither a guid nor a link")
            return None
        if article is None and is_article(summary):
            article = summary
        if article is None:
            skips.add(why_not_article(carried or summary or _media_text(item)))
            return None
    key, legacy = (guid, None) if guid else entry_key(link or "")
    tags = tuple(
        term for tag in item.get("tags") or [] if (term := text_of(tag.get("term"))) is not None
    )
    return Entry(
        key=key,
        link=link,
        title=text_of(item.get("title")),
        published=struct_time(item.get("published_parsed")),
        # dict.get: feedparser's own get answers the published date for a missing one.
        updated=struct_time(dict.get(cast(dict[str, Any], item), "updated_parsed")),
        author=_author(item),
        categories=tags,
        content_html=content,
        summary=summary,
        article_html=article,
        legacy_key=legacy,
    )


def _media_text(item: Mapping[str, Any]) -> str | None:
    parts = item.get("content") or []
    return text_of(parts[0].get("value")) if parts else None


def _author(item: Mapping[str, Any]) -> str | None:
    detail = item.get("author_detail") or {}
    name = text_of(detail.get("name"))
    if name:
        return name
    author = text_of(item.get("author"))
    if author and "(" in author and author.endswith(")"):
        return author[author.index("(") + 1 : -1].strip() or author  # "mail (Name)"
    return author


def _feed_ttl(feed: Mapping[str, Any]) -> float | None:
    ttl = str(feed.get("ttl") or "").strip()
    if ttl.isdigit() and int(ttl) > 0:
        return int(ttl) * 60.0
    period = _SY_PERIODS.get(str(feed.get("sy_updateperiod") or "").strip().lower())
    if period is None:
        return None
    frequency = str(feed.get("sy_updatefrequency") or "1").strip()
    return period / max(1, int(frequency)) if frequency.isdigit() else float(period)


def _gunzip(data: bytes, url: str) -> bytes:
    """A gzipped document, unpacked to at most :data:`MAX_UNPACKED_BYTES`."""
    unpacker = zlib.decompressobj(wbits=31)
    try:
        out = unpacker.decompress(data, MAX_UNPACKED_BYTES)
    except zlib.error as exc:
        raise SourceError(f"{url}: not a readable gzip file ({exc})") from exc
    if unpacker.unconsumed_tail:
        raise SourceError(f"{url}: unpacks to more than {MAX_UNPACKED_BYTES} bytes")
    return out
