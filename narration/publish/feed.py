"""Publish the show: its cover and its feed, built from the catalog (the source of truth).

A show longer than ``Show.feed_page_size`` becomes a paged feed (RFC 5005 section 3):
``feed.xml`` carries the newest episodes and links by ``rel="next"`` to archive pages
``feed-archive-<n>.xml``, each linking to the next older one. Archive pages are numbered
from the oldest end and hold fixed slices of the show counted from its first episode, so
a new episode changes only ``feed.xml`` and the newest archive page; the full pages
behind it keep their bytes (and their ETags) for good. Only the pages whose content
changed are rendered: a digest of each page's catalog rows is kept in the state directory.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import podcast_feed
from narration.config import Settings
from narration.episode.cover import cover_name, ensure_cover
from narration.errors import PublishError
from narration.fsutil import file_lock, write_atomic, write_if_changed
from narration.model import Episode
from narration.store.catalog import Catalog

FEED_NAME = "feed.xml"
ARCHIVE_PREFIX = "feed-archive-"
ARCHIVE_NAME = re.compile(r"^feed-archive-([1-9][0-9]*)\.xml$")
PAGES_STATE_NAME = "feed-pages.json"
PAGING_LAYOUT = "oldest-first-archives/1"
"""Names the page layout and its rendering; part of every page digest."""


@dataclass(frozen=True)
class FeedPage:
    """One document of the show's feed and the slice of the catalog it carries."""

    name: str
    """File name inside the output directory."""
    offset: int
    """Episodes newer than this page (the catalog's ``page`` offset, newest first)."""
    limit: int
    """Episodes on this page."""
    links: podcast_feed.PageLinks | None
    """None when the whole show fits in ``feed.xml``."""


def archive_name(number: int) -> str:
    """The file name of archive page ``number``; 1 holds the oldest episodes."""
    return f"{ARCHIVE_PREFIX}{number}.xml"


def feed_layout(total: int, page_size: int, settings: Settings) -> list[FeedPage]:
    """The pages of a show of ``total`` episodes: ``feed.xml`` first, then older archives.

    ``feed.xml`` holds the newest ``page_size`` episodes. The rest are cut into archive
    pages from the oldest episode on: archive 1 holds the oldest ``page_size``, archive 2
    the next ones, and the newest archive holds what is left (1 to ``page_size`` episodes).
    """
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    if total <= page_size:
        return [FeedPage(FEED_NAME, 0, total, None)]
    archived = total - page_size
    archives = -(-archived // page_size)

    def url(name: str) -> str:
        return settings.url_for(settings.show_prefix + name)

    first_url = url(FEED_NAME)
    last_url = url(archive_name(1))
    pages = [
        FeedPage(
            FEED_NAME,
            0,
            page_size,
            podcast_feed.PageLinks(
                self_url=first_url,
                first_url=first_url,
                last_url=last_url,
                next_url=url(archive_name(archives)),
            ),
        )
    ]
    for number in range(archives, 0, -1):
        oldest_index = (number - 1) * page_size
        newest_end = min(number * page_size, archived)
        newer = first_url if number == archives else url(archive_name(number + 1))
        older = url(archive_name(number - 1)) if number > 1 else None
        pages.append(
            FeedPage(
                archive_name(number),
                total - newest_end,
                newest_end - oldest_index,
                podcast_feed.PageLinks(
                    self_url=url(archive_name(number)),
                    first_url=first_url,
                    last_url=last_url,
                    previous_url=newer,
                    next_url=older,
                ),
            )
        )
    return pages


def feed_item(ep: Episode, settings: Settings) -> podcast_feed.Item:
    return podcast_feed.Item(
        guid=ep.guid,
        title=ep.title,
        description=ep.description,
        published=ep.published,
        enclosure_url=settings.url_for(ep.audio_name),
        enclosure_length=ep.bytes,
        duration_s=ep.duration_s,
        transcript_url=settings.url_for(ep.transcript_name),
        chapters_url=settings.url_for(ep.chapters_name),
        link=ep.link,
        author=ep.author,
        image_url=settings.url_for(ep.image_name) if ep.image_name else None,
        chapters=tuple((c.start_s, c.title) for c in ep.chapters),
    )


def channel(settings: Settings) -> podcast_feed.Channel:
    return podcast_feed.Channel(
        title=settings.show.title,
        description=settings.show.description,
        link=settings.show.link or settings.base_url.rstrip("/") + "/",
        language=settings.show.language,
        feed_url=settings.feed_url,
        image_url=settings.url_for(cover_name(settings)),
        author=settings.show.author,
        owner_name=settings.show.owner_name,
        owner_email=settings.show.owner_email,
        category=settings.show.category,
        subcategory=settings.show.subcategory,
        explicit=settings.show.explicit,
        locked=settings.show.locked,
        medium=settings.show.medium,
    )


def publish_feed(catalog: Catalog, settings: Settings) -> Path:
    """Bring the feed and its archive pages up to date with the catalog; the path of
    ``feed.xml``. Only pages whose content changed are rendered and rewritten.

    Workers publish a show one at a time (a lock in the catalog's database when it is
    PostgreSQL, shared by every machine, and a lock file in the state directory), each
    reading the catalog once it holds the lock: the last feed written is built from the
    newest catalog, and the pages agree with the digests kept beside them.
    """
    lock_path = settings.state_dir / f"feed-{settings.show.slug}.lock"
    with catalog.db.lock(f"feed:{settings.show.slug}"), file_lock(lock_path):
        return _publish_locked(catalog, settings)


def _publish_locked(catalog: Catalog, settings: Settings) -> Path:
    ensure_cover(settings)
    show = settings.show.slug
    versions = catalog.versions(show)
    pages = feed_layout(len(versions), settings.show.feed_page_size, settings)
    show_channel = channel(settings)
    show_dir = settings.out_dir / settings.show_prefix
    state_path = settings.state_dir / (
        PAGES_STATE_NAME if show == "default" else f"feed-pages-{show}.json"
    )
    known = _read_digests(state_path)
    digests: dict[str, str] = {}
    for page in pages:
        digest = _page_digest(show_channel, page, versions[page.offset : page.offset + page.limit])
        path = show_dir / page.name
        if known.get(page.name) != digest or not path.is_file():
            episodes = catalog.page(show, page.limit, page.offset) if page.limit else []
            items = [feed_item(ep, settings) for ep in episodes]
            try:
                data = podcast_feed.build_feed(show_channel, items, page.links)
            except ValueError as exc:
                raise PublishError(f"cannot build the feed page {page.name}: {exc}") from exc
            write_if_changed(path, data)
        digests[page.name] = digest
    _remove_stale_archives(show_dir, {page.name for page in pages})
    if digests != known:
        state = {"layout": PAGING_LAYOUT, "pages": digests}
        write_atomic(state_path, json.dumps(state, indent=1, sort_keys=True).encode())
    return show_dir / FEED_NAME


def _page_digest(
    show_channel: podcast_feed.Channel, page: FeedPage, versions: Sequence[str]
) -> str:
    digest = hashlib.sha256()
    # The name and links, not the offset: a page whose episodes and neighbours stay the
    # same keeps its digest while newer episodes push the offsets along.
    for part in (PAGING_LAYOUT, podcast_feed.GENERATOR, repr(show_channel), page.name):
        digest.update(part.encode())
        digest.update(b"\x1e")
    digest.update(repr(page.links).encode())
    for version in versions:
        digest.update(version.encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


def _read_digests(path: Path) -> dict[str, str]:
    # A missing, unreadable or foreign state file only costs a full rebuild.
    try:
        state = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(state, dict) or state.get("layout") != PAGING_LAYOUT:
        return {}
    pages = state.get("pages")
    if not isinstance(pages, dict):
        return {}
    return {str(k): str(v) for k, v in pages.items()}


def _remove_stale_archives(out_dir: Path, keep: set[str]) -> None:
    for path in out_dir.glob(ARCHIVE_PREFIX + "*.xml"):
        if ARCHIVE_NAME.match(path.name) and path.name not in keep:
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise PublishError(f"cannot remove the old feed page {path}: {exc}") from exc
