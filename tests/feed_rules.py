"""The rules a podcast feed must follow for podcast apps and directories to read it.

``feed_problems`` reads a feed as podcast clients do (feedparser's well-formedness flag,
gPodder's podcastparser) and checks the tags and values that Apple Podcasts, the Podcast
Standards Project (PSP-1), the Podcasting 2.0 namespace and common clients require. Given the
directory the feed is served from and its base URL, it also checks every file the feed points
clients to: the cover, the audio, the transcripts and the chapters.

It is written independently of ``podcast_feed``: it restates each rule from its source rather
than reusing the builder's code, so a mistake in the builder cannot hide here.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import feedparser
import podcastparser
from lxml import etree
from PIL import Image, UnidentifiedImageError

__all__ = ["feed_problems"]

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
}
# podcast-namespace docs/tags/guid.md: UUIDv5 of the feed URL without scheme, in this namespace.
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
CHANNEL_TEXT_TAGS = ("title", "description", "link", "language", "itunes:author")
CHANNEL_TAGS = (
    *CHANNEL_TEXT_TAGS,
    "itunes:category",
    "itunes:explicit",
    "itunes:image",
    "itunes:owner",
    "podcast:guid",
    "podcast:locked",
)
ITEM_TEXT_TAGS = ("title", "guid", "pubDate", "itunes:duration", "description")
MAX_DESCRIPTION_BYTES = 4000  # Apple: channel description at most 4,000 bytes
AUDIO_TYPES = frozenset({"audio/mpeg", "audio/x-m4a", "audio/mp4"})
COVER_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}
COVER_SIDES = range(1400, 3001)
# Apple Podcasts' top-level categories.
APPLE_CATEGORIES = frozenset(
    {
        "Arts",
        "Business",
        "Comedy",
        "Education",
        "Fiction",
        "Government",
        "Health & Fitness",
        "History",
        "Kids & Family",
        "Leisure",
        "Music",
        "News",
        "Religion & Spirituality",
        "Science",
        "Society & Culture",
        "Sports",
        "Technology",
        "True Crime",
        "TV & Film",
    }
)
# ISO 639 language code, optionally with a region or script (en, en-gb, zh-Hant-TW).
LANGUAGE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*", re.IGNORECASE)
WHOLE_SECONDS = re.compile(r"\d+")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
WEEKDAY = re.compile(r"\s*(Mon|Tue|Wed|Thu|Fri|Sat|Sun),", re.IGNORECASE)
UNKNOWN_FEED_URL = "http://example.invalid/feed.xml"

Element = Any  # an lxml element; lxml ships no type information


@dataclass(frozen=True)
class Site:
    """The directory a feed is served from, and the URL it is served under."""

    directory: Path
    base_url: str

    def file(self, url: str, problems: list[str]) -> Path | None:
        """The file ``url`` names, or None (with the reason added to ``problems``)."""
        prefix = self.base_url.rstrip("/") + "/"
        if not url.startswith(prefix):
            problems.append(f"{url} is not under the base URL {self.base_url}")
            return None
        relative = unquote(urlsplit(url).path[len(urlsplit(prefix).path) :])
        root = self.directory.resolve()
        path = (root / relative).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            problems.append(f"{url} names no file in {self.directory}")
            return None
        return path


def feed_problems(feed: bytes, site: Path | None = None, base_url: str | None = None) -> list[str]:
    """Everything wrong with ``feed``, one line each; empty when podcast apps will take it.

    With ``site`` and ``base_url`` (both or neither), URLs under ``base_url`` must name files
    in ``site``, and those files are checked too (sizes, cover dimensions, transcript and
    chapters contents).
    """
    if (site is None) != (base_url is None):
        raise ValueError("give both site and base_url, or neither")
    files = Site(site, base_url) if site is not None and base_url is not None else None
    problems = _feedparser_problems(feed)
    try:
        root = etree.fromstring(feed, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return [*problems, f"not well-formed XML: {exc}"]
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        return [*problems, "not an RSS document: no <rss><channel>"]
    items = channel.findall("item")
    problems += _podcastparser_problems(feed, _feed_url(channel), len(items))
    problems += _channel_problems(channel)
    problems += _cover_problems(channel, files)
    problems += _repeated("guid", [item.findtext("guid") for item in items])
    problems += _repeated("enclosure URL", [_enclosure_url(item) for item in items])
    for item in items:
        problems += _item_problems(item, files)
    return problems


# --- readers ----------------------------------------------------------------------------


def _feedparser_problems(feed: bytes) -> list[str]:
    parsed = feedparser.parse(feed)
    if parsed.bozo:
        return [f"feedparser: not well-formed ({parsed.get('bozo_exception')})"]
    return []


def _podcastparser_problems(feed: bytes, feed_url: str, item_count: int) -> list[str]:
    try:
        parsed = podcastparser.parse(feed_url, io.BytesIO(feed))
    except Exception as exc:  # podcastparser raises whatever its XML reader raises
        return [f"podcastparser cannot read the feed: {exc}"]
    episodes = len(parsed.get("episodes", []))
    if episodes != item_count:
        return [f"podcastparser reads {episodes} of {item_count} items"]
    return []


# --- channel ----------------------------------------------------------------------------


def _channel_problems(channel: Element) -> list[str]:
    problems = [f"channel lacks <{tag}>" for tag in CHANNEL_TAGS if channel.find(tag, NS) is None]
    problems += [
        f"channel <{tag}> is empty"
        for tag in CHANNEL_TEXT_TAGS
        if channel.find(tag, NS) is not None and not _text(channel, tag)
    ]
    problems += _description_problems(channel)
    problems += _language_problems(channel)
    problems += _category_problems(channel)
    problems += _explicit_problems(channel, "channel")
    problems += _owner_problems(channel)
    problems += _locked_problems(channel)
    problems += _self_link_problems(channel)
    problems += _podcast_guid_problems(channel)
    link = channel.findtext("link")
    if link and not _is_web_url(link):
        problems.append(f"channel link {link!r} is not an absolute http(s) URL")
    return problems


def _description_problems(channel: Element) -> list[str]:
    size = len(_text(channel, "description").encode("utf-8"))
    if size > MAX_DESCRIPTION_BYTES:
        return [f"channel description has {size} bytes; Apple takes at most 4000"]
    return []


def _language_problems(channel: Element) -> list[str]:
    language = _text(channel, "language")
    if language and not LANGUAGE.fullmatch(language):
        return [f"language {language!r} is not an ISO 639 code"]
    return []


def _category_problems(channel: Element) -> list[str]:
    category = channel.find("itunes:category", NS)
    if category is not None and category.get("text") not in APPLE_CATEGORIES:
        return [f"itunes:category {category.get('text')!r} is not one of Apple's categories"]
    return []


def _explicit_problems(element: Element, where: str) -> list[str]:
    explicit = element.find("itunes:explicit", NS)
    if explicit is not None and explicit.text not in ("true", "false"):
        return [f"{where}: itunes:explicit is {explicit.text!r}; Apple wants true or false"]
    return []


def _owner_problems(channel: Element) -> list[str]:
    owner = channel.find("itunes:owner", NS)
    if owner is not None and not _text(owner, "itunes:name"):
        return ["itunes:owner has no itunes:name"]
    return []


def _locked_problems(channel: Element) -> list[str]:
    locked = channel.find("podcast:locked", NS)
    if locked is not None and locked.text not in ("yes", "no"):
        return [f"podcast:locked is {locked.text!r}; the namespace wants yes or no"]
    return []


def _self_link_problems(channel: Element) -> list[str]:
    links = _atom_links(channel, "self")
    if not links:
        return ["no atom:link rel=self (PSP-1 requires it)"]
    if len(links) > 1:
        return [f"{len(links)} atom:link rel=self; a feed has one"]
    if not _is_web_url(links[0]):
        return [f"atom:link rel=self {links[0]!r} is not an absolute http(s) URL"]
    return []


def _podcast_guid_problems(channel: Element) -> list[str]:
    guid = channel.findtext("podcast:guid", namespaces=NS)
    if guid is None or not _atom_links(channel, "self"):
        return []
    feed_url = _feed_url(channel)
    want = str(uuid.uuid5(PODCAST_GUID_NAMESPACE, SCHEME.sub("", feed_url).rstrip("/")))
    if guid.strip() != want:
        return [f"podcast:guid {guid} is not UUIDv5 of {feed_url} without scheme ({want})"]
    return []


def _feed_url(channel: Element) -> str:
    """The subscription URL: a paged feed's first page (RFC 5005), else the self link."""
    for rel in ("first", "self"):
        links = _atom_links(channel, rel)
        if links:
            return links[0]
    return UNKNOWN_FEED_URL


def _atom_links(channel: Element, rel: str) -> list[str]:
    return [link.get("href", "") for link in channel.findall(f"atom:link[@rel='{rel}']", NS)]


# --- cover ------------------------------------------------------------------------------


def _cover_problems(channel: Element, files: Site | None) -> list[str]:
    image = channel.find("itunes:image", NS)
    if image is None:
        return []
    url = image.get("href", "")
    problems = _image_url_problems("itunes:image", url)
    if problems or files is None:
        return problems
    path = files.file(url, problems)
    if path is not None:
        problems += _cover_file_problems(path)
    return problems


def _image_url_problems(where: str, url: str) -> list[str]:
    if not _is_web_url(url):
        return [f"{where} {url!r} is not an absolute http(s) URL"]
    if _suffix(url) not in COVER_FORMATS:
        return [f"{where} {url!r} is not named .jpg or .png"]
    return []


def _cover_file_problems(path: Path) -> list[str]:
    try:
        with Image.open(path) as image:
            width, height = image.size
            found, mode = image.format, image.mode
    except (OSError, UnidentifiedImageError) as exc:
        return [f"cover {path.name} is not an image: {exc}"]
    problems = []
    if width != height or width not in COVER_SIDES:
        problems.append(f"cover is {width}x{height}; Apple wants a square of 1400 to 3000 px")
    if found != COVER_FORMATS[path.suffix.lower()]:
        problems.append(f"cover {path.name} holds {found}, not what its extension says")
    if mode != "RGB":
        problems.append(f"cover is {mode}; Apple wants RGB")
    return problems


# --- items ------------------------------------------------------------------------------


def _item_problems(item: Element, files: Site | None) -> list[str]:
    name = _item_name(item)
    problems = [f"{name}: no <{tag}>" for tag in ITEM_TEXT_TAGS if not _text(item, tag)]
    problems += [f"{name}: {p}" for p in _pub_date_problems(item)]
    problems += [f"{name}: {p}" for p in _duration_problems(item)]
    problems += _explicit_problems(item, name)
    problems += [f"{name}: {p}" for p in _enclosure_problems(item, files)]
    problems += [f"{name}: {p}" for p in _side_file_problems(item, files)]
    problems += [f"{name}: {p}" for p in _item_image_problems(item, files)]
    return problems


def _item_image_problems(item: Element, files: Site | None) -> list[str]:
    image = item.find("itunes:image", NS)
    if image is None:
        return []
    url = image.get("href", "")
    problems = _image_url_problems("itunes:image", url)
    if not problems and files is not None:
        files.file(url, problems)
    return problems


def _item_name(item: Element) -> str:
    return (_text(item, "title") or _text(item, "guid") or "untitled item")[:40]


def _pub_date_problems(item: Element) -> list[str]:
    text = _text(item, "pubDate")
    if not text:
        return []
    try:
        published = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return [f"pubDate {text!r} is not an RFC 2822 date"]
    if published.tzinfo is None:
        return [f"pubDate {text!r} has no time zone"]
    weekday = WEEKDAY.match(text)
    if weekday and weekday.group(1).title() != published.strftime("%a"):
        return [f"pubDate {text!r} names the wrong day of the week"]
    return []


def _duration_problems(item: Element) -> list[str]:
    text = _text(item, "itunes:duration")
    if text and not WHOLE_SECONDS.fullmatch(text):
        return [f"itunes:duration {text!r} is not a whole number of seconds"]
    return []


def _enclosure_url(item: Element) -> str | None:
    enclosure = item.find("enclosure")
    return None if enclosure is None else enclosure.get("url")


def _enclosure_problems(item: Element, files: Site | None) -> list[str]:
    enclosure = item.find("enclosure")
    if enclosure is None:
        return ["no enclosure"]
    url, kind, length = (enclosure.get(a, "") for a in ("url", "type", "length"))
    problems = []
    if not _is_web_url(url):
        problems.append(f"enclosure URL {url!r} is not an absolute http(s) URL")
    elif not url.isascii():
        problems.append(f"enclosure URL {url!r} is not ASCII")
    if kind not in AUDIO_TYPES:
        problems.append(f"enclosure type {kind!r} is not audio")
    if not length.isdigit() or int(length) <= 0:
        problems.append(f"enclosure length {length!r} is not a byte count")
    if problems or files is None:
        return problems
    path = files.file(url, problems)
    if path is not None and path.stat().st_size != int(length):
        problems.append(f"enclosure length {length} but the file has {path.stat().st_size} bytes")
    return problems


@dataclass(frozen=True)
class SideFile:
    """A Podcasting 2.0 file an item links to, and how to tell its contents are right."""

    tag: str
    media_type: str
    fault: Callable[[str], str | None]


def _webvtt_fault(text: str) -> str | None:
    return None if text.lstrip("\ufeff").startswith("WEBVTT") else "is not WebVTT"


def _chapters_fault(text: str) -> str | None:
    try:
        data = json.loads(text)
    except ValueError:
        return "is not JSON"
    if not isinstance(data, dict) or not isinstance(data.get("chapters"), list):
        return "has no 'chapters' list"
    return None


SIDE_FILES = (
    SideFile("podcast:transcript", "text/vtt", _webvtt_fault),
    SideFile("podcast:chapters", "application/json+chapters", _chapters_fault),
)


def _side_file_problems(item: Element, files: Site | None) -> list[str]:
    problems: list[str] = []
    for side in SIDE_FILES:
        element = item.find(f"{side.tag}[@type='{side.media_type}']", NS)
        if element is None:
            problems.append(f"no <{side.tag}> of type {side.media_type}")
            continue
        url = element.get("url", "")
        if not _is_web_url(url):
            problems.append(f"{side.tag} URL {url!r} is not an absolute http(s) URL")
            continue
        path = files.file(url, problems) if files is not None else None
        fault = _side_file_fault(side, path) if path is not None else None
        if fault:
            problems.append(f"{side.tag} file {url} {fault}")
    return problems


def _side_file_fault(side: SideFile, path: Path) -> str | None:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return "is not UTF-8"
    return side.fault(text)


# --- shared -----------------------------------------------------------------------------


def _repeated(what: str, values: Iterable[str | None]) -> list[str]:
    counts = Counter(value for value in values if value)
    return [f"{what} {value!r} is on {n} items" for value, n in counts.items() if n > 1]


def _text(element: Element, tag: str) -> str:
    return (element.findtext(tag, namespaces=NS) or "").strip()


def _is_web_url(url: str | None) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _suffix(url: str) -> str:
    return Path(urlsplit(url).path).suffix.lower()
