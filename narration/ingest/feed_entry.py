"""What a feed or sitemap lists, as read: its entries, and those it skipped with why."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin, urlsplit

from narration.ingest.identity import canonical_url

FeedKind = Literal["rss", "atom", "json", "sitemap", "sitemapindex"]

MAX_ENTRIES = 50_000
"""The most entries read from one document (a sitemap's own limit)."""
_HTTP = ("http://", "https://")


@dataclass(frozen=True)
class Entry:
    """One article a source lists."""

    key: str
    """What the entry is known by in its source: its guid or id; without one, its
    canonical URL with the link's fragment (``page#a123``), so entries that are anchors
    on one page stay apart."""
    link: str | None
    """The article's page, resolved against the document's URL (and ``xml:base``)."""
    title: str | None = None
    published: dt.datetime | None = None
    updated: dt.datetime | None = None
    author: str | None = None
    categories: tuple[str, ...] = ()
    """Categories, tags and (news sitemaps) keywords."""
    content_html: str | None = None
    """What the entry carries in an element meant for the article (``content:encoded``,
    Atom content, JSON Feed ``content_html``), else None."""
    summary: str | None = None
    """The entry's excerpt (RSS ``description``, Atom ``summary``, JSON Feed ``summary``):
    a CMS rewrites it when the article is edited."""
    article_html: str | None = None
    """What is narrated in place of the page: the carried content when it reads as an
    article (long enough, in sentences); for an entry without a link, its own text when it
    does. None: the page is fetched."""
    legacy_key: str | None = None
    """The key an entry without a guid had before fragments counted (its canonical URL
    without the fragment), when that differs: an entry seen under it stays that entry."""

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
    reasons: tuple[tuple[str, int], ...] = ()
    """Why entries were skipped (or the document read only in part), with how many."""


class Skips:
    """Skipped entries counted by reason."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def add(self, reason: str, count: int = 1) -> None:
        if count > 0:
            self.counts[reason] += count

    def note(self, reason: str) -> None:
        """A reason that skipped no entry (a document read only in part)."""
        self.counts[reason] += 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def reasons(self) -> tuple[tuple[str, int], ...]:
        return tuple(sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0])))


def entry_key(link: str) -> tuple[str, str | None]:
    """The key of an entry without a guid, and the key it had before fragments counted."""
    key = canonical_url(link)
    fragment = urlsplit(link.strip()).fragment
    if not fragment:
        return key, None
    return f"{key}#{fragment}", key


def resolve(value: object, base: str) -> str | None:
    """``value`` as an absolute http(s) URL, resolved against ``base``; None when it is
    none or not a web page (``javascript:``, ``mailto:``)."""
    text = text_of(value)
    if text is None:
        return None
    try:
        joined = urljoin(base, text)
    except ValueError:
        return None
    return joined if joined.lower().startswith(_HTTP) else None


def text_of(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    stripped = value.strip()
    return stripped or None


def http_url(value: object) -> str | None:
    text = text_of(value)
    return text if text is not None and text.lower().startswith(_HTTP) else None


def struct_time(value: object) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None


def iso_date(value: object) -> dt.datetime | None:
    text = text_of(value)
    if text is None:
        return None
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def tag_name(tag: object) -> tuple[str, str]:
    """An XML element's namespace and local name (``{ns}local``, or ``prefix:local`` as
    a recovering parser leaves an undeclared prefix); ("", "") for a comment or the like."""
    if not isinstance(tag, str):
        return "", ""
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    prefix, _, local = tag.rpartition(":")
    return prefix, local
