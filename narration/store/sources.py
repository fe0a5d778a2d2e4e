"""The sources shows follow (feeds and sitemaps), their polling state, and the entries
seen in each.

An entry is recorded once per source under a unique key (its guid, else its canonical
URL), inserted with "insert or ignore": of two workers that see a new entry at the same
time exactly one inserts it, and only that one queues its article. A source is polled by
one worker at a time: taking it moves its next poll on by a lease, in one conditional
update.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import uuid
from collections.abc import Collection, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import and_, case, delete, func, insert, select, update
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from narration.errors import ConflictError, StoreError
from narration.ingest.follow_rules import Rules
from narration.store.database import Database, safe
from narration.store.tables import jobs, source_entries, sources

Origin = Literal["config", "api", "cli"]
EntryState = Literal["pending", "queued", "done", "failed", "removed"]


@dataclass(frozen=True)
class Source:
    """A followed source and its polling state."""

    id: str
    show: str
    url: str
    origin: Origin
    """``config`` (the shows file) or ``api``."""
    owner: str | None
    """The fingerprint of the API key that added it; None for the shows file's."""
    rules: Rules
    kind: str | None
    """What the document was last time: rss, atom, json, sitemap, sitemapindex."""
    etag: str | None
    last_modified: str | None
    next_poll_at: dt.datetime
    last_poll_at: dt.datetime | None
    last_result: str | None
    last_error: str | None
    failures: int
    """Polls failed in a row (the back-off grows with them)."""
    hub: str | None
    """The WebSub hub the source's feed names."""
    websub_secret: str | None
    websub_state: str | None
    """``requested`` (subscribed, the hub's check awaited) or ``verified``."""
    websub_expires_at: dt.datetime | None
    """When a verified subscription's lease ends."""
    websub_request_secret: str | None
    """The secret of the subscription request awaiting the hub's answer."""
    websub_request_until: dt.datetime | None
    """Until when the hub's answer to that request is taken; None: no request pending."""
    created_at: dt.datetime
    skipped: int = 0
    """Entries the last poll could not use."""
    skipped_reasons: dict[str, int] | None = None
    """Why, with how many for each reason (a sitemap index's failing sitemaps too)."""


@dataclass(frozen=True)
class SeenEntry:
    entry_key: str
    article_key: str
    fingerprint: str
    state: EntryState
    job_id: str | None
    updated_at: dt.datetime


@dataclass(frozen=True)
class Counts:
    seen: int
    queued: int
    failed: int


class SourceStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _begin(self) -> AbstractContextManager[Connection]:
        return self.db.begin()

    def add(
        self, show: str, url: str, rules: Rules, origin: Origin = "api", owner: str | None = None
    ) -> Source:
        """Follow ``url`` in ``show``; :class:`ConflictError` when the show follows it."""
        now = dt.datetime.now(dt.UTC)
        values = {
            "id": uuid.uuid4().hex,
            "show": show,
            "url": url,
            "origin": origin,
            "owner": owner,
            "rules": rules.as_json(),
            "next_poll_at": now,
            "failures": 0,
            "created_at": now,
        }
        try:
            with self.db.engine.begin() as conn:
                conn.execute(insert(sources).values(**values))
        except IntegrityError as exc:
            raise ConflictError(f"show {show!r} already follows {url}", "") from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"database error: {safe(str(exc))}") from exc
        found = self.get(str(values["id"]))
        assert found is not None
        return found

    def get(self, source_id: str) -> Source | None:
        with self._begin() as conn:
            row = conn.execute(select(sources).where(sources.c.id == source_id)).mappings().first()
        return _source(row) if row is not None else None

    def list(self, show: str | None = None) -> builtins.list[Source]:
        query = select(sources).order_by(sources.c.created_at, sources.c.id)
        if show is not None:
            query = query.where(sources.c.show == show)
        with self._begin() as conn:
            return [_source(row) for row in conn.execute(query).mappings()]

    def find(self, show: str, url: str) -> Source | None:
        with self._begin() as conn:
            row = (
                conn.execute(select(sources).where(sources.c.show == show, sources.c.url == url))
                .mappings()
                .first()
            )
        return _source(row) if row is not None else None

    def delete(self, source_id: str) -> bool:
        """Stop following; the episodes made from it stay."""
        with self._begin() as conn:
            conn.execute(delete(source_entries).where(source_entries.c.source_id == source_id))
            gone = conn.execute(delete(sources).where(sources.c.id == source_id)).rowcount
        return bool(gone)

    def sync_config(self, wanted: Mapping[tuple[str, str], Rules]) -> None:
        """Make the shows file's sources (by show and URL) those followed: new ones
        added, changed rules saved, ones no longer listed dropped."""
        existing = {(s.show, s.url): s for s in self.list() if s.origin == "config"}
        for (show, url), rules in wanted.items():
            found = existing.get((show, url))
            if found is None:
                # ConflictError: added by another process, or through the API.
                with contextlib.suppress(ConflictError):
                    self.add(show, url, rules, origin="config")
            elif found.rules != rules:
                with self._begin() as conn:
                    conn.execute(
                        update(sources)
                        .where(sources.c.id == found.id)
                        .values(rules=rules.as_json())
                    )
        for key, source in existing.items():
            if key not in wanted:
                self.delete(source.id)

    def claim_due(
        self,
        lease_s: float,
        limit: int = 50,
        only: Collection[str] | None = None,
        origins: Collection[str] | None = None,
        exclude: Collection[str] = (),
    ) -> builtins.list[Source]:
        """Take the sources whose poll is due: each moves its next poll ``lease_s`` on, so
        no other worker polls it meanwhile (nor after a crash, until the lease ends). Due
        and leased by the database's clock, as jobs are, whatever each worker's says.
        Sources in ``exclude`` (this worker's polls under way) are left."""
        due = sources.c.next_poll_at <= self.db.now()
        chosen = select(sources.c.id).where(due)
        if only is not None:
            chosen = chosen.where(sources.c.id.in_(list(only)))
        if exclude:
            chosen = chosen.where(sources.c.id.not_in(list(exclude)))
        if origins is not None:
            chosen = chosen.where(sources.c.origin.in_(list(origins)))
        chosen = chosen.order_by(sources.c.next_poll_at).limit(limit)
        # One statement: a source another worker took meanwhile is no longer due when its
        # row is checked again under the lock (PostgreSQL re-reads a row it waited for).
        claim = (
            update(sources)
            .where(sources.c.id.in_(chosen.scalar_subquery()), due)
            .values(next_poll_at=self.db.now(lease_s))
            .returning(*sources.c)
        )
        with self._begin() as conn:
            rows = conn.execute(claim).mappings().all()
        taken = [_source(row) for row in rows]
        return sorted(taken, key=lambda source: source.created_at)

    def renew_lease(self, source_id: str, lease_s: float) -> None:
        """Keep a source taken by :meth:`claim_due` while its poll goes on."""
        with self._begin() as conn:
            conn.execute(
                update(sources)
                .where(sources.c.id == source_id)
                .values(next_poll_at=self.db.now(lease_s))
            )

    def record(self, source_id: str, **values: Any) -> None:
        """Save what a poll found (columns of the sources table)."""
        with self._begin() as conn:
            conn.execute(update(sources).where(sources.c.id == source_id).values(**values))

    def entries(self, source_id: str) -> dict[str, SeenEntry]:
        """The entries seen in a source, by key."""
        with self._begin() as conn:
            rows = conn.execute(
                select(source_entries).where(source_entries.c.source_id == source_id)
            ).mappings()
            return {row["entry_key"]: _entry(row) for row in rows}

    def insert_entry(self, source_id: str, key: str, article_key: str, fingerprint: str) -> bool:
        """Record a new entry as pending; False when it was recorded already (by this
        worker before, or by another just now)."""
        now = dt.datetime.now(dt.UTC)
        values = {
            "source_id": source_id,
            "entry_key": key,
            "article_key": article_key,
            "fingerprint": fingerprint,
            "state": "pending",
            "first_seen_at": now,
            "updated_at": now,
        }
        with self._begin() as conn:
            statement = _insert_or_ignore(self.db.dialect).values(**values)
            # RETURNING, not rowcount: psycopg reports no count for ON CONFLICT DO NOTHING.
            inserted = conn.execute(statement.returning(source_entries.c.entry_key)).first()
            return inserted is not None

    def has_pending(self, source_id: str) -> bool:
        """Whether entries of the source were seen but not queued (a poll stopped)."""
        with self._begin() as conn:
            found = conn.execute(
                select(source_entries.c.entry_key)
                .where(source_entries.c.source_id == source_id, source_entries.c.state == "pending")
                .limit(1)
            ).first()
        return found is not None

    def change_entry(self, source_id: str, key: str, before: str, after: str) -> bool:
        """Take a changed entry (fingerprint ``before`` to ``after``) back to pending;
        False when another worker did so first."""
        with self._begin() as conn:
            return bool(
                conn.execute(
                    update(source_entries)
                    .where(
                        source_entries.c.source_id == source_id,
                        source_entries.c.entry_key == key,
                        source_entries.c.fingerprint == before,
                    )
                    .values(
                        fingerprint=after,
                        state="pending",
                        error=None,
                        updated_at=dt.datetime.now(dt.UTC),
                    )
                ).rowcount
            )

    def set_entry(
        self,
        source_id: str,
        key: str,
        state: EntryState,
        job_id: str | None = None,
        error: str | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "state": state,
            "error": error,
            "updated_at": dt.datetime.now(dt.UTC),
        }
        if job_id is not None:
            values["job_id"] = job_id
        with self._begin() as conn:
            conn.execute(
                update(source_entries)
                .where(source_entries.c.source_id == source_id, source_entries.c.entry_key == key)
                .values(**values)
            )

    def counts(self, source_id: str) -> Counts:
        """Entries seen, queued (as jobs) and failed (refused, or their job failed)."""
        queued = case(
            (source_entries.c.job_id.is_not(None), 1),
            (source_entries.c.state == "done", 1),
            else_=0,
        )
        failed = case(
            (source_entries.c.state == "failed", 1),
            (jobs.c.status == "failed", 1),
            else_=0,
        )
        query = (
            select(
                func.count(),
                func.coalesce(func.sum(queued), 0),
                func.coalesce(func.sum(failed), 0),
            )
            .select_from(source_entries.outerjoin(jobs, and_(jobs.c.id == source_entries.c.job_id)))
            .where(source_entries.c.source_id == source_id)
        )
        with self._begin() as conn:
            seen, queued, failures = conn.execute(query).one()
        return Counts(int(seen), int(queued), int(failures))


def _insert_or_ignore(dialect: str) -> Any:
    if dialect == "postgresql":
        # Lazy: only the dialect in use loads; PostgreSQL's costs ~25 ms on SQLite.
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(source_entries).on_conflict_do_nothing(constraint="uq_source_entries_key")
    # Lazy: only the dialect in use loads (SQLite's, here).
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(source_entries).on_conflict_do_nothing()


def _source(row: RowMapping) -> Source:
    values = dict(row)
    values["rules"] = Rules.from_json(values["rules"] or {})
    return Source(**values)


def _entry(row: RowMapping) -> SeenEntry:
    return SeenEntry(
        entry_key=row["entry_key"],
        article_key=row["article_key"],
        fingerprint=row["fingerprint"],
        state=row["state"],
        job_id=row["job_id"],
        updated_at=row["updated_at"],
    )
