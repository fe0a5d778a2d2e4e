"""The catalog of episodes: the source of truth the feed is built from.

SQLAlchemy Core over SQLite inside the output directory by default; any SQLAlchemy URL
(``NARRATION_DATABASE_URL``) works the same way.
"""

from __future__ import annotations

import builtins
from contextlib import AbstractContextManager

from sqlalchemy import String, cast, func, literal, select
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.sql.elements import ColumnElement

from narration.model import Episode
from narration.store.database import Database
from narration.store.tables import episodes, fields_of

_FEED_COLUMNS = tuple(episodes.c[name] for name in (
    "id", "guid", "content_hash", "published", "updated_at", "title", "author", "link",
    "description", "audio_name", "transcript_name", "chapters_name", "bytes", "duration_s",
    "image_name",
))  # fmt: skip


class Catalog:
    """The episodes of every show, on the process's :class:`Database`."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _begin(self) -> AbstractContextManager[Connection]:
        return self.db.begin()

    def find_content(self, show: str, content_hash: str) -> Episode | None:
        """The episode of ``show`` whose audio was made from exactly this content."""
        query = select(episodes).where(
            episodes.c.show == show, episodes.c.content_hash == content_hash
        )
        with self._begin() as conn:
            row = conn.execute(query.limit(1)).mappings().first()
        return _episode(row) if row else None

    def remove(self, episode_id: str) -> None:
        """Forget one episode's row (its files are the caller's)."""
        with self._begin() as conn:
            conn.execute(episodes.delete().where(episodes.c.id == episode_id))

    def find(self, show: str, article_key: str) -> Episode | None:
        query = select(episodes).where(
            episodes.c.show == show, episodes.c.article_key == article_key
        )
        with self._begin() as conn:
            row = conn.execute(query).mappings().first()
        return _episode(row) if row else None

    def find_audio(self, audio_name: str) -> Episode | None:
        """The episode whose audio is ``audio_name`` (relative to the output directory)."""
        query = select(episodes).where(episodes.c.audio_name == audio_name)
        with self._begin() as conn:
            row = conn.execute(query.limit(1)).mappings().first()
        return _episode(row) if row else None

    def get(self, episode_id: str) -> Episode | None:
        with self._begin() as conn:
            row = (
                conn.execute(select(episodes).where(episodes.c.id == episode_id)).mappings().first()
            )
        return _episode(row) if row else None

    def list(self, show: str) -> list[Episode]:
        query = (
            select(episodes)
            .where(episodes.c.show == show)
            .order_by(episodes.c.published.desc(), episodes.c.id)
        )
        with self._begin() as conn:
            return [_episode(r) for r in conn.execute(query).mappings()]

    def count(self, show: str) -> int:
        """How many episodes ``show`` has."""
        query = select(func.count()).select_from(episodes).where(episodes.c.show == show)
        with self._begin() as conn:
            return int(conn.execute(query).scalar_one())

    def page(self, show: str, limit: int, offset: int = 0) -> builtins.list[Episode]:
        """At most ``limit`` episodes of ``show``, newest first, skipping the ``offset`` newest.

        The order is the feed's: publication time, then guid, both descending.
        """
        query = (
            select(episodes)
            .where(episodes.c.show == show)
            .order_by(episodes.c.published.desc(), episodes.c.guid.desc())
            .limit(limit)
            .offset(offset)
        )
        with self._begin() as conn:
            return [_episode(r) for r in conn.execute(query).mappings()]

    def versions(self, show: str) -> builtins.list[str]:
        """A version string per episode of ``show``, in ``page`` order.

        It joins every column the feed shows, so it changes whenever ``save`` stores
        different feed values for the episode: a page whose versions are unchanged need
        not be rebuilt. The database joins the columns, which keeps this to one short
        string per row (the chapters column, which the feed does not show, is left out).
        """
        version: ColumnElement[str] = literal("")
        for column in _FEED_COLUMNS:
            version = version + func.coalesce(cast(column, String), "") + literal("\x1f")
        query = (
            select(version)
            .where(episodes.c.show == show)
            .order_by(episodes.c.published.desc(), episodes.c.guid.desc())
        )
        with self._begin() as conn:
            return [str(v) for v in conn.execute(query).scalars()]

    def save(self, ep: Episode) -> None:
        """Insert or replace the episode's row (one row per show and article)."""
        values = {column.name: getattr(ep, column.name) for column in episodes.columns}
        with self._begin() as conn:
            conn.execute(episodes.delete().where(episodes.c.id == ep.id))
            conn.execute(episodes.insert().values(**values))


def _episode(row: RowMapping) -> Episode:
    return Episode(**fields_of(Episode, row))
