"""Sitemaps (``urlset``, news sitemaps included) and sitemap indexes, read with lxml
without entities or network access.

Elements are known by their local names, so a sitemap without the sitemaps.org
namespace, or with a variant of it (``http://www.sitemaps.org/schemas/sitemap/0.9/``, a
``https`` one), reads as one with it. A document cut off part-way keeps the ``<url>``
entries that ended before the cut, and says where it stopped.
"""

from __future__ import annotations

import io
from typing import Any

from narration.errors import SourceError
from narration.ingest.feed_entry import (
    MAX_ENTRIES,
    Entry,
    ParsedFeed,
    Skips,
    entry_key,
    iso_date,
    resolve,
    tag_name,
    text_of,
)

_ROOTS = frozenset({"urlset", "sitemapindex"})


def parse_sitemap(data: bytes, url: str) -> ParsedFeed:
    """A sitemap or sitemap index fetched from ``url``."""
    # Lazy: lxml (~15 ms) only for a sitemap; `prepare` and `narrate` import this module.
    from lxml import etree

    entries: list[Entry] = []
    children: list[str] = []
    skips = Skips()
    root_name: str | None = None
    events = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
    )
    try:
        for event, node in events:
            name = tag_name(node.tag)[1]
            if not name:
                continue
            if root_name is None:
                root_name = name
                if name not in _ROOTS:
                    raise SourceError(f"{url}: not a sitemap (its root is <{name}>)")
                continue
            if (
                event != "end"
                or node.getparent() is None
                or node.getparent().getparent() is not None
            ):
                continue
            if name == "url" and root_name == "urlset":
                if len(entries) + skips.total < MAX_ENTRIES:
                    _url_entry(node, url, entries, skips)
            elif name == "sitemap" and root_name == "sitemapindex":
                loc = resolve(_child_text(node, "loc"), url)
                if loc is None:
                    skips.add("a sitemap without an http(s) <loc>")
                else:
                    children.append(loc)
            node.clear(keep_tail=True)
            while node.getprevious() is not None:
                del node.getparent()[0]
    except (etree.XMLSyntaxError, ValueError) as exc:
        if root_name is None:
            raise SourceError(f"{url}: not a readable sitemap ({exc})") from exc
        read = len(children) if root_name == "sitemapindex" else len(entries) + skips.total
        if read == 0:
            raise SourceError(f"{url}: a sitemap cut off before its first entry ({exc})") from exc
        skips.note(f"the document is cut off or broken after {read} complete entries ({exc})")
    if root_name is None:
        raise SourceError(f"{url}: not a readable sitemap (no root element)")
    if root_name == "sitemapindex":
        return ParsedFeed(
            "sitemapindex", (), skips.total, sitemaps=tuple(children), reasons=skips.reasons()
        )
    return ParsedFeed("sitemap", tuple(entries), skips.total, reasons=skips.reasons())


def _child(node: Any, local: str) -> Any:
    for child in node:
        if tag_name(child.tag)[1] == local:
            return child
    return None


def _child_text(node: Any, local: str) -> str | None:
    found = _child(node, local)
    return text_of(found.text) if found is not None else None


def _url_entry(node: Any, url: str, entries: list[Entry], skips: Skips) -> None:
    link = resolve(_child_text(node, "loc"), url)
    if link is None:
        skips.add("a <url> without an http(s) <loc>")
        return
    news = _child(node, "news")
    lastmod = iso_date(_child_text(node, "lastmod"))
    title = published = None
    keywords: tuple[str, ...] = ()
    if news is not None:
        title = _child_text(news, "title")
        published = iso_date(_child_text(news, "publication_date"))
        words = _child_text(news, "keywords") or ""
        keywords = tuple(w.strip() for w in words.split(",") if w.strip())
    key, legacy = entry_key(link)
    entries.append(
        Entry(
            key=key,
            link=link,
            title=title,
            published=published or lastmod,
            updated=lastmod,
            categories=keywords,
            legacy_key=legacy,
        )
    )
