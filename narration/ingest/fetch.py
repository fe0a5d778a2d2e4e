"""Fetch an article page, or a feed or sitemap, by URL: what to ask for, which media
types to take, and how to decode a page. The requests themselves are the one client's
(:mod:`narration.net.client`), under its rules on where they may go.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import httpx

from narration.config import FetchLimits
from narration.errors import SourceError
from narration.ingest.charset import by_bom, declared_charset
from narration.net.client import Client

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/feed+json",
        "application/json",
    }
)
"""What feeds and sitemaps are meant to be served as. Any other type, or none, is taken
too: servers call feeds ``text/plain``, ``application/octet-stream``, ``text/rss+xml``
and the like, and the parser reads the body to tell what it is."""
_FEED_ACCEPT = (
    "application/rss+xml,application/atom+xml,application/feed+json,"
    "application/xml;q=0.9,text/xml;q=0.9,application/json;q=0.8,*/*;q=0.1"
)
_FEED_PASSED = frozenset({304, 429, 503})
_PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8"


@dataclass(frozen=True)
class Fetched:
    """A fetched page, decoded."""

    url: str
    """The final URL, after redirects."""
    content_type: str
    """The media type the server declared, lower-case, without parameters."""
    text: str
    """The decoded body."""
    charset: str
    """The encoding the body was decoded with."""
    status: int
    """The HTTP status of the final response."""


@dataclass(frozen=True)
class FeedResponse:
    """A feed or sitemap as fetched: its bytes, or a status that says to wait."""

    url: str
    """The final URL, after redirects."""
    status: int
    """200; 304 (not modified since the validators sent); 429 or 503 (come back later)."""
    data: bytes
    """The body (empty unless 200)."""
    etag: str | None
    last_modified: str | None
    cache_control: str | None
    retry_after: str | None
    expires: str | None = None
    date: str | None = None
    """The server's ``Date``, which ``Expires`` is read against (RFC 9111 4.2.1)."""
    content_type: str | None = None
    """The media type the server declared, lower-case, without parameters."""


def fetch(url: str, limits: FetchLimits, transport: httpx.BaseTransport | None = None) -> Fetched:
    """Fetch an HTML or plain-text page; raises :class:`SourceError` saying why it refused."""
    body = Client(limits, transport).get(
        url, {"Accept": _PAGE_ACCEPT}, PAGE_TYPES, "a web page (HTML or plain text)"
    )
    text, charset = _decode(body.data, body.charset, body.url)
    return Fetched(body.url, body.content_type, text, charset, body.status)


def fetch_feed(
    url: str,
    limits: FetchLimits,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> FeedResponse:
    """Fetch a feed or sitemap under the rules of :func:`fetch`, conditionally when
    validators from the last fetch are given. A 304, 429 or 503 is answered, not raised."""
    headers = {"Accept": _FEED_ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    body = Client(limits, transport).get(
        url, headers, None, "a feed or sitemap", passed=_FEED_PASSED
    )
    h = body.headers
    return FeedResponse(
        body.url,
        body.status,
        body.data,
        h.get("etag"),
        h.get("last-modified"),
        h.get("cache-control"),
        h.get("retry-after"),
        h.get("expires"),
        h.get("date"),
        body.content_type or None,
    )


def _decode(data: bytes, declared: str | None, label: str) -> tuple[str, str]:
    """Decode with the BOM, else the declared charset, else what the bytes say."""
    # A byte order mark beats any declared charset (HTML standard).
    marked = by_bom(data)
    if marked is not None:
        encoding, rest = marked
        return rest.decode(encoding, "replace"), encoding
    if declared:
        try:
            encoding = codecs.lookup(declared).name
            return data.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown label is common; the bytes may still say
    if b"\x00" in data:
        raise SourceError(f"{label}: looks like binary data, not text")
    for guess in ("utf-8", declared_charset(data)):
        if guess is None:
            continue
        try:
            return data.decode(guess), guess
        except UnicodeDecodeError:
            continue
    # Legacy Windows pages are the commonest remainder; replace what does not map.
    return data.decode("cp1252", "replace"), "cp1252"
