"""What a site publishes, read from its own feed or sitemap: RSS 2.0, Atom, JSON Feed,
sitemaps (news sitemaps and sitemap indexes included).

feedparser reads RSS and Atom; JSON Feed is checked field by field; sitemaps are read
with lxml, without entities or network access. An entry that cannot be used (no link
and no id, a link that is not http(s)) is skipped and counted; a document that is none
of these is a :class:`~narration.errors.SourceError` of its source.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from narration.errors import SourceError
from narration.ingest.identity import canonical_url

FeedKind = Literal["rss", "atom", "json", "sitemap", "sitemapindex"]

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
"""The largest a gzipped sitemap may unpack to (the sitemap protocol's own limit)."""
MAX_ENTRIES = 50_000
"""The most entries read from one document (a sitemap's own limit)."""
_SY_PERIODS = {"hourly": 3600, "daily": 86400, "weekly": 604800, "monthly": 2592000}
_SY_PERIODS["yearly"] = 31536000
_SITEMAP_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(urlset|sitemapindex)[\s>]")
_HTTP = ("http://", "https://")


@dataclass(frozen=True)
class Entry:
    """One article a source lists."""

    key: str
    """What the entry is known by in its source: its guid or id, else its canonical URL."""
    link: str | None
    """The article's page."""
    title: str | None = None
    published: dt.datetime | None = None
    updated: dt.datetime | None = None
    author: str | None = None
    categories: tuple[str, ...] = ()
    """Categories, tags and (news sitemaps) keywords."""
    content_html: str | None = None
    """The full article when the entry carries it (``content:encoded``, Atom content,
    JSON Feed ``content_html``), else None: the page is fetched."""
    summary: str | None = None
    """The entry's excerpt (RSS ``description``, Atom ``summary``, JSON Feed ``summary``):
    a CMS rewrites it when the article is edited."""

    def fingerprint(self) -> str:
        """What tells a changed entry from the same one: everything it says, its summary
        included (a new ``updated`` date, or a new excerpt, then means the page is read
        again; the narrator re-narrates only when the prepared text changed)."""
        doc: list[object] = [
            self.link,
            self.title,
            self.author,
            sorted(self.categories),
            self.content_html,
        ]
        if self.content_html is None:
            doc.append(self.updated.isoformat() if self.updated else None)
        if self.summary is not None:
            # Only when there is one: entries without a summary keep the fingerprint
            # they were seen with before summaries counted.
            doc.append(self.summary)
        raw = json.dumps(doc, ensure_ascii=False).encode()
        return hashlib.sha256(raw).hexdigest()[:32]


@dataclass(frozen=True)
class ParsedFeed:
    """A source's document, read."""

    kind: FeedKind
    entries: tuple[Entry, ...]
    skipped: int = 0
    """Entries that could not be used."""
    title: str | None = None
    ttl_s: float | None = None
    """How long the feed asks to be left alone (RSS ``ttl``, ``sy:updatePeriod``)."""
    hub: str | None = None
    """A WebSub hub the feed names."""
    sitemaps: tuple[str, ...] = ()
    """A sitemap index's sitemaps."""


def parse_document(data: bytes, url: str) -> ParsedFeed:
    """Read ``data`` fetched from ``url`` as whichever kind it is (a gzipped sitemap too)."""
    if data.startswith(b"\x1f\x8b"):
        data = _gunzip(data, url)
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return parse_json_feed(data, url)
    found = _SITEMAP_ROOT.search(head)
    if found is not None and b"<rss" not in head and b"<feed" not in head:
        return parse_sitemap(data, url)
    return parse_rss_atom(data, url)


def parse_rss_atom(data: bytes, url: str) -> ParsedFeed:
    import feedparser

    parsed = feedparser.parse(data)
    version = str(parsed.get("version") or "")
    if not version or (parsed.get("bozo") and not parsed.entries):
        why = parsed.get("bozo_exception") or "not an RSS or Atom feed"
        raise SourceError(f"{url}: cannot read the feed ({why})")
    kind: FeedKind = "atom" if version.startswith("atom") else "rss"
    feed = parsed.feed
    entries: list[Entry] = []
    skipped = 0
    for item in parsed.entries[:MAX_ENTRIES]:
        entry = _feed_entry(item)
        if entry is None:
            skipped += 1
        else:
            entries.append(entry)
    hub = next(
        (str(link.get("href")) for link in feed.get("links", []) if link.get("rel") == "hub"),
        None,
    )
    return ParsedFeed(
        kind,
        tuple(entries),
        skipped,
        _text(feed.get("title")),
        _feed_ttl(feed),
        hub if hub and hub.startswith(_HTTP) else None,
    )


def _feed_entry(item: Mapping[str, Any]) -> Entry | None:
    link = _http(item.get("link"))
    guid = _text(item.get("id"))
    if link is None and guid is None:
        return None
    if item.get("link") and link is None:
        return None  # a link that is not a web page (javascript:, mailto:)
    content = None
    for part in item.get("content") or []:
        if "html" in str(part.get("type", "")) and _text(part.get("value")):
            content = str(part["value"])
            break
    tags = tuple(
        term for tag in item.get("tags") or [] if (term := _text(tag.get("term"))) is not None
    )
    return Entry(
        key=guid or canonical_url(link or ""),
        link=link,
        title=_text(item.get("title")),
        published=_struct_time(item.get("published_parsed")),
        # dict.get: feedparser's own get answers the published date for a missing one.
        updated=_struct_time(dict.get(cast(dict[str, Any], item), "updated_parsed")),
        author=_author(item),
        categories=tags,
        content_html=content,
        summary=_text(item.get("summary")),
    )


def _author(item: Mapping[str, Any]) -> str | None:
    detail = item.get("author_detail") or {}
    name = _text(detail.get("name"))
    if name:
        return name
    author = _text(item.get("author"))
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


def parse_json_feed(data: bytes, url: str) -> ParsedFeed:
    """A JSON Feed (https://jsonfeed.org/version/1.1, and 1)."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise SourceError(f"{url}: not valid JSON ({str(exc)[:200]})") from exc
    version = doc.get("version") if isinstance(doc, dict) else None
    if not isinstance(version, str) or not version.startswith("https://jsonfeed.org/version/"):
        raise SourceError(f"{url}: not a JSON Feed (no jsonfeed.org version)")
    items = doc.get("items")
    if not isinstance(items, list):
        raise SourceError(f"{url}: a JSON Feed's items must be a list")
    entries: list[Entry] = []
    skipped = 0
    for item in items[:MAX_ENTRIES]:
        entry = _json_entry(item) if isinstance(item, dict) else None
        if entry is None:
            skipped += 1
        else:
            entries.append(entry)
    hubs = doc.get("hubs")
    hub = None
    if isinstance(hubs, list):
        hub = next(
            (h["url"] for h in hubs if isinstance(h, dict) and _http(h.get("url"))),
            None,
        )
    return ParsedFeed("json", tuple(entries), skipped, _text(doc.get("title")), hub=hub)


def _json_entry(item: Mapping[str, Any]) -> Entry | None:
    raw_id = item.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int | float):
        return None
    guid = str(raw_id).strip()
    if not guid:
        return None
    raw_url = item.get("url")
    link = _http(raw_url)
    if raw_url is not None and link is None:
        return None
    content = item.get("content_html")
    if content is not None and not isinstance(content, str):
        return None
    tags = item.get("tags") or []
    if not isinstance(tags, list):
        return None
    authors = item.get("authors") or (
        [item["author"]] if isinstance(item.get("author"), dict) else []
    )
    names = (
        [a.get("name") for a in authors if isinstance(a, dict)] if isinstance(authors, list) else []
    )
    return Entry(
        key=guid,
        link=link,
        title=_text(item.get("title")),
        published=_iso(item.get("date_published")),
        updated=_iso(item.get("date_modified")),
        author=next((n.strip() for n in names if isinstance(n, str) and n.strip()), None),
        categories=tuple(t.strip() for t in tags if isinstance(t, str) and t.strip()),
        content_html=content if content and content.strip() else None,
        summary=_text(item.get("summary")),
    )


def parse_sitemap(data: bytes, url: str) -> ParsedFeed:
    """A sitemap (``urlset``, news sitemaps included) or a sitemap index."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"{url}: not a readable sitemap ({exc})") from exc
    name = etree.QName(root).localname
    if name == "sitemapindex":
        locs = [
            _text(loc.text) for loc in root.iterfind(f"{{{SITEMAP_NS}}}sitemap/{{{SITEMAP_NS}}}loc")
        ]
        children = tuple(loc for loc in locs if loc and loc.startswith(_HTTP))
        return ParsedFeed("sitemapindex", (), len(locs) - len(children), sitemaps=children)
    if name != "urlset":
        raise SourceError(f"{url}: not a sitemap (its root is <{name}>)")
    entries: list[Entry] = []
    skipped = 0
    for node in list(root.iterfind(f"{{{SITEMAP_NS}}}url"))[:MAX_ENTRIES]:
        link = _http(node.findtext(f"{{{SITEMAP_NS}}}loc"))
        if link is None:
            skipped += 1
            continue
        news = node.find(f"{{{NEWS_NS}}}news")
        lastmod = _iso(node.findtext(f"{{{SITEMAP_NS}}}lastmod"))
        title = published = None
        keywords: tuple[str, ...] = ()
        if news is not None:
            title = _text(news.findtext(f"{{{NEWS_NS}}}title"))
            published = _iso(news.findtext(f"{{{NEWS_NS}}}publication_date"))
            words = news.findtext(f"{{{NEWS_NS}}}keywords") or ""
            keywords = tuple(w.strip() for w in words.split(",") if w.strip())
        entries.append(
            Entry(
                key=canonical_url(link),
                link=link,
                title=title,
                published=published or lastmod,
                updated=lastmod,
                categories=keywords,
            )
        )
    return ParsedFeed("sitemap", tuple(entries), skipped)


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


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    stripped = value.strip()
    return stripped or None


def _http(value: object) -> str | None:
    text = _text(value)
    return text if text is not None and text.lower().startswith(_HTTP) else None


def _struct_time(value: object) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None


def _iso(value: object) -> dt.datetime | None:
    text = _text(value)
    if text is None:
        return None
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
