"""Listening checks in the catalog: the latest check of each episode, kept as its JSON
(see narration.check.result)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from narration.check.report import Check
from narration.check.result import CheckResult, read_result, result_json
from narration.store.database import Database
from narration.store.tables import episode_checks


@dataclass(frozen=True)
class StoredCheck:
    episode_id: str
    content_hash: str
    """The version of the episode that was heard."""
    result: CheckResult


class CheckStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, episode_id: str, content_hash: str, check: Check) -> StoredCheck:
        """Keep ``check`` as the episode's latest, replacing any earlier one."""
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        result = CheckResult.of(check, now)
        values = {
            "episode_id": episode_id,
            "content_hash": content_hash,
            "wer": check.wer,
            "flagged": len(check.flagged),
            "result": result_json(result),
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
        return StoredCheck(row["episode_id"], row["content_hash"], read_result(row["result"]))

    def remove(self, episode_id: str) -> None:
        with self.db.begin() as conn:
            conn.execute(episode_checks.delete().where(episode_checks.c.episode_id == episode_id))
