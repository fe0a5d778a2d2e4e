"""Listening checks in the catalog: the latest check of each episode, as its JSON."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from narration.check.report import Check
from narration.store.database import Database
from narration.store.tables import episode_checks


@dataclass(frozen=True)
class StoredCheck:
    episode_id: str
    content_hash: str
    """The version of the episode that was heard."""
    result: dict[str, Any]
    """:meth:`Check.to_json` with ``language``, ``audio_s`` and ``checked_at`` beside it."""


def record(check: Check, checked_at: dt.datetime) -> dict[str, Any]:
    return {
        **check.to_json(),
        "language": check.language,
        "audio_s": check.audio_s,
        "checked_at": checked_at.isoformat(),
    }


class CheckStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, episode_id: str, content_hash: str, check: Check) -> StoredCheck:
        """Keep ``check`` as the episode's latest, replacing any earlier one."""
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        result = record(check, now)
        values = {
            "episode_id": episode_id,
            "content_hash": content_hash,
            "wer": check.wer,
            "flagged": len(check.flagged),
            "result": result,
            "checked_at": now,
        }
        with self.db.begin() as conn:
            conn.execute(episode_checks.delete().where(episode_checks.c.episode_id == episode_id))
            conn.execute(episode_checks.insert().values(**values))
        return StoredCheck(episode_id, content_hash, result)

    def get(self, episode_id: str, content_hash: str | None = None) -> StoredCheck | None:
        """The episode's latest check; with ``content_hash``, only a check of that version."""
        query = select(episode_checks).where(episode_checks.c.episode_id == episode_id)
        if content_hash is not None:
            query = query.where(episode_checks.c.content_hash == content_hash)
        with self.db.begin() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            return None
        return StoredCheck(row["episode_id"], row["content_hash"], row["result"])

    def remove(self, episode_id: str) -> None:
        with self.db.begin() as conn:
            conn.execute(episode_checks.delete().where(episode_checks.c.episode_id == episode_id))
