"""Narration jobs in the catalog: the source of truth for what was submitted and its state.

The task queue only carries job ids and may lose them (it delivers at most once). A job
is claimed with a lease that its worker renews while narrating; the reaper puts jobs
whose lease ran out (a worker killed, a machine lost) back in the queue, so every
accepted article is narrated at least once. Narrating is idempotent, so a second run of
the same job never makes a second episode.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import (
    func,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from narration.errors import StoreError
from narration.ingest.identity import canonical_url
from narration.store.database import Database, safe
from narration.store.tables import fields_of, jobs

Status = Literal["queued", "running", "done", "failed"]
SourceField = Literal["url", "html", "text", "markdown"]
SOURCE_FIELDS: tuple[SourceField, ...] = ("url", "html", "text", "markdown")
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Submission:
    """An article as submitted: exactly one source and what the submitter says about it."""

    kind: SourceField
    value: str
    """The URL, or the document itself."""
    show: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    """ISO 8601 date or date and time."""
    language: str | None = None
    callback_url: str | None = None
    article_key: str | None = None
    """The catalog's key of the article this replaces (a new version of an episode)."""
    key_id: str | None = None
    """The fingerprint of the API key that submitted it (see :func:`key_fingerprint`)."""
    voice: str | None = None
    """``backend:voice`` to read it with, over the show's voice."""
    revision: str | None = None
    """Which version of a followed source's entry this is: a changed entry is a new job."""

    def payload(self) -> dict[str, str | None]:
        """What the jobs table keeps of the submission beside its kind and show."""
        kept = {
            "value": self.value,
            "title": self.title,
            "author": self.author,
            "published": self.published,
            "language": self.language,
            "callback_url": self.callback_url,
            "article_key": self.article_key,
            "key_id": self.key_id,
            "voice": self.voice,
        }
        if self.revision is not None:
            kept["revision"] = self.revision
        return kept

    def content_hash(self) -> str:
        """The identity of the content: the same article submitted again has the same hash.

        The callback URL is not content: submitting again with another one is the same job.
        """
        value = canonical_url(self.value) if self.kind == "url" else self.value
        doc = [
            *(self.show, self.kind, value),
            *(self.title, self.author, self.published, self.language),
        ]
        if self.voice is not None:
            doc.append(self.voice)  # another voice is another reading
        if self.revision is not None:
            doc.append(f"revision:{self.revision}")
        if self.article_key is not None:
            # A new version of an episode is its own job, even with content sent before.
            doc.append(self.article_key)
        return hashlib.sha256(json.dumps(doc, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class Job:
    id: str
    show: str
    submission: Submission
    content_hash: str
    status: Status
    attempts: int
    error: str | None
    episode_id: str | None
    lease_owner: str | None
    lease_expires_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    worker: str | None = None
    """The worker that completed the job."""


class JobStore:
    """Jobs in the database. Leases are timed by the database's clock (see
    :meth:`Database.now`), so workers whose clocks disagree never take a live job."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _begin(self) -> AbstractContextManager[Connection]:
        return self.db.begin()

    def enqueue(self, sub: Submission) -> tuple[Job, bool]:
        """The job for ``sub`` and whether it is new (or a failed one queued again).

        The same content submitted again answers with the job it already has.
        """
        digest = sub.content_hash()
        now = self.db.now()
        values = {
            "id": uuid.uuid4().hex,
            "show": sub.show,
            "source_kind": sub.kind,
            "payload": sub.payload(),
            "content_hash": digest,
            "key_id": sub.key_id,
            "status": "queued",
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        try:
            with self.db.engine.begin() as conn:
                conn.execute(jobs.insert().values(**values))
        except IntegrityError:
            pass  # submitted before: answered below with the existing job
        except SQLAlchemyError as exc:
            raise StoreError(f"database error: {safe(str(exc))}") from exc
        else:
            return self._require(str(values["id"])), True
        with self._begin() as conn:
            row = (
                conn.execute(
                    select(jobs).where(jobs.c.show == sub.show, jobs.c.content_hash == digest)
                )
                .mappings()
                .one()
            )
            if row["status"] != "failed":
                return _job(row), False
            # A failed job submitted again is tried again from scratch.
            conn.execute(
                update(jobs)
                .where(jobs.c.id == row["id"], jobs.c.status == "failed")
                .values(status="queued", attempts=0, error=None, updated_at=now)
            )
        return self._require(row["id"]), True

    def get(self, job_id: str) -> Job | None:
        with self._begin() as conn:
            row = conn.execute(select(jobs).where(jobs.c.id == job_id)).mappings().first()
        return _job(row) if row else None

    def latest_for_episode(self, episode_id: str) -> Job | None:
        """The newest done job that published the episode ``episode_id`` (catalog id)."""
        query = (
            select(jobs)
            .where(jobs.c.episode_id == episode_id, jobs.c.status == "done")
            .order_by(jobs.c.updated_at.desc(), jobs.c.id.desc())
            .limit(1)
        )
        with self._begin() as conn:
            row = conn.execute(query).mappings().first()
        return _job(row) if row else None

    def page(
        self, limit: int, offset: int = 0, show: str | None = None, view: JobView | None = None
    ) -> list[Job]:
        """Jobs newest first; only those ``view`` lets its caller see."""
        query = select(jobs).order_by(jobs.c.created_at.desc(), jobs.c.id.desc())
        query = query.where(*_conditions(show, view))
        with self._begin() as conn:
            rows = conn.execute(query.limit(limit).offset(offset)).mappings().all()
        return [_job(r) for r in rows]

    def count(self, show: str | None = None, view: JobView | None = None) -> int:
        query = select(func.count()).select_from(jobs).where(*_conditions(show, view))
        with self._begin() as conn:
            return int(conn.execute(query).scalar_one())

    def claim(self, job_id: str, owner: str, lease_s: float) -> Job | None:
        """Make the job ``running`` under ``owner``'s lease, or None when it is not queued
        (done, failed, or running under a lease that has not run out).

        One conditional UPDATE: of workers claiming at once, the database lets one match
        (PostgreSQL checks the condition again on the row another transaction changed;
        SQLite runs one writer at a time), and it returns the row it claimed.
        """
        now = self.db.now()
        claimable = or_(
            jobs.c.status == "queued",
            (jobs.c.status == "running") & (jobs.c.lease_expires_at < now),
        )
        with self._begin() as conn:
            row = (
                conn.execute(
                    update(jobs)
                    .where(jobs.c.id == job_id, claimable)
                    .values(
                        status="running",
                        lease_owner=owner,
                        lease_expires_at=self.db.now(lease_s),
                        attempts=jobs.c.attempts + 1,
                        updated_at=now,
                    )
                    .returning(*jobs.c)
                )
                .mappings()
                .first()
            )
        return _job(row) if row is not None else None

    def renew(self, job_id: str, owner: str, lease_s: float) -> bool:
        """Extend ``owner``'s lease; False when the job is no longer its own."""
        now = self.db.now()
        with self._begin() as conn:
            renewed = conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.status == "running", jobs.c.lease_owner == owner)
                .values(lease_expires_at=self.db.now(lease_s), updated_at=now)
            ).rowcount
        return renewed == 1

    def complete(self, job_id: str, owner: str, episode_id: str) -> None:
        with self._begin() as conn:
            conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.lease_owner == owner)
                .values(
                    status="done",
                    episode_id=episode_id,
                    error=None,
                    worker=owner,
                    lease_owner=None,
                    lease_expires_at=None,
                    updated_at=self.db.now(),
                )
            )

    def fail(self, job_id: str, owner: str, error: str, *, permanent: bool = False) -> Status:
        """Record a failed attempt: the job is queued again, or ``failed`` for good when
        the input itself is at fault or after :data:`MAX_ATTEMPTS` attempts."""
        with self._begin() as conn:
            row = conn.execute(
                select(jobs.c.attempts, jobs.c.lease_owner).where(jobs.c.id == job_id)
            ).first()
            if row is None or row.lease_owner != owner:
                return "running"  # the lease was lost: the job belongs to another worker
            status: Status = "failed" if permanent or row.attempts >= MAX_ATTEMPTS else "queued"
            conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id)
                .values(
                    status=status,
                    error=error,
                    lease_owner=None,
                    lease_expires_at=None,
                    updated_at=self.db.now(),
                )
            )
        return status

    def release(self, job_id: str, owner: str) -> bool:
        """Give back a job ``owner`` could not finish (its service is stopping): the lease
        runs out now, so the reaper of any worker (this one's next start included) queues
        it again, and the unfinished attempt is not counted. False when the job was not
        ``owner``'s."""
        with self._begin() as conn:
            released = conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.status == "running", jobs.c.lease_owner == owner)
                .values(
                    attempts=jobs.c.attempts - 1,
                    lease_owner=None,
                    lease_expires_at=self.db.now(-1),
                    updated_at=self.db.now(),
                )
            ).rowcount
        return released == 1

    def reap(self, stale_after_s: float, failed: list[str] | None = None) -> list[str]:
        """Queue again the running jobs whose lease ran out, and list them with the queued
        jobs nobody touched for ``stale_after_s`` (their queue message may be lost): the
        ids to put in the task queue again. A job out of attempts is marked failed, and
        its id added to ``failed`` when given (its callback is due)."""
        now = self.db.now()
        expired = (jobs.c.status == "running") & (jobs.c.lease_expires_at < now)
        with self._begin() as conn:
            exhausted = (
                conn.execute(
                    update(jobs)
                    .where(expired, jobs.c.attempts >= MAX_ATTEMPTS)
                    .values(
                        status="failed",
                        error=f"the worker stopped answering {MAX_ATTEMPTS} times",
                        lease_owner=None,
                        lease_expires_at=None,
                        updated_at=now,
                    )
                    .returning(jobs.c.id)
                )
                .scalars()
                .all()
            )
            if failed is not None:
                failed.extend(exhausted)
            # UPDATE ... RETURNING: of reapers running at once, each job goes to one of them.
            requeued = (
                conn.execute(
                    update(jobs)
                    .where(expired)
                    .values(
                        status="queued", lease_owner=None, lease_expires_at=None, updated_at=now
                    )
                    .returning(jobs.c.id)
                )
                .scalars()
                .all()
            )
            stale = (
                conn.execute(
                    update(jobs)
                    .where(
                        jobs.c.status == "queued",
                        jobs.c.updated_at < self.db.now(-stale_after_s),
                        jobs.c.id.not_in(requeued),
                    )
                    .values(updated_at=now)
                    .returning(jobs.c.id)
                )
                .scalars()
                .all()
            )
        return [*requeued, *stale]

    def _require(self, job_id: str) -> Job:
        job = self.get(job_id)
        if job is None:
            raise StoreError(f"job {job_id} vanished from the catalog")
        return job


@dataclass(frozen=True)
class JobView:
    """Which jobs a caller may list: a key's own (``key_id``), every job (``everything``,
    an admin key), or else done ones only (an anonymous caller)."""

    key_id: str | None = None
    everything: bool = False
    hidden_shows: frozenset[str] = frozenset()
    """Shows an anonymous caller does not see (private ones)."""


def _conditions(show: str | None, view: JobView | None) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if show is not None:
        found.append(jobs.c.show == show)
    if view is not None and not view.everything:
        if view.key_id is not None:
            found.append(jobs.c.key_id == view.key_id)
        else:
            found.append(jobs.c.status == "done")
            if view.hidden_shows:
                found.append(jobs.c.show.not_in(sorted(view.hidden_shows)))
    return found


def _job(row: RowMapping) -> Job:
    payload: dict[str, Any] = row["payload"]
    known = {f.name for f in dataclasses.fields(Submission)}
    sub = Submission(
        kind=row["source_kind"],
        show=row["show"],
        **{name: value for name, value in payload.items() if name in known},
    )
    return Job(submission=sub, **fields_of(Job, row))
