"""One database owner per process: schema made and changed by migrations alone, stores
that never run DDL, a catalog made before migrations brought up to date."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import inspect, text

from narration.config import Settings
from narration.errors import StoreError
from narration.store.catalog import Catalog
from narration.store.database import Database, default_url
from narration.store.jobs import JobStore
from narration.store.removals import Removals
from narration.store.tokens import TokenStore
from tests.helpers import ROOT

pytestmark = pytest.mark.slow

# The catalog as the service made it before it had migrations: no owner, no key_id.
OLD_SCHEMA = """
CREATE TABLE episodes (id VARCHAR(32) PRIMARY KEY, guid VARCHAR(64) NOT NULL UNIQUE,
  show VARCHAR(64) NOT NULL, article_key TEXT NOT NULL, content_hash VARCHAR(64) NOT NULL,
  title TEXT NOT NULL, author TEXT, published DATETIME NOT NULL, description TEXT NOT NULL,
  link TEXT, image_name TEXT, audio_name TEXT NOT NULL, transcript_name TEXT NOT NULL,
  chapters_name TEXT NOT NULL, peaks_name TEXT, bytes INTEGER NOT NULL,
  duration_s FLOAT NOT NULL, chapters TEXT NOT NULL, created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL, CONSTRAINT uq_show_article UNIQUE (show, article_key));
CREATE TABLE jobs (id VARCHAR(32) PRIMARY KEY, show VARCHAR(64) NOT NULL,
  source_kind VARCHAR(16) NOT NULL, payload TEXT NOT NULL, content_hash VARCHAR(64) NOT NULL,
  episode_id VARCHAR(32), status VARCHAR(16) NOT NULL, attempts INTEGER NOT NULL,
  error TEXT, lease_owner VARCHAR(64), lease_expires_at DATETIME, worker VARCHAR(64),
  created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL,
  CONSTRAINT uq_jobs_show_content UNIQUE (show, content_hash));
INSERT INTO episodes VALUES ('e1', 'g1', 'default', 'k1', 'h1', 'Kept', NULL,
  '2025-01-02 03:04:05.000000', 'd', NULL, NULL, 'episodes/a.mp3', 'episodes/a.vtt',
  'episodes/a.chapters.json', NULL, 10, 1.5, '[{"title": "Start", "start_s": 0.0}]',
  '2025-01-02 03:04:05.000000', '2025-01-02 03:04:05.000000');
"""


def test_a_catalog_made_before_migrations_is_brought_up_to_date(tmp_path: Path) -> None:
    settings = Settings(out_dir=tmp_path / "out")
    settings.state_dir.mkdir(parents=True)
    with sqlite3.connect(settings.state_dir / "catalog.sqlite") as conn:
        conn.executescript(OLD_SCHEMA)
    db = Database.open(settings)
    try:
        assert db.revision() == db.head()
        columns = {c["name"] for c in inspect(db.engine).get_columns("episodes")}
        assert "owner" in columns
        assert "key_id" in {c["name"] for c in inspect(db.engine).get_columns("jobs")}
        assert {"retired_files", "feed_tokens"} <= set(inspect(db.engine).get_table_names())
        kept = Catalog(db).get("e1")
        assert kept is not None and kept.title == "Kept" and kept.owner is None
        assert kept.published == dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
        assert kept.chapters[0].title == "Start"
    finally:
        db.close()


def _schema(db: Database) -> dict[str, object]:
    """Every table's columns, keys, indexes and constraints, as SQLite reports them."""
    found = inspect(db.engine)
    return {
        table: {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                for c in found.get_columns(table)
            ],
            "primary key": found.get_pk_constraint(table)["constrained_columns"],
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in found.get_indexes(table)
            ),
            "unique": sorted(
                (u["name"] or "", tuple(u["column_names"]))
                for u in found.get_unique_constraints(table)
            ),
            "foreign keys": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"])
                for f in found.get_foreign_keys(table)
            ),
        }
        for table in sorted(found.get_table_names())
    }


def test_a_new_catalog_has_the_schema_the_migrations_make(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from narration.store.tables import metadata

    settings = Settings(out_dir=tmp_path / "new")
    made = Database.open(settings)  # a new catalog: made from the tables' definitions
    (tmp_path / "migrated").mkdir()
    migrated = Database(default_url(tmp_path / "migrated"))
    try:
        migrated.migrate()
        assert made.revision() == migrated.revision() == migrated.head()
        assert _schema(made) == _schema(migrated)
        assert len(_schema(made)) > 5
        with migrated.engine.connect() as conn:  # and the migrations make what is defined
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        assert Catalog(made).get("anything") is None
    finally:
        made.close()
        migrated.close()
    assert sorted(p.name for p in settings.state_dir.iterdir()) == ["catalog.sqlite"]


def test_opening_a_new_catalog_loads_no_migration_library(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from narration.config import Settings; "
        "from narration.store.database import Database; "
        f"db = Database.open(Settings(out_dir=Path({str(tmp_path / 'out')!r}))); "
        "print(db.is_current(), 'alembic' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["True", "False"]


def test_stores_never_create_tables(tmp_path: Path) -> None:
    db = Database(default_url(tmp_path))
    try:
        Catalog(db), JobStore(db), TokenStore(db), Removals(db, Settings(out_dir=tmp_path))
        assert inspect(db.engine).get_table_names() == []
        with pytest.raises(StoreError):
            Catalog(db).get("anything")
    finally:
        db.close()


@pytest.fixture
def unmigrated_postgres() -> Iterator[str]:
    admin_dsn = os.environ.get(
        "NARRATION_TEST_POSTGRES", "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
    )
    admin = psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5)
    name = f"narration_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        info = admin.info
        try:
            yield f"postgresql+psycopg://{info.user}@{info.host}:{info.port}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.services
def test_a_server_database_is_migrated_by_the_migrate_command(
    unmigrated_postgres: str, tmp_path: Path
) -> None:
    settings = Settings(out_dir=tmp_path / "out", database_url=unmigrated_postgres)
    with pytest.raises(StoreError, match="narration migrate"):
        Database.open(settings)
    env = {**os.environ, "NARRATION_DATABASE_URL": unmigrated_postgres}
    command = [sys.executable, "-m", "narration.cli", "migrate"]
    first = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert b"to revision" in first.stdout
    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=60)
    assert again.returncode == 0 and b"up to date" in again.stdout
    db = Database.open(settings)
    try:
        assert "episodes" in inspect(db.engine).get_table_names()
    finally:
        db.close()


def test_shows_with_tokens_stay_private_when_privacy_becomes_a_setting(tmp_path: Path) -> None:
    """Before private shows were set on purpose, a show with any token was private: the
    migration keeps those shows private, and no other."""
    from alembic import command

    url = f"sqlite:///{tmp_path / 'catalog.sqlite'}"
    db = Database(url)
    try:
        with db.engine.begin() as conn:
            command.upgrade(db._alembic(conn), "0005")
            conn.execute(
                text(
                    "INSERT INTO feed_tokens (token, show, label, created_at, revoked_at) VALUES"
                    " ('t1', 'members', NULL, '2025-01-02 03:04:05', '2025-02-01 00:00:00'),"
                    " ('t2', 'members', 'Ada', '2025-01-03 03:04:05', NULL),"
                    " ('t3', 'letters', NULL, '2025-01-04 03:04:05', NULL)"
                )
            )
        assert db.migrate() is not None
        assert db.revision() == db.head()
        assert TokenStore(db).private_shows() == {"members", "letters"}
        TokenStore(db).set_private("letters", False)
        assert TokenStore(db).private_shows() == {"members"}
    finally:
        db.close()
