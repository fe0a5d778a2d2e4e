"""The listening check in the service and the command line: which episode, when it runs,
where its result is kept, and the gate that keeps an episode that was heard wrong from
being published (``check_max_wer``)."""

from __future__ import annotations

import functools
import importlib.util
import logging
from collections.abc import Callable
from pathlib import Path

from narration.check.model import PACKAGES
from narration.check.report import Check
from narration.check.run import check_episode
from narration.config import Settings
from narration.errors import BadInput, CheckFailed, NarrationError
from narration.model import Article, Episode
from narration.publish.shows import published_settings
from narration.store.catalog import Catalog
from narration.store.checks import CheckStore, StoredCheck
from narration.store.database import Database
from narration.store.jobs import JobStore

log = logging.getLogger(__name__)

QUOTED = 3
"""Flagged sentences a failed gate's message quotes."""
CHECK_PRIORITY = -10
"""huey priority of a check after publishing: below every narration (priority 0)."""
CHECK_DEFER_S = 5.0
"""How long a check after publishing waits when a narration is waiting for a worker."""

Hear = Callable[[Episode, Settings, "str | None"], Check]
"""Hears an episode back: :func:`check_episode` itself, or the service's call of it in a
process of its own (see ``JobRunner.hear``)."""


def after_publishing_on(settings: Settings) -> bool:
    """Whether the service checks each episode after publishing it: ``check``, or where
    it is unset, whether the ``check`` extra is installed; never with ``check_max_wer``
    (the episode was checked before it was published)."""
    if settings.check.max_wer is not None:
        return False
    return settings.check.enabled if settings.check.enabled is not None else installed()


@functools.cache
def installed() -> bool:
    """Whether the recogniser and its model are installed (the ``check`` extra)."""
    return all(importlib.util.find_spec(name) is not None for name in PACKAGES)


def find_episode(catalog: Catalog, settings: Settings, ident: str) -> Episode:
    """The episode ``ident`` names: a catalog id, or its audio file in the output
    directory (as a path, or relative to the output directory)."""
    found = catalog.get(ident) if len(ident) <= 64 else None
    if found is not None:
        return found
    out = settings.out_dir.resolve()
    path = Path(ident)
    candidates = [path.resolve(), (out / path).resolve()]
    for candidate in candidates:
        if candidate.is_relative_to(out):
            episode = catalog.find_audio(candidate.relative_to(out).as_posix())
            if episode is not None:
                return episode
    raise BadInput(f"{ident}: no episode with that id or audio file in {settings.out_dir}")


def check_and_keep(
    episode: Episode,
    settings: Settings,
    db: Database,
    language: str | None = None,
    hear: Hear = check_episode,
) -> Check:
    """Hear ``episode`` back (with ``hear``) and keep the result as its latest check."""
    check = hear(episode, settings, language)
    CheckStore(db).save(episode.id, episode.content_hash, check)
    log.info(
        "checked episode %s: word error rate %.3f, %d of %d sentences flagged",
        episode.id,
        check.wer,
        len(check.flagged),
        len(check.sentences),
    )
    return check


def current_check(db: Database, episode: Episode) -> StoredCheck | None:
    """The check of the episode's current version, if it was checked."""
    return CheckStore(db).get(episode.id, episode.content_hash)


def after_publishing(
    store: JobStore, catalog: Catalog, settings: Settings, job_id: str, hear: Hear = check_episode
) -> bool:
    """Check the episode a done job published, unless its version was checked already;
    whether the job has a callback to send again. Never changes a published file: the
    check reads the audio and transcript and writes only its row."""
    try:
        job = store.get(job_id)
        episode = catalog.get(job.episode_id) if job and job.episode_id else None
        if job is None or episode is None or current_check(catalog.db, episode) is not None:
            return False
        check_and_keep(episode, published_settings(settings, episode.show), catalog.db, hear=hear)
    except NarrationError as exc:
        log.warning("listening check of job %s: %s", job_id, exc)
        return False
    return bool(job.submission.callback_url)


class Gate:
    """Checks an episode before it is published (``check_max_wer``): an episode heard
    with a word error rate above the limit raises :class:`CheckFailed`."""

    def __init__(self, settings: Settings, db: Database, hear: Hear = check_episode) -> None:
        self.settings = settings
        self.db = db
        self.hear = hear

    def __call__(self, article: Article, episode: Episode) -> None:
        limit = self.settings.check.max_wer
        check = check_and_keep(episode, self.settings, self.db, article.language, self.hear)
        if limit is not None and check.wer > limit:
            raise CheckFailed(refusal(check, limit))


def refusal(check: Check, limit: float) -> str:
    """What a job that failed the gate says: the error rate and the flagged sentences."""
    flagged = check.flagged
    quoted = "; ".join(
        f'"{s.text}" at {s.start_s:.1f} s, heard "{s.heard}"' for s in flagged[:QUOTED]
    )
    more = f" and {len(flagged) - QUOTED} more" if len(flagged) > QUOTED else ""
    listed = f"; flagged: {quoted}{more}" if flagged else ""
    return (
        f"failed the listening check: word error rate {check.wer:.2f} is above "
        f"{limit:.2f} (NARRATION_CHECK_MAX_WER){listed}"
    )
