"""Submitting an article, and a new version of a narrated one: the use cases behind
``POST /v1/articles`` and ``PUT /v1/episodes/<id>``."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from narration.app.context import Context
from narration.app.episodes import MAX_ID, job_episode, not_found, not_yours, visible_job
from narration.errors import ConflictError, Forbidden, WrongState
from narration.keys import Caller
from narration.publish.shows import show_for
from narration.store.jobs import Job, JobStore, Status, Submission
from narration.store.removals import Removals, file_names


@dataclass(frozen=True)
class Submitted:
    """The job a submission is: new, or the one the same content already had."""

    job_id: str
    status: Status
    new: bool


def may_publish(ctx: Context, caller: Caller, slug: str) -> None:
    """Forbidden unless ``caller`` may publish into show ``slug``: any key when the show
    names no owners, else its owners and the admin keys (``BadInput`` for a show the
    shows file does not hold)."""
    if not caller.may_publish(frozenset(show_for(ctx.settings, slug).owners)):
        raise Forbidden(f"only the owners of the show {slug!r} publish into it")


def submit(ctx: Context, caller: Caller, sub: Submission) -> Submitted:
    """Queue ``sub`` (by ``caller``'s key) for narration. The same content again is the
    job it already has; ``ConflictError`` when another key submitted it."""
    may_publish(ctx, caller, sub.show)
    queue = ctx.jobs
    job_id, new = queue.submit(sub)
    job = queue.store.get(job_id)
    if not new and job is not None and not caller.owns(job.submission.key_id):
        named = f"episode {job.episode_id}" if job.episode_id else f"job {job.id}"
        raise ConflictError(
            f"this article was already submitted with another API key ({named})",
            job.episode_id or job.id,
        )
    return Submitted(job_id, job.status if job is not None else "queued", new)


def replace(
    ctx: Context,
    caller: Caller,
    episode_id: str,
    sub: Submission,
    show: str | None = None,
) -> Submitted:
    """Narrate ``sub`` as the new version of the done episode ``episode_id`` (a job's id
    or a catalog id): the same guid in the feed, new audio. ``show``, when the caller
    names one, must be the episode's."""
    queue = ctx.jobs
    job = own_job(queue.store, episode_id, caller)
    ep = job_episode(queue.catalog, job)
    if ep is None:
        raise WrongState(
            f"episode {episode_id} is {job.status}: only a narrated one gets a new version"
        )
    if show is not None and show != job.show:
        raise WrongState(f"episode {episode_id} belongs to the show {job.show!r}")
    may_publish(ctx, caller, job.show)
    sub = dataclasses.replace(sub, show=job.show, article_key=ep.article_key)
    # Retired before queueing: the new version may be narrated at once. A file that an
    # episode still names (the new version failed, or has the same audio) is kept.
    Removals(queue.db, ctx.settings).retire(file_names(ep))
    new_id, new = queue.submit(sub)
    new_job = queue.store.get(new_id)
    return Submitted(new_id, new_job.status if new_job is not None else "queued", new)


def own_job(jobs: JobStore, episode_id: str, caller: Caller) -> Job:
    """The job ``episode_id`` names, or the newest that published the episode of that
    catalog id; NotFound when there is none, Forbidden when it is another key's."""
    job = visible_job(jobs, episode_id, caller)
    if job is None and len(episode_id) <= MAX_ID:
        job = jobs.latest_for_episode(episode_id)
    if job is None:
        raise not_found(episode_id)
    if not caller.owns(job.submission.key_id):
        raise not_yours(episode_id)
    return job
