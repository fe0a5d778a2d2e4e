"""Private feeds: one secret URL per subscriber, ``/private/<token>/feed.xml``.

A token belongs to a show. Its feed is the show's feed with every URL (enclosures,
transcripts, chapters, cover) under ``/private/<token>/``, so a shared or leaked URL can
be revoked alone: a revoked or unknown token gets 404 on the feed and on the files.
Tokens live in the catalog database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlalchemy import Column, DateTime, Engine, MetaData, String, Table, Text, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

import podcast_feed
from narration.catalog import Catalog, as_utc, create_tables, transaction
from narration.config import Settings
from narration.errors import PublishError
from narration.publish import channel, cover_name, feed_item

metadata = MetaData()

tokens = Table(
    "feed_tokens",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("show", String(64), nullable=False, index=True),
    Column("label", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)


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


def private_prefix(token: str) -> str:
    return f"private/{token}/"


class TokenStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        try:
            create_tables(engine, [tokens])
        except SQLAlchemyError as exc:
            raise PublishError(f"cannot create the feed tokens table: {exc}") from exc

    def _begin(self) -> AbstractContextManager[Connection]:
        return transaction(self.engine)

    def create(self, show: str, label: str | None = None) -> FeedToken:
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        row = FeedToken(secrets.token_urlsafe(24), show, label, now, None)
        with self._begin() as conn:
            conn.execute(tokens.insert().values(**dataclasses.asdict(row)))
        return row

    def get(self, token: str) -> FeedToken | None:
        with self._begin() as conn:
            row = conn.execute(select(tokens).where(tokens.c.token == token)).mappings().first()
        if row is None:
            return None
        return FeedToken(
            row["token"], row["show"], row["label"], as_utc(row["created_at"]),
            as_utc(row["revoked_at"]) if row["revoked_at"] else None,
        )  # fmt: skip

    def active(self, token: str) -> FeedToken | None:
        found = self.get(token)
        return found if found is not None and found.active else None

    def list(self, show: str) -> list[FeedToken]:
        query = select(tokens.c.token).where(tokens.c.show == show).order_by(tokens.c.created_at)
        with self._begin() as conn:
            names = list(conn.execute(query).scalars())
        return [t for t in (self.get(name) for name in names) if t is not None]

    def revoke(self, token: str) -> bool:
        """Revoke ``token``; False when there is no such active token."""
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        with self._begin() as conn:
            done = conn.execute(
                tokens.update()
                .where(tokens.c.token == token, tokens.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )
        return bool(done.rowcount)


def private_feed(catalog: Catalog, settings: Settings, token: str) -> bytes:
    """The feed of ``settings``' show as subscriber ``token`` sees it (newest page)."""
    base = settings.url_for(private_prefix(token))
    inside = settings.model_copy(update={"base_url": base, "show_slug": "default"})
    show_channel = dataclasses.replace(
        channel(settings),
        feed_url=inside.url_for("feed.xml"),
        image_url=inside.url_for(cover_name(inside)),
        locked=True,
    )
    episodes = catalog.page(settings.show_slug, settings.feed_page_size, 0)
    items = [feed_item(ep, inside) for ep in episodes]
    try:
        return podcast_feed.build_feed(show_channel, items)
    except ValueError as exc:
        raise PublishError(f"cannot build the private feed: {exc}") from exc
