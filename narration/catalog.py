"""The catalog of episodes: the source of truth the feed is built from.

SQLAlchemy Core over SQLite inside the output directory by default; any SQLAlchemy URL
(``NARRATION_DATABASE_URL``) works the same way.
"""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    cast,
    create_engine,
    event,
    func,
    inspect,
    literal,
    select,
    text,
)
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from narration.errors import StoreError
from narration.logs import redact
from narration.model import Chapter, Episode

metadata = MetaData()

episodes = Table(
    "episodes",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("guid", String(64), nullable=False, unique=True),
    Column("show", String(64), nullable=False),
    Column("article_key", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("title", Text, nullable=False),
    Column("author", Text),
    Column("published", DateTime(timezone=True), nullable=False),
    Column("description", Text, nullable=False),
    Column("link", Text),
    Column("image_name", Text),
    Column("audio_name", Text, nullable=False),
    Column("transcript_name", Text, nullable=False),
    Column("chapters_name", Text, nullable=False),
    Column("peaks_name", Text),
    Column("owner", String(64)),
    Column("bytes", Integer, nullable=False),
    Column("duration_s", Float, nullable=False),
    Column("chapters", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("show", "article_key", name="uq_show_article"),
)

# Paging walks a show newest first; without this index every page sorts the whole show.
show_published = Index(
    "ix_episodes_show_published", episodes.c.show, episodes.c.published, episodes.c.guid
)
_FEED_COLUMNS = tuple(episodes.c[name] for name in (
    "id", "guid", "content_hash", "published", "updated_at", "title", "author", "link",
    "description", "audio_name", "transcript_name", "chapters_name", "bytes", "duration_s",
    "image_name",
))  # fmt: skip


def _safe(text: str) -> str:
    """``text`` without the database password (a URL's, or a libpq ``password=``)."""
    return re.sub(r"(password=)\S+", r"\1***", redact(text))


def default_url(state_dir: Path) -> str:
    return f"sqlite:///{state_dir / 'catalog.sqlite'}"


class Catalog:
    def __init__(self, url: str) -> None:
        try:
            if url.startswith("sqlite"):
                self.engine: Engine = create_engine(url)
                event.listen(self.engine, "connect", _sqlite_pragmas)
            else:
                # A server may restart under long-running workers: test connections first.
                self.engine = create_engine(url, pool_pre_ping=True)
            create_tables(self.engine, [episodes])
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the catalog at {_safe(url)}: {_safe(str(exc))}") from exc

    @contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """Hold the database-wide lock ``name`` (PostgreSQL advisory lock) while the block
        runs, so processes on several machines take turns. Other databases have no such
        lock: the block runs unlocked and the caller serialises by other means."""
        if self.engine.dialect.name != "postgresql":
            yield
            return
        key = _lock_key(name)
        try:
            conn = self.engine.connect()
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            conn.commit()
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot take the catalog lock {name!r}: {exc}") from exc
        try:
            yield
        finally:
            # A lost connection releases its advisory locks with it.
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                conn.commit()
            except SQLAlchemyError:
                conn.invalidate()
            finally:
                conn.close()

    def _begin(self) -> AbstractContextManager[Connection]:
        return transaction(self.engine)

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
        values = {
            "id": ep.id,
            "guid": ep.guid,
            "show": ep.show,
            "article_key": ep.article_key,
            "content_hash": ep.content_hash,
            "title": ep.title,
            "author": ep.author,
            "published": as_utc(ep.published),
            "description": ep.description,
            "link": ep.link,
            "image_name": ep.image_name,
            "audio_name": ep.audio_name,
            "transcript_name": ep.transcript_name,
            "chapters_name": ep.chapters_name,
            "peaks_name": ep.peaks_name,
            "owner": ep.owner,
            "bytes": ep.bytes,
            "duration_s": ep.duration_s,
            "chapters": json.dumps([{"title": c.title, "start_s": c.start_s} for c in ep.chapters]),
            "created_at": as_utc(ep.created_at),
            "updated_at": as_utc(ep.updated_at),
        }
        with self._begin() as conn:
            conn.execute(episodes.delete().where(episodes.c.id == ep.id))
            conn.execute(episodes.insert().values(**values))

    def close(self) -> None:
        self.engine.dispose()


def create_tables(engine: Engine, tables: Sequence[Table]) -> None:
    """Create ``tables`` with their indexes, and add columns newer than an existing table.

    Workers started together on a fresh database would race to create the same tables:
    on PostgreSQL they take turns under an advisory lock; elsewhere a loser of the race
    finds the tables made and checks again.
    """
    for attempt in range(2):
        try:
            with engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key("schema")}
                    )
                metadata.create_all(conn, tables=list(tables))
                for table in tables:
                    # create_all adds indexes only to tables it creates: older ones get them here.
                    for index in table.indexes:
                        index.create(conn, checkfirst=True)
                    _add_missing_columns(conn, table)
            return
        except SQLAlchemyError:
            if attempt:
                raise


def _add_missing_columns(conn: Connection, table: Table) -> None:
    """Columns added since a table was created; all are nullable, so adding is enough."""
    present = {c["name"] for c in inspect(conn).get_columns(table.name)}
    for column in table.columns:
        if column.name not in present and column.nullable:
            kind = column.type.compile(dialect=conn.dialect)
            conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}"))


def _lock_key(name: str) -> int:
    """A signed 64-bit advisory lock key for ``name``, the same in every process."""
    digest = hashlib.sha256(f"narration:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction on the catalog's database, its errors turned into StoreError; the
    one way the catalog, jobs, tokens and removals write."""
    try:
        with engine.begin() as conn:
            yield conn
    except SQLAlchemyError as exc:
        raise StoreError(f"catalog error: {exc}") from exc


def as_utc(value: dt.datetime) -> dt.datetime:
    """``value`` in UTC. The catalog stores UTC (SQLite keeps no offset, so a time with
    one is converted before it is stored); a naive time read back was stored as UTC."""
    return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _episode(row: RowMapping) -> Episode:
    return Episode(
        id=row["id"],
        guid=row["guid"],
        show=row["show"],
        article_key=row["article_key"],
        content_hash=row["content_hash"],
        title=row["title"],
        author=row["author"],
        published=as_utc(row["published"]),
        description=row["description"],
        link=row["link"],
        image_name=row["image_name"],
        audio_name=row["audio_name"],
        transcript_name=row["transcript_name"],
        chapters_name=row["chapters_name"],
        peaks_name=row["peaks_name"],
        owner=row["owner"],
        bytes=row["bytes"],
        duration_s=row["duration_s"],
        chapters=tuple(Chapter(c["title"], c["start_s"]) for c in json.loads(row["chapters"])),
        created_at=as_utc(row["created_at"]),
        updated_at=as_utc(row["updated_at"]),
    )
