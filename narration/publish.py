"""Publish the show: its cover and its feed, built from the catalog (the source of truth)."""

from __future__ import annotations

import shutil
from pathlib import Path

import podcast_feed
from narration.catalog import Catalog
from narration.config import Settings
from narration.cover import make_cover
from narration.errors import PublishError
from narration.fsutil import write_if_changed
from narration.model import Episode

FEED_NAME = "feed.xml"


def cover_name(settings: Settings) -> str:
    if settings.show_cover is not None:
        return "cover" + settings.show_cover.suffix.lower()
    return "cover.png"


def ensure_cover(settings: Settings) -> Path:
    """The show cover inside the output directory: the configured one, or a generated one."""
    dest = settings.out_dir / cover_name(settings)
    source = settings.show_cover
    if source is not None:
        if source.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            raise PublishError(f"show cover {source} must be a .png or .jpg file")
        try:
            if not dest.exists() or dest.read_bytes() != source.read_bytes():
                tmp = dest.with_name(f".{dest.name}.tmp")
                shutil.copyfile(source, tmp)
                tmp.replace(dest)
        except OSError as exc:
            raise PublishError(f"cannot copy the show cover {source}: {exc}") from exc
    elif not dest.exists():
        make_cover(settings.show_title, settings.show_description, dest)
    return dest


def _item(ep: Episode, settings: Settings) -> podcast_feed.Item:
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
    )


def channel(settings: Settings) -> podcast_feed.Channel:
    return podcast_feed.Channel(
        title=settings.show_title,
        description=settings.show_description,
        link=settings.show_link or settings.base_url.rstrip("/") + "/",
        language=settings.show_language,
        feed_url=settings.feed_url,
        image_url=settings.url_for(cover_name(settings)),
        author=settings.show_author,
        owner_name=settings.show_owner_name,
        owner_email=settings.show_owner_email,
        category=settings.show_category,
        subcategory=settings.show_subcategory,
        explicit=settings.show_explicit,
        locked=settings.show_locked,
    )


def publish_feed(catalog: Catalog, settings: Settings) -> Path:
    """Rebuild the feed from the catalog; the file is rewritten only when it changes."""
    ensure_cover(settings)
    items = [_item(ep, settings) for ep in catalog.list(settings.show_slug)]
    try:
        data = podcast_feed.build_feed(channel(settings), items)
    except ValueError as exc:
        raise PublishError(f"cannot build the feed: {exc}") from exc
    path = settings.out_dir / FEED_NAME
    write_if_changed(path, data)
    return path
