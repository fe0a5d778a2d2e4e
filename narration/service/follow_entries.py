"""What a poll reads and queues: a source's document (a sitemap index's sitemaps with
it), the keys its entries are known by, and the job each new entry becomes.

An entry is known in its source by its guid (or id); the episode it makes is known by
its article key: the canonical URL of its page, so the same article submitted again
elsewhere is recognised, unless other entries of the source with other guids lead to
the same page (anchors on one page, episodes that all link to the show's home page),
when each is its own article under its guid.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from html import escape

from narration.config import Settings
from narration.errors import BadInput, SourceError
from narration.ingest.budget import OverBudget, PollBudget
from narration.ingest.feed_entry import Entry, ParsedFeed, Skips
from narration.ingest.feeds import parse_document
from narration.ingest.fetch import FeedResponse, fetch_feed
from narration.ingest.identity import canonical_url
from narration.store.jobs import Submission
from narration.store.sources import SeenEntry, Source

UNREADABLE_SITEMAP = "a sitemap of the index could not be read"


def read_document(response: FeedResponse, budget: PollBudget, settings: Settings) -> ParsedFeed:
    """The document fetched, read; a sitemap index with its sitemaps (one level, by the
    same fetch rules, within the poll's budget). A sitemap that cannot be fetched or
    read is counted, with why, and the others are read; the index fails only when none
    of its sitemaps can be."""
    doc = parse_document(response.data, response.url, response.content_type)
    budget.parsed(len(doc.entries) + doc.skipped)
    if doc.kind != "sitemapindex":
        return doc
    entries: list[Entry] = []
    skips = Skips()
    _count(skips, doc.reasons)
    failures: list[str] = []
    listed = doc.sitemaps[: settings.follow.max_sitemaps]
    for url in listed:
        budget.check()
        try:
            child = fetch_feed(url, settings.fetch)
            if child.status != 200:
                raise SourceError(f"{url}: the server answered HTTP {child.status}")
            budget.read(len(child.data))
            part = parse_document(child.data, child.url, child.content_type)
            if part.kind != "sitemap":
                raise SourceError(f"{url}: a sitemap index may list only sitemaps")
        except OverBudget:
            raise
        except SourceError as exc:
            failures.append(str(exc))
            skips.add(f"{UNREADABLE_SITEMAP}: {exc}")
            continue
        budget.parsed(len(part.entries) + part.skipped)
        entries.extend(part.entries)
        _count(skips, part.reasons)
    if listed and len(failures) == len(listed):
        raise SourceError(
            f"none of the index's {len(listed)} sitemaps could be read: {failures[0]}"
        )
    return ParsedFeed(
        "sitemapindex",
        tuple(entries),
        skips.total,
        sitemaps=doc.sitemaps,
        reasons=skips.reasons(),
    )


def _count(skips: Skips, reasons: Iterable[tuple[str, int]]) -> None:
    for reason, count in reasons:
        if count:
            skips.add(reason, count)
        else:
            skips.note(reason)


def known_entries(entries: Iterable[Entry], seen: Mapping[str, SeenEntry]) -> list[Entry]:
    """``entries`` under the keys they are known by: an entry without a guid seen before
    fragments counted in keys keeps its old key (the first of the document to claim it),
    so it is not taken for a new one."""
    listed = list(entries)
    keys = {e.key for e in listed}
    claimed: set[str] = set()
    known = []
    for entry in listed:
        old = entry.legacy_key
        if (
            old is not None
            and entry.key not in seen
            and old in seen
            and old not in keys
            and old not in claimed
        ):
            claimed.add(old)
            entry = dataclasses.replace(entry, key=old, legacy_key=None)
        known.append(entry)
    return known


class ArticleKeys:
    """The article keys of a poll's new entries (see the module's docstring)."""

    def __init__(self, source: Source, entries: Iterable[Entry], seen: Mapping[str, SeenEntry]):
        self.source = source
        present = {e.key for e in entries}
        self.pages: dict[str, set[str]] = {}
        for entry in entries:
            if entry.link is not None:
                self.pages.setdefault(canonical_url(entry.link), set()).add(entry.key)
        # Entries seen before, still listed, by the article key they were given.
        self.taken: dict[str, set[str]] = {}
        for key, row in seen.items():
            if key in present:
                self.taken.setdefault(row.article_key, set()).add(key)

    def of(self, entry: Entry) -> str:
        own = f"{self.source.url}#{entry.key}"
        if entry.link is None:
            return own
        page = canonical_url(entry.link)
        others = (self.pages.get(page, set()) | self.taken.get(page, set())) - {entry.key}
        return own if others else page


def submission_of(
    source: Source, entry: Entry, article_key: str, revision: str, settings: Settings
) -> Submission:
    """The job of an entry: the text it carries when that reads as the article, else its
    page."""
    published = entry.published
    limit = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=settings.future_tolerance_s)
    when = published.isoformat() if published is not None and published <= limit else None
    if entry.article_html is not None:
        title = escape(entry.title or "")
        canonical = f'<link rel="canonical" href="{escape(entry.link)}">' if entry.link else ""
        page = (
            f"<!doctype html><html><head><title>{title}</title>{canonical}</head>"
            f"<body><article><h1>{title}</h1>{entry.article_html}</article></body></html>"
        )
        kind, value = "html", page
    elif entry.link is not None:
        kind, value = "url", entry.link
    else:
        raise BadInput(f"entry {entry.key}: has neither a link nor text to narrate")
    return Submission(
        kind=kind,  # type: ignore[arg-type]
        value=value,
        show=source.show,
        title=entry.title,
        author=entry.author,
        published=when,
        article_key=article_key,
        key_id=source.owner,
        revision=revision,
    )


def why_nothing(doc: ParsedFeed, wanted: int) -> str | None:
    """Why a poll found nothing to narrate, when the document is the reason: it lists
    no entries, or none it lists can be used, or the rules want none of them."""
    reasons = "; ".join(f"{why} ({n})" if n else why for why, n in doc.reasons)
    listed = len(doc.entries)
    if listed == 0 and doc.skipped == 0:
        return f"the document lists no entries{'; ' + reasons if reasons else ''}"
    if listed == 0:
        return f"all {doc.skipped} entries skipped: {reasons}"
    if wanted == 0:
        return f"none of the {listed} entries is wanted by the source's rules"
    return None
