"""The version of a catalog episode, read from the embedded SQLite catalog with the
standard library alone: what lets ``narration narrate`` answer a re-run from its notes
before SQLAlchemy and the pipeline load (:mod:`narration.publish.unchanged`). The catalog
is opened read-only and never changed here."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

from narration.config import Settings

Version = tuple[str, str]
"""An episode's content hash and the time its row last changed."""


class EpisodeVersions(contextlib.AbstractContextManager["EpisodeVersions | None"]):
    """The catalog of ``settings`` opened read-only; entering gives None when there is no
    embedded catalog (a server database, or none made yet) or it cannot be opened."""

    def __init__(self, settings: Settings) -> None:
        self._path: Path | None = (
            settings.state_dir / "catalog.sqlite" if settings.database_url is None else None
        )
        self._conn: sqlite3.Connection | None = None

    def __enter__(self) -> EpisodeVersions | None:
        if self._path is None or not self._path.is_file():
            return None
        # With no write-ahead log beside it, no writer has the catalog open and the file is
        # whole: read it as immutable, which creates no -wal or -shm file. Otherwise read
        # it through the log, as any reader does.
        wal = self._path.with_name(self._path.name + "-wal")
        mode = "ro" if wal.exists() else "ro&immutable=1"
        try:
            uri = f"file:{quote(str(self._path))}?mode={mode}"
            self._conn = sqlite3.connect(uri, uri=True, timeout=5)
        except sqlite3.Error:
            return None
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._conn is not None:
            self._conn.close()

    def version(self, episode_id: str) -> Version | None:
        """The episode's version; None when it is gone (or the catalog cannot be read)."""
        assert self._conn is not None
        try:
            row = self._conn.execute(
                "SELECT content_hash, updated_at FROM episodes WHERE id = ?", (episode_id,)
            ).fetchone()
        except sqlite3.Error:
            return None
        return (str(row[0]), str(row[1])) if row else None
