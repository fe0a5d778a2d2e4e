"""JSON Feed (https://jsonfeed.org/version/1.1, and 1), read as feed readers read it: the
version URL over ``http`` or ``https``, a string where a list is expected taken as a
list of one, item URLs resolved against the feed's ``home_page_url`` (else
``feed_url``, else where it was fetched from)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from html import escape
from typing import Any

from narration.errors import SourceError
from narration.ingest.feed_content import is_article, why_not_article
from narration.ingest.feed_entry import (
    MAX_ENTRIES,
    Entry,
    ParsedFeed,
    Skips,
    entry_key,
    http_url,
    iso_date,
    resolve,
    text_of,
)

_VERSIONS = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")


def parse_json_feed(data: bytes, url: str) -> ParsedFeed:
    """A JSON Feed fetched from ``url``."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise SourceError(f"{url}: not valid JSON ({str(exc)[:200]})") from exc
    version = doc.get("version") if isinstance(doc, dict) else None
    if not isinstance(version, str) or not version.strip().lower().startswith(_VERSIONS):
        raise SourceError(f"{url}: JSON, but not a JSON Feed (no jsonfeed.org version)")
    items = doc.get("items")
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise SourceError(f"{url}: a JSON Feed's items must be a list")
    base = resolve(doc.get("home_page_url"), url) or resolve(doc.get("feed_url"), url) or url
    entries: list[Entry] = []
    skips = Skips()
    for item in items[:MAX_ENTRIES]:
        if not isinstance(item, dict):
            skips.add("an item that is not a JSON object")
            continue
        entry = _json_entry(item, base, skips)
        if entry is not None:
            entries.append(entry)
    hub = next(
        (
            h["url"]
            for h in _listed(doc.get("hubs"))
            if isinstance(h, dict) and http_url(h.get("url"))
        ),
        None,
    )
    return ParsedFeed(
        "json",
        tuple(entries),
        skips.total,
        text_of(doc.get("title")),
        hub=hub,
        reasons=skips.reasons(),
    )


def _listed(value: object) -> list[Any]:
    """A list as given; a single value as a list of one; nothing as an empty list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _json_entry(item: Mapping[str, Any], base: str, skips: Skips) -> Entry | None:
    raw_url = item.get("url")
    if raw_url is None:
        raw_url = item.get("external_url")
    link = resolve(raw_url, base)
    if text_of(raw_url) is not None and link is None:
        skips.add("a link that is not a web page")
        return None
    raw_id = item.get("id")
    guid = None
    if isinstance(raw_id, str | int | float) and not isinstance(raw_id, bool):
        guid = str(raw_id).strip() or None
    content = item.get("content_html")
    content = content if isinstance(content, str) and content.strip() else None
    text = item.get("content_text")
    carried = content or (_paragraphs(text) if isinstance(text, str) else None)
    summary = text_of(item.get("summary"))
    article = carried if is_article(carried) else None
    if link is None and article is None and summary and is_article(summary):
        article = summary
    key = guid or (entry_key(link)[0] if link else None)
    if key is None:
        skips.add("neither an id nor a link")
        return None
    if link is None and article is None:
        skips.add(why_not_article(carried or summary))
        return None
    tags = [t.strip() for t in _listed(item.get("tags")) if isinstance(t, str) and t.strip()]
    authors = _listed(item.get("authors")) or _listed(item.get("author"))
    names = [a.get("name") for a in authors if isinstance(a, dict)]
    return Entry(
        key=key,
        link=link,
        title=text_of(item.get("title")),
        published=iso_date(item.get("date_published")),
        updated=iso_date(item.get("date_modified")),
        author=next((n.strip() for n in names if isinstance(n, str) and n.strip()), None),
        categories=tuple(tags),
        content_html=content,
        summary=summary,
        article_html=article,
    )


def _paragraphs(text: str) -> str | None:
    """``content_text`` as HTML paragraphs (one per blank-line-separated block)."""
    blocks = [" ".join(b.split()) for b in text.replace("\r\n", "\n").split("\n\n")]
    html = "".join(f"<p>{escape(b)}</p>" for b in blocks if b)
    return html or None
