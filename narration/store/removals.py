"""Deleting episodes: out of the catalog and the feed at once, their files later.

A listener may be part-way through an episode when it is deleted, and podcast apps fetch
audio long after reading the feed, so the files stay for ``delete_grace_s`` (a day by
default). Files waiting to go are recorded in the catalog database; a sweep, run by the
workers after each job and by the API after each deletion, removes those whose grace ran
out. A file a live episode names again (the same content submitted anew) is kept.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from contextlib import AbstractContextManager

from sqlalchemy import delete, or_, select
from sqlalchemy.engine import Connection

from narration.config import Settings
from narration.model import Episode
from narration.store.database import Database
from narration.store.tables import episode_checks, episodes, jobs, retired_files

log = logging.getLogger(__name__)

FILE_COLUMNS = ("audio_name", "transcript_name", "chapters_name", "peaks_name", "image_name")
"""The catalog columns that name an episode's files."""


def file_names(ep: Episode) -> list[str]:
    """The files of ``ep`` in the output directory."""
    names = [getattr(ep, column) for column in FILE_COLUMNS]
    return [name for name in names if name]


class Removals:
    """Deleting episodes and sweeping their files, in the catalog's database."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    def _begin(self) -> AbstractContextManager[Connection]:
        return self.db.begin()

    def delete_episode(self, ep: Episode, job_id: str) -> None:
        """Take ``ep`` out of the catalog with every job that made it (and ``job_id``),
        and retire its files. The caller publishes the feed again."""
        with self._begin() as conn:
            conn.execute(delete(episodes).where(episodes.c.id == ep.id))
            conn.execute(delete(jobs).where(or_(jobs.c.episode_id == ep.id, jobs.c.id == job_id)))
            conn.execute(delete(episode_checks).where(episode_checks.c.episode_id == ep.id))
            self._retire(conn, file_names(ep))

    def delete_job(self, job_id: str) -> None:
        """Forget a job that made no episode (a failed one)."""
        with self._begin() as conn:
            conn.execute(delete(jobs).where(jobs.c.id == job_id, jobs.c.episode_id.is_(None)))

    def retire(self, names: Iterable[str]) -> None:
        """Remove ``names`` after the grace period, unless an episode names them again by
        then (a new version that failed keeps the old one's files)."""
        with self._begin() as conn:
            self._retire(conn, list(names))

    def _retire(self, conn: Connection, names: list[str]) -> None:
        if not names:
            return
        conn.execute(delete(retired_files).where(retired_files.c.name.in_(names)))
        now = dt.datetime.now(dt.UTC)
        conn.execute(retired_files.insert(), [{"name": n, "retired_at": now} for n in names])

    def sweep(self) -> list[str]:
        """Remove the retired files whose grace period ran out; the names removed."""
        cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=self.settings.jobs.delete_grace_s)
        with self._begin() as conn:
            expired = retired_files.c.retired_at <= cutoff
            due = conn.execute(select(retired_files.c.name).where(expired)).scalars().all()
            if not due:
                return []
            columns = FILE_COLUMNS
            named = or_(*(episodes.c[column].in_(due) for column in columns))
            live = {
                name
                for row in conn.execute(select(*(episodes.c[c] for c in columns)).where(named))
                for name in row
                if name
            }
        # A file that could not be removed stays retired, for the next sweep.
        removed = [name for name in due if name not in live and self._unlink(name)]
        if removed:
            with self._begin() as conn:
                conn.execute(delete(retired_files).where(retired_files.c.name.in_(removed)))
        return removed

    def _unlink(self, name: str) -> bool:
        root = self.settings.out_dir.resolve()
        path = (root / name).resolve()
        if not path.is_relative_to(root) or path == root:
            log.warning("retired file %r is outside the output directory; kept", name)
            return False
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("cannot remove %s: %s", path, exc)
            return False
        return True
