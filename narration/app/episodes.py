"""An episode as a caller names it (by the id of the job that made it, or by its catalog
id) and what the caller may do to it: read its listening check, hear it back, withdraw it."""

from __future__ import annotations

from narration.app.context import Context
from narration.check.result import CheckResult
from narration.errors import Forbidden, NotFound, WrongState
from narration.keys import Caller
from narration.model import Episode
from narration.publish.feed import publish_feed
from narration.publish.shows import published_settings
from narration.service.checking import check_and_keep, current_check
from narration.store.catalog import Catalog
from narration.store.checks import StoredCheck
from narration.store.jobs import Job, JobStore
from narration.store.removals import Removals

MAX_ID = 64
"""Longer ids name nothing (and are cut to this in messages)."""


def not_found(episode_id: str) -> NotFound:
    return NotFound(f"no episode {episode_id[:MAX_ID]}")


def not_yours(episode_id: str) -> Forbidden:
    return Forbidden(f"episode {episode_id} was submitted with another API key")


def visible_job(jobs: JobStore, episode_id: str, caller: Caller) -> Job | None:
    """The job ``episode_id`` names, when the caller may see it: its own key's, any for
    an admin key, and a narrated one for anyone. None when it names no job; NotFound
    when it names one the caller may not see."""
    job = jobs.get(episode_id) if len(episode_id) <= MAX_ID else None
    if job is None or job.status == "done" or caller.owns(job.submission.key_id):
        return job
    raise not_found(episode_id)


def catalog_episode(catalog: Catalog, episode_id: str) -> Episode:
    """The episode of catalog id ``episode_id``; NotFound when there is none."""
    ep = catalog.get(episode_id) if len(episode_id) <= MAX_ID else None
    if ep is None:
        raise not_found(episode_id)
    return ep


def job_episode(catalog: Catalog, job: Job) -> Episode | None:
    """The episode ``job`` published, if it did."""
    return catalog.get(job.episode_id) if job.episode_id else None


def stored_check(catalog: Catalog, ep: Episode | None) -> StoredCheck | None:
    """The listening check of the episode's current version, if it was heard."""
    return current_check(catalog.db, ep) if ep is not None else None


def episode_check(ctx: Context, caller: Caller, episode_id: str) -> tuple[Episode, StoredCheck]:
    """The episode ``episode_id`` names and the listening check of its current version,
    for the key that submitted it (or an admin key). NotFound until it is narrated and
    until it was heard; Forbidden for another key."""
    catalog = Catalog(ctx.db)
    job = visible_job(JobStore(ctx.db), episode_id, caller)
    ep = job_episode(catalog, job) if job is not None else catalog_episode(catalog, episode_id)
    owner = job.submission.key_id if job is not None else (ep.owner if ep else None)
    if ep is None:
        raise NotFound(f"episode {episode_id[:MAX_ID]} is not narrated yet")
    if not caller.owns(owner):
        raise not_yours(episode_id[:MAX_ID])
    found = stored_check(catalog, ep)
    if found is None:
        raise NotFound(f"episode {episode_id[:MAX_ID]} has not been checked yet (narration check)")
    return ep, found


def hear_back(ctx: Context, ep: Episode, *, again: bool = False) -> CheckResult:
    """The listening check of the episode's current version: the one kept (made before it
    was published, or after), else, or ``again``, one made now and kept. The context's
    settings are its show's."""
    stored = None if again else current_check(ctx.db, ep)
    if stored is None:
        check_and_keep(ep, ctx.settings, ctx.db)
        stored = current_check(ctx.db, ep)
    assert stored is not None
    return stored.result


def withdraw(ctx: Context, caller: Caller, episode_id: str) -> None:
    """Take the episode ``episode_id`` names (a job's id or a catalog id) out of its
    show's feed now, and forget a job that published nothing; files go after
    ``settings.jobs.delete_grace_s`` (a sweep removes those whose time has come).

    NotFound when it names nothing the caller may see; Forbidden when it is another
    key's; WrongState while its job is queued or running."""
    db, settings = ctx.db, ctx.settings
    catalog = Catalog(db)
    job = visible_job(JobStore(db), episode_id, caller)
    if job is not None:
        if not caller.owns(job.submission.key_id):
            raise not_yours(episode_id)
        if job.status in ("queued", "running"):
            raise WrongState(f"episode {episode_id} is {job.status}: delete it once it ends")
        ep = job_episode(catalog, job)
        job_id = job.id
    else:
        ep = catalog_episode(catalog, episode_id)
        job_id = ""
    if ep is not None and not caller.owns(ep.owner):
        raise not_yours(episode_id)
    removals = Removals(db, settings)
    if ep is None:
        removals.delete_job(job_id)
    else:
        removals.delete_episode(ep, job_id)
        publish_feed(catalog, published_settings(settings, ep.show))
    removals.sweep()
