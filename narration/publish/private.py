"""Private feeds: one secret URL per subscriber, ``/private/<token>/feed.xml``.

A token belongs to a show. Its feed is the show's feed with every URL (enclosures,
transcripts, chapters, cover) under ``/private/<token>/``, so a shared or leaked URL can
be revoked alone: a revoked or unknown token gets 404 on the feed and on the files.
Tokens live in the catalog database.

A show is private when its owner (or an admin) made it so, never because it has tokens:
its files, feed and pages are then not served at the public paths, only under
``/private/<token>/`` to a valid token of that show (``Access``). A public show's tokens
work too: each is a feed URL its owner can revoke alone.
"""

from __future__ import annotations

import dataclasses
import threading
import time

from sqlalchemy import or_, select

import podcast_feed
from narration.config import Settings
from narration.episode.cover import cover_name
from narration.errors import PublishError
from narration.publish.feed import channel, feed_item
from narration.store.catalog import Catalog
from narration.store.removals import FILE_COLUMNS
from narration.store.tables import episodes
from narration.store.tokens import FeedToken, TokenStore


def private_prefix(token: str) -> str:
    return f"private/{token}/"


_FILE_COLUMNS = tuple(episodes.c[name] for name in FILE_COLUMNS)


class Access:
    """Which show a published file belongs to, and who may read it.

    The set of private shows is read again after ``ttl_s`` (another process may have
    changed it) and at once after it is changed here. The shows of a file name are kept
    once found: an episode file is never renamed, and a removed one is gone from the disk
    too.
    """

    def __init__(self, store: TokenStore, ttl_s: float = 1.0, size: int = 4096) -> None:
        self.store = store
        self.ttl_s = ttl_s
        self._size = size
        self._private: tuple[float, frozenset[str]] | None = None
        self._owners: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()

    def private_shows(self, *, cached_only: bool = False) -> frozenset[str] | None:
        """The private shows; None when ``cached_only`` and they must be read again."""
        held = self._private
        if held is not None and time.monotonic() - held[0] < self.ttl_s:
            return held[1]
        if cached_only:
            return None
        shows = self.store.private_shows()
        self._private = (time.monotonic(), shows)
        return shows

    def forget(self) -> None:
        """Read the private shows again on the next question."""
        self._private = None

    def set_private(self, show: str, private: bool) -> None:
        self.store.set_private(show, private)
        self.forget()

    def owners(self, name: str, *, cached_only: bool = False) -> frozenset[str] | None:
        """The shows whose catalog episodes publish the file ``name`` (``episodes/...``);
        empty for a file no episode lists. None when ``cached_only`` and not known yet."""
        known = self._owners.get(name)
        if known is not None or cached_only:
            return known
        query = select(episodes.c.show).where(or_(*(c == name for c in _FILE_COLUMNS)))
        with self.store.db.begin() as conn:
            found = frozenset(conn.execute(query.distinct()).scalars())
        if found:
            with self._lock:
                if len(self._owners) >= self._size:
                    self._owners.pop(next(iter(self._owners)), None)
                self._owners[name] = found
        return found

    def public_show(self, show: str, *, cached_only: bool = False) -> bool | None:
        """Whether ``show``'s feed, pages and cover may be served at public paths."""
        private = self.private_shows(cached_only=cached_only)
        return None if private is None else show not in private

    def public_file(self, name: str, *, cached_only: bool = False) -> bool | None:
        """Whether the episode file ``name`` may be served at its public path: always while
        no show is private; else only when it is an episode file of public shows alone."""
        private = self.private_shows(cached_only=cached_only)
        if private is None:
            return None
        if not private:
            return True
        shows = self.owners(name, cached_only=cached_only)
        if shows is None:
            return None
        return bool(shows) and not shows & private

    def token_file(self, token: str, name: str) -> FeedToken | None:
        """The active token ``token`` when the episode file ``name`` belongs to its show."""
        found = self.store.active(token)
        if found is None or found.show not in (self.owners(name) or frozenset()):
            return None
        return found


def private_feed(catalog: Catalog, settings: Settings, token: str) -> bytes:
    """The feed of ``settings``' show as subscriber ``token`` sees it (newest page)."""
    base = settings.url_for(private_prefix(token))
    inside = settings.model_copy(
        update={"base_url": base, "show": settings.show.model_copy(update={"slug": "default"})}
    )
    show_channel = dataclasses.replace(
        channel(settings),
        feed_url=inside.url_for("feed.xml"),
        image_url=inside.url_for(cover_name(inside)),
        locked=True,
        block=True,
    )
    episodes = catalog.page(settings.show.slug, settings.show.feed_page_size, 0)
    items = [feed_item(ep, inside) for ep in episodes]
    try:
        return podcast_feed.build_feed(show_channel, items)
    except ValueError as exc:
        raise PublishError(f"cannot build the private feed: {exc}") from exc
