"""The task queue that carries job ids between processes: huey on a SQLite file in the
state directory by default, on Redis when ``NARRATION_QUEUE_URL`` is set, so workers on
several machines share the work. The catalog's jobs table stays the source of truth (see
:mod:`narration.store.jobs`)."""

from __future__ import annotations

from huey import Huey, RedisHuey, SqliteHuey

from narration.config import Settings
from narration.errors import BadInput, NarrationError


def make_huey(settings: Settings, *, immediate: bool = False) -> Huey:
    """huey on Redis when ``queue_url`` says so, else on SQLite in the state directory.

    ``immediate`` runs every task as it is enqueued, in the caller's thread (tests).
    """
    url = settings.jobs.queue_url
    if url and not immediate:
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise BadInput(f"NARRATION_QUEUE_URL: {url!r} is not a redis:// URL")
        try:
            return RedisHuey(settings.jobs.queue_name, url=url)
        except ImportError as exc:
            raise NarrationError("NARRATION_QUEUE_URL needs the redis package") from exc
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(
        settings.jobs.queue_name,
        filename=str(settings.state_dir / "queue.sqlite"),
        immediate=immediate,
    )
