"""The database: one owner per process of the engine, its transactions, its clock, its
locks and its schema.

Made once at start-up (by the CLI command, the app's lifespan or the worker) and handed to
the stores (catalog, jobs, tokens, removals), which never create or change tables. The
schema is changed by Alembic migrations: ``narration migrate`` runs them, and the
embedded SQLite default runs them when it is opened. A new embedded catalog is made
from the tables' definitions, marked at the newest migration (the same schema, which a
test holds the migrations to), without loading Alembic.
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import hashlib
import logging
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, literal, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from narration.config import Settings
from narration.errors import StoreError
from narration.fsutil import owned_temp
from narration.logs import redact
from narration.store.tables import UTCDateTime, metadata

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_migrating = threading.Lock()


def safe(text_: str) -> str:
    """``text_`` without a database password (a URL's, or a libpq ``password=``)."""
    return re.sub(r"(password=)\S+", r"\1***", redact(text_))


CATALOG_FILE = "catalog.sqlite"


def default_url(state_dir: Path) -> str:
    return sqlite_url(state_dir / CATALOG_FILE)


def sqlite_url(path: Path) -> str:
    """The URL of the SQLite file at ``path``, escaped (a ``%`` or ``?`` in a directory's
    name is part of the path, not of the URL's syntax)."""
    return URL.create("sqlite", database=str(path)).render_as_string(hide_password=False)


class Database:
    """The engine of one database URL, and everything done on it as a whole."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            if url.startswith("sqlite"):
                self.engine: Engine = create_engine(url)
                event.listen(self.engine, "connect", _sqlite_pragmas)
            else:
                # A server may restart under long-running workers: test connections first.
                self.engine = create_engine(url, pool_pre_ping=True)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise StoreError(f"cannot open the database at {safe(url)}: {safe(str(exc))}") from exc

    @classmethod
    def open(cls, settings: Settings) -> Database:
        """The database ``settings`` name, ready to use: the embedded SQLite file in the
        state directory (migrated now), or ``database_url`` (migrated by
        ``narration migrate``; refused when it is behind)."""
        if settings.database_url:
            db = cls(settings.database_url)
            try:
                db.require_current()
            except BaseException:
                db.close()
                raise
            return db
        settings.state_dir.mkdir(parents=True, exist_ok=True)
        catalog = settings.state_dir / CATALOG_FILE
        if not catalog.exists():
            create_sqlite(catalog)
        db = cls(default_url(settings.state_dir))
        try:
            if not db.is_current():
                db.migrate()
        except BaseException:
            db.close()
            raise
        return db

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A transaction; database errors come out as :class:`StoreError`."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"database error: {safe(str(exc))}") from exc

    def now(self, plus_s: float = 0.0) -> ColumnElement[dt.datetime]:
        """The database's clock, ``plus_s`` seconds on, for leases: every worker agrees on
        it whatever its own machine's clock says. SQLite lives on one machine: its clock is
        this process's."""
        if self.dialect == "postgresql":
            moment: ColumnElement[dt.datetime] = func.now()
            return moment + dt.timedelta(seconds=plus_s) if plus_s else moment
        at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=plus_s)
        return literal(at, UTCDateTime)

    @contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """Hold the database-wide lock ``name`` (a PostgreSQL advisory lock) while the block
        runs, so processes on several machines take turns. Other databases have no such
        lock: the block runs unlocked and the caller serialises by other means."""
        if self.dialect != "postgresql":
            yield
            return
        key = _lock_key(name)
        try:
            conn = self.engine.connect()
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            conn.commit()
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot take the database lock {name!r}: {safe(str(exc))}") from exc
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

    def migrate(self) -> str | None:
        """Bring the schema up to the newest migration; the revision it is at."""
        # Lazy: alembic (~250 ms) only when migrating.
        from alembic import command

        try:
            # Alembic's context is module state: one migration at a time in a process
            # (processes take turns on PostgreSQL's advisory lock, see migrations/env.py).
            with _migrating, self.engine.begin() as conn:
                command.upgrade(self._alembic(conn), "head")
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot migrate the database: {safe(str(exc))}") from exc
        return self.revision()

    def revision(self) -> str | None:
        """The migration the schema is at (None: never migrated)."""
        # Lazy: alembic (~250 ms) only when the schema's revision is read.
        from alembic.runtime.migration import MigrationContext

        try:
            with self.engine.connect() as conn:
                current: str | None = MigrationContext.configure(conn).get_current_revision()
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot read the database: {safe(str(exc))}") from exc
        return current

    def is_current(self) -> bool:
        """Whether the schema is at the newest migration, told by reading the revision
        table and the migration files, without loading Alembic; False when unsure."""
        head = code_head()
        if head is None:
            return False
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        except SQLAlchemyError:
            return False  # no revision table yet, or it cannot be read: Alembic decides
        return [row[0] for row in rows] == [head]

    def head(self) -> str | None:
        # Lazy: alembic (~250 ms) only when the newest revision is read.
        from alembic.script import ScriptDirectory

        head: str | None = ScriptDirectory(str(MIGRATIONS)).get_current_head()
        return head

    def require_current(self) -> None:
        """Refuse a database whose schema is behind the code (run ``narration migrate``)."""
        if self.is_current():
            return
        current, head = self.revision(), self.head()
        if current != head:
            raise StoreError(
                f"the database schema is at {current or 'no revision'}, "
                f"the code needs {head}: run `narration migrate`"
            )

    def close(self) -> None:
        self.engine.dispose()

    def _alembic(self, conn: Connection) -> Any:
        # Lazy: alembic (~250 ms) only when migrating.
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = conn
        return config


VERSION_TABLE = (
    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
)
"""Alembic's revision table, as Alembic makes it."""


def create_sqlite(path: Path) -> None:
    """Make a new SQLite catalog at ``path``: the tables as defined, marked at the newest
    migration. It is made under a temporary name and linked into place, so whoever opens
    ``path`` finds it whole. Nothing is done when another process made it first, or when
    the migration files name no single head: Alembic brings the file up to date then."""
    head = code_head()
    if head is None:
        return
    tmp = owned_temp(path)
    engine = create_engine(sqlite_url(tmp))
    try:
        with engine.begin() as conn:
            metadata.create_all(conn)
            conn.execute(text(VERSION_TABLE))
            conn.execute(text("INSERT INTO alembic_version VALUES (:head)"), {"head": head})
        engine.dispose()
        os.link(tmp, path)
    except FileExistsError:
        pass
    except (SQLAlchemyError, OSError) as exc:
        log.info("a new catalog could not be made at once (%s); migrating instead", exc)
    finally:
        engine.dispose()
        tmp.unlink(missing_ok=True)


_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.M)


@functools.cache
def code_head() -> str | None:
    """The revision of the newest migration, read from the migration files as text; None
    when they do not name exactly one head in the plain form (Alembic decides then)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    try:
        for path in sorted((MIGRATIONS / "versions").glob("*.py")):
            found = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
            revision = ast.literal_eval(found["revision"])
            down = ast.literal_eval(found["down_revision"])
            if not isinstance(revision, str):
                return None
            revisions.add(revision)
            downs = down if isinstance(down, tuple | list) else (down,)
            parents.update(d for d in downs if isinstance(d, str))
    except (OSError, KeyError, ValueError, SyntaxError):
        return None
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _lock_key(name: str) -> int:
    """A signed 64-bit advisory lock key for ``name``, the same in every process."""
    digest = hashlib.sha256(f"narration:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
