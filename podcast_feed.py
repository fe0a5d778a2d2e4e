"""Build podcast RSS 2.0 feeds from plain data.

The feed is produced with feedgen and its podcast extension. Tags feedgen does not
know (``itunes:explicit`` as ``true``/``false``, the Podcasting 2.0 ``podcast:*``
tags, an owner without e-mail) come from small feedgen extensions registered on the
generator. The output depends only on the input: identical input gives identical bytes.

A long show is split into pages (RFC 5005 section 3, paged feeds): each page carries
``atom:link`` elements ``first``, ``last``, ``previous`` and ``next`` (given as ``PageLinks``),
and its ``atom:link rel="self"`` names the page while ``podcast:guid`` stays the show's.
"""

from __future__ import annotations

import functools
import math
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

__all__ = [
    "GENERATOR",
    "MAX_DESCRIPTION_BYTES",
    "PODCAST_GUID_NAMESPACE",
    "Channel",
    "Item",
    "PageLinks",
    "build_feed",
    "podcast_guid",
]

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ATOM_NS = "http://www.w3.org/2005/Atom"
PSC_NS = "http://podlove.org/simple-chapters"
MEDIUMS = frozenset({"podcast", "newsletter"})
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
MAX_DESCRIPTION_BYTES = 4000
GENERATOR = "Narration (python-feedgen)"
TRANSCRIPT_TYPE = "text/vtt"
CHAPTERS_TYPE = "application/json+chapters"
# lastBuildDate of a feed without items: a fixed value keeps the output reproducible.
EMPTY_FEED_DATE = datetime(2000, 1, 1, tzinfo=UTC)

# Characters XML 1.0 cannot represent: C0 controls other than tab, LF and CR,
# the non-characters U+FFFE and U+FFFF, and surrogate code points.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_ELLIPSIS = "…"


@dataclass(frozen=True)
class Channel:
    """The show: everything the feed says about the podcast as a whole."""

    title: str
    description: str
    link: str
    language: str
    feed_url: str
    image_url: str
    author: str
    owner_name: str
    owner_email: str  # may be "": the owner is then published with its name only
    category: str
    subcategory: str | None = None
    explicit: bool = False
    locked: bool = True
    copyright: str | None = None
    medium: str = "podcast"
    """``podcast:medium``: ``podcast``, or ``newsletter`` for a show of read articles."""
    ai_content: bool = True
    """``podcast:txt purpose="ai-content"``: the episodes are read by a machine voice."""
    block: bool = False
    """``itunes:block`` and ``podcast:block``: keep the feed out of directories (a
    private feed)."""


@dataclass(frozen=True)
class Item:
    """One episode."""

    guid: str
    title: str
    description: str
    published: datetime  # timezone-aware
    enclosure_url: str
    enclosure_length: int  # bytes
    duration_s: float
    transcript_url: str | None = None
    chapters_url: str | None = None
    link: str | None = None
    image_url: str | None = None
    author: str | None = None
    enclosure_type: str = "audio/mpeg"
    explicit: bool | None = None
    chapters: tuple[tuple[float, str], ...] = ()
    """``(start_s, title)`` of each chapter, as Podlove Simple Chapters in the item."""


@dataclass(frozen=True)
class PageLinks:
    """Where one page of a paged feed sits among the others (RFC 5005 section 3).

    Podcast apps walk the pages by ``next`` (gPodder's podcastparser reads ``first`` and
    ``next``); every link is an absolute http(s) URL.
    """

    self_url: str
    """This page's own URL: its ``atom:link rel="self"``."""
    first_url: str
    """The subscription document: the page with the newest episodes."""
    last_url: str
    """The page with the oldest episodes."""
    previous_url: str | None = None
    """The page with the next newer episodes; None on the first page."""
    next_url: str | None = None
    """The page with the next older episodes; None on the last page."""

    def relations(self) -> list[tuple[str, str]]:
        """The paging ``(rel, href)`` pairs besides ``self``, in document order."""
        pairs = [("first", self.first_url), ("last", self.last_url)]
        if self.previous_url is not None:
            pairs.append(("previous", self.previous_url))
        if self.next_url is not None:
            pairs.append(("next", self.next_url))
        return pairs


def podcast_guid(feed_url: str) -> str:
    """The ``podcast:guid`` of a feed: UUIDv5 of its URL without scheme and trailing slash."""
    bare = _SCHEME.sub("", feed_url.strip()).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def clean_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    return _XML_INVALID.sub("", text)


def truncate_utf8(text: str, max_bytes: int) -> str:
    """``text`` cut to at most ``max_bytes`` UTF-8 bytes on a word boundary, with an ellipsis."""
    if len(text.encode("utf-8")) <= max_bytes:
        return text
    budget = max_bytes - len(_ELLIPSIS.encode("utf-8"))
    head = text.encode("utf-8")[:budget].decode("utf-8", "ignore")
    if not text[len(head) : len(head) + 1].isspace():
        words = head.rsplit(None, 1)
        if len(words) == 2:
            head = words[0]
    return head.rstrip() + _ELLIPSIS


def build_feed(channel: Channel, items: Sequence[Item], page: PageLinks | None = None) -> bytes:
    """The podcast feed of ``channel`` with ``items`` as pretty-printed UTF-8 RSS 2.0.

    Items appear newest first. ``lastBuildDate`` is the newest item's publication time
    (a fixed date when there are none), so equal input always gives equal bytes.
    With ``page``, the document is one page of a paged feed and links to the others.
    Raises ValueError for input podcast apps would reject.
    """
    channel = _clean(channel)
    items = [_clean(item) for item in items]
    _validate_channel(channel)
    _validate_items(items)
    if page is not None:
        _validate_page(page)
    ordered = sorted(items, key=lambda item: (item.published, item.guid), reverse=True)
    last_build = ordered[0].published if ordered else EMPTY_FEED_DATE
    return _render(channel, ordered, last_build, page)


# --- cleaning and validation -------------------------------------------------------------


_Record = TypeVar("_Record", Channel, Item)


def _clean(record: _Record) -> _Record:
    values: dict[str, Any] = {}
    for name in record.__dataclass_fields__:
        value = getattr(record, name)
        values[name] = clean_text(value).strip() if isinstance(value, str) else value
    return type(record)(**values)


def _is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _is_cover_url(url: str) -> bool:
    # feedgen (and Apple) only take JPEG or PNG covers named by their extension.
    return url.endswith((".jpg", ".png"))


def _validate_channel(channel: Channel) -> None:
    for name in ("title", "description", "language", "author", "owner_name", "category"):
        if not getattr(channel, name):
            raise ValueError(f"channel {name} is empty")
    for name in ("link", "feed_url", "image_url"):
        if not _is_web_url(getattr(channel, name)):
            raise ValueError(f"channel {name} {getattr(channel, name)!r} is not an http(s) URL")
    if not _is_cover_url(channel.image_url):
        raise ValueError(f"channel image {channel.image_url!r} must end in .jpg or .png")
    if channel.medium not in MEDIUMS:
        raise ValueError(f"channel medium {channel.medium!r} is not one of {sorted(MEDIUMS)}")


def _validate_page(page: PageLinks) -> None:
    for rel, url in [("self", page.self_url), *page.relations()]:
        if not _is_web_url(url):
            raise ValueError(f"page link {rel} {url!r} is not an http(s) URL")


def _validate_items(items: Sequence[Item]) -> None:
    guids: dict[str, str] = {}
    enclosures: dict[str, str] = {}
    for item in items:
        name = f"item {item.guid!r} ({item.title!r})"
        if not item.guid:
            raise ValueError(f"{name} has no guid")
        if not item.title:
            raise ValueError(f"{name} has no title")
        if item.published.tzinfo is None or item.published.utcoffset() is None:
            raise ValueError(f"{name}: published time has no timezone")
        if not _is_web_url(item.enclosure_url):
            raise ValueError(f"{name}: enclosure URL {item.enclosure_url!r} is not http(s)")
        if isinstance(item.enclosure_length, bool) or item.enclosure_length <= 0:
            raise ValueError(f"{name}: enclosure length {item.enclosure_length!r} is not > 0")
        if not item.enclosure_type:
            raise ValueError(f"{name}: enclosure type is empty")
        if not math.isfinite(item.duration_s) or item.duration_s < 0:
            raise ValueError(f"{name}: duration {item.duration_s!r} is not a number of seconds")
        for label in ("transcript_url", "chapters_url", "link", "image_url"):
            url = getattr(item, label)
            if url is not None and not _is_web_url(url):
                raise ValueError(f"{name}: {label} {url!r} is not an http(s) URL")
        if item.image_url and not _is_cover_url(item.image_url):
            raise ValueError(f"{name}: image {item.image_url!r} must end in .jpg or .png")
        for start_s, title in item.chapters:
            if not math.isfinite(start_s) or start_s < 0 or not title:
                raise ValueError(f"{name}: chapter {title!r} at {start_s!r} s is not valid")
        if item.guid in guids:
            raise ValueError(f"{name} repeats the guid of {guids[item.guid]}")
        if item.enclosure_url in enclosures:
            raise ValueError(
                f"{name} repeats the enclosure URL {item.enclosure_url!r} of "
                f"{enclosures[item.enclosure_url]}"
            )
        guids[item.guid] = name
        enclosures[item.enclosure_url] = name


# --- feedgen extensions -------------------------------------------------------------------
#
# feedgen and lxml are imported only when a feed is rendered: the data classes above (and
# the digests callers compute from them) need neither.


def _sub(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
    # Lazy: lxml only when a feed is rendered (see the note above).
    from lxml import etree

    element = etree.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _true_false(flag: bool) -> str:
    return "true" if flag else "false"


def npt(seconds: float) -> str:
    """``seconds`` as the ``HH:MM:SS.mmm`` time of a Podlove Simple Chapter."""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


@functools.cache
def _extensions() -> tuple[type[Any], type[Any]]:
    """feedgen's extension classes for the show and its episodes, defined on first use."""
    from feedgen.ext.base import (  # type: ignore[import-untyped,unused-ignore]
        BaseEntryExtension,
        BaseExtension,
    )

    class ShowExtension(BaseExtension):  # type: ignore[misc]
        """Channel tags feedgen lacks: ``itunes:explicit`` true/false, ``podcast:guid``,
        ``podcast:locked``, an ``itunes:owner`` without e-mail, and the paging ``atom:link``
        relations (feedgen's own ``link()`` refuses ``first``, ``next`` and the like)."""

        def __init__(self) -> None:
            self.explicit: bool | None = None
            self.guid: str | None = None
            self.locked: bool | None = None
            self.locked_owner: str | None = None
            self.owner_name_only: str | None = None
            self.page_links: list[tuple[str, str]] = []
            self.medium: str | None = None
            self.ai_content: bool | None = None
            self.block = False

        def extend_ns(self) -> dict[str, str]:
            return {"itunes": ITUNES_NS, "podcast": PODCAST_NS, "atom": ATOM_NS, "psc": PSC_NS}

        def extend_rss(self, rss_feed: Any) -> Any:
            _show_tags(self, rss_feed[0])
            return rss_feed

        def extend_atom(self, atom_feed: Any) -> Any:
            return atom_feed

    class EpisodeExtension(BaseEntryExtension):  # type: ignore[misc]
        """Item tags feedgen lacks: ``itunes:explicit`` true/false, ``podcast:transcript``,
        ``podcast:chapters``, ``podcast:person`` (the article's author) and Podlove Simple
        Chapters (some apps read only these, others only the chapters JSON)."""

        def __init__(self) -> None:
            self.explicit: bool | None = None
            self.transcript_url: str | None = None
            self.chapters_url: str | None = None
            self.person: str | None = None
            self.chapters: tuple[tuple[float, str], ...] = ()

        def extend_ns(self) -> dict[str, str]:
            return {"itunes": ITUNES_NS, "podcast": PODCAST_NS, "psc": PSC_NS}

        def extend_rss(self, entry: Any) -> Any:
            _episode_tags(self, entry)
            return entry

        def extend_atom(self, entry: Any) -> Any:
            return entry

    return ShowExtension, EpisodeExtension


def _show_tags(ext: Any, channel: Any) -> None:
    """The channel tags a ``ShowExtension`` adds."""
    for rel, href in ext.page_links:
        _sub(channel, f"{{{ATOM_NS}}}link", href=href, rel=rel, type="application/rss+xml")
    if ext.explicit is not None:
        _sub(channel, f"{{{ITUNES_NS}}}explicit", _true_false(ext.explicit))
    if ext.owner_name_only:
        owner = _sub(channel, f"{{{ITUNES_NS}}}owner")
        _sub(owner, f"{{{ITUNES_NS}}}name", ext.owner_name_only)
    if ext.guid:
        _sub(channel, f"{{{PODCAST_NS}}}guid", ext.guid)
    if ext.locked is not None:
        attrs = {"owner": ext.locked_owner} if ext.locked_owner else {}
        _sub(channel, f"{{{PODCAST_NS}}}locked", _yes_no(ext.locked), **attrs)
    if ext.medium:
        _sub(channel, f"{{{PODCAST_NS}}}medium", ext.medium)
    if ext.ai_content is not None:
        _sub(
            channel,
            f"{{{PODCAST_NS}}}txt",
            _true_false(ext.ai_content),
            purpose="ai-content",
        )
    if ext.block:
        _sub(channel, f"{{{ITUNES_NS}}}block", "Yes")
        _sub(channel, f"{{{PODCAST_NS}}}block", "yes")


def _episode_tags(ext: Any, entry: Any) -> None:
    """The item tags an ``EpisodeExtension`` adds."""
    if ext.explicit is not None:
        _sub(entry, f"{{{ITUNES_NS}}}explicit", _true_false(ext.explicit))
    if ext.transcript_url:
        _sub(
            entry,
            f"{{{PODCAST_NS}}}transcript",
            url=ext.transcript_url,
            type=TRANSCRIPT_TYPE,
        )
    if ext.chapters_url:
        _sub(entry, f"{{{PODCAST_NS}}}chapters", url=ext.chapters_url, type=CHAPTERS_TYPE)
    if ext.person:
        _sub(entry, f"{{{PODCAST_NS}}}person", ext.person, role="author", group="writing")
    if ext.chapters:
        marks = _sub(entry, f"{{{PSC_NS}}}chapters", version="1.2")
        for start_s, title in ext.chapters:
            _sub(marks, f"{{{PSC_NS}}}chapter", start=npt(start_s), title=title)


# --- rendering (all untyped feedgen calls live here) --------------------------------------


def _render(
    channel: Channel, items: Sequence[Item], last_build: datetime, page: PageLinks | None
) -> bytes:
    from feedgen.feed import FeedGenerator  # type: ignore[import-untyped,unused-ignore]

    fg: Any = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("show", *_extensions())

    fg.title(channel.title)
    fg.description(truncate_utf8(channel.description, MAX_DESCRIPTION_BYTES))
    # feedgen uses the last link added as the RSS <link>, so the self link goes first.
    self_url = page.self_url if page is not None else channel.feed_url
    fg.link(href=self_url, rel="self", type="application/rss+xml")
    fg.link(href=channel.link, rel="alternate")
    fg.language(channel.language)
    fg.generator(GENERATOR)
    fg.lastBuildDate(last_build)
    if channel.copyright:
        fg.copyright(channel.copyright)

    fg.podcast.itunes_author(channel.author)
    fg.podcast.itunes_image(channel.image_url)
    category = {"cat": channel.category}
    if channel.subcategory:
        category["sub"] = channel.subcategory
    fg.podcast.itunes_category(category)
    fg.podcast.itunes_type("episodic")
    if channel.owner_email:
        fg.podcast.itunes_owner(name=channel.owner_name, email=channel.owner_email)
    else:
        fg.show.owner_name_only = channel.owner_name
    fg.show.explicit = channel.explicit
    fg.show.guid = podcast_guid(channel.feed_url)
    fg.show.locked = channel.locked
    fg.show.locked_owner = channel.owner_email or None
    fg.show.page_links = page.relations() if page is not None else []
    fg.show.medium = channel.medium
    fg.show.ai_content = channel.ai_content
    fg.show.block = channel.block

    for item in items:
        fe: Any = fg.add_entry(order="append")
        fe.guid(item.guid, permalink=False)
        fe.title(item.title)
        fe.description(item.description or item.title)
        fe.published(item.published)
        fe.enclosure(item.enclosure_url, str(item.enclosure_length), item.enclosure_type)
        if item.link:
            fe.link(href=item.link)
        fe.podcast.itunes_duration(round(item.duration_s))
        fe.podcast.itunes_episode_type("full")
        if item.author:
            fe.podcast.itunes_author(item.author)
        if item.image_url:
            fe.podcast.itunes_image(item.image_url)
        fe.show.explicit = item.explicit
        fe.show.transcript_url = item.transcript_url
        fe.show.chapters_url = item.chapters_url
        fe.show.person = item.author
        fe.show.chapters = tuple((start, clean_text(title)) for start, title in item.chapters)

    data: bytes = fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return data
