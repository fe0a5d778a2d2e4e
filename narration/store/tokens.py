"""Feed tokens (one secret per subscriber, revocable alone) and which shows are private."""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from narration.store.database import Database
from narration.store.tables import feed_tokens, fields_of, private_shows


@dataclass(frozen=True)
class FeedToken:
    token: str
    show: str
    label: str | None
    created_at: dt.datetime
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class TokenStore:
    """Feed tokens in the database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _begin(self) -> AbstractContextManager[Connection]:
        return self.db.begin()

    def create(self, show: str, label: str | None = None) -> FeedToken:
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        row = FeedToken(secrets.token_urlsafe(24), show, label, now, None)
        with self._begin() as conn:
            conn.execute(feed_tokens.insert().values(**dataclasses.asdict(row)))
        return row

    def get(self, token: str) -> FeedToken | None:
        with self._begin() as conn:
            row = (
                conn.execute(select(feed_tokens).where(feed_tokens.c.token == token))
                .mappings()
                .first()
            )
        return FeedToken(**fields_of(FeedToken, row)) if row is not None else None

    def active(self, token: str) -> FeedToken | None:
        found = self.get(token)
        return found if found is not None and found.active else None

    def list(self, show: str) -> list[FeedToken]:
        query = (
            select(feed_tokens.c.token)
            .where(feed_tokens.c.show == show)
            .order_by(feed_tokens.c.created_at)
        )
        with self._begin() as conn:
            names = list(conn.execute(query).scalars())
        return [t for t in (self.get(name) for name in names) if t is not None]

    def private_shows(self) -> frozenset[str]:
        """The shows made private (by their owners or an admin)."""
        with self._begin() as conn:
            return frozenset(conn.execute(select(private_shows.c.show)).scalars())

    def set_private(self, show: str, private: bool) -> None:
        """Make ``show`` private, or public again; doing so twice changes nothing."""
        if not private:
            with self._begin() as conn:
                conn.execute(private_shows.delete().where(private_shows.c.show == show))
            return
        if show in self.private_shows():
            return
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        try:
            with self._begin() as conn:
                conn.execute(private_shows.insert().values(show=show, since=now))
        except IntegrityError:
            pass  # made private at the same moment by another request

    def revoke(self, token: str) -> bool:
        """Revoke ``token``; False when there is no such active token."""
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        with self._begin() as conn:
            done = conn.execute(
                feed_tokens.update()
                .where(feed_tokens.c.token == token, feed_tokens.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )
        return bool(done.rowcount)
