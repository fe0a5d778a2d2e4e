"""The episode an API path names, by the id of the job that made it or by its catalog id,
as the caller may see it; 404 for one it may not."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException

from narration.keys import Caller
from narration.model import Episode
from narration.service.checking import current_check
from narration.store.catalog import Catalog
from narration.store.jobs import Job, JobStore


def visible_job(jobs: JobStore, episode_id: str, caller: Caller) -> Job | None:
    """The job ``episode_id`` names, when the caller may see it: its own key's, any for
    an admin key, and a narrated one for anyone."""
    job = jobs.get(episode_id) if len(episode_id) <= 64 else None
    if job is None or job.status == "done" or caller.owns(job.submission.key_id):
        return job
    raise HTTPException(status_code=404, detail=f"no episode {episode_id[:64]}")


def catalog_episode(catalog: Catalog, episode_id: str) -> Episode:
    """The episode of catalog id ``episode_id``; 404 when there is none."""
    ep = catalog.get(episode_id) if len(episode_id) <= 64 else None
    if ep is None:
        raise HTTPException(status_code=404, detail=f"no episode {episode_id[:64]}")
    return ep


def job_episode(catalog: Catalog, job: Job) -> Episode | None:
    """The episode ``job`` published, if it did."""
    return catalog.get(job.episode_id) if job.episode_id else None


def checked(catalog: Catalog, ep: Episode | None) -> dict[str, Any] | None:
    """The listening check of the episode's current version, if it was heard."""
    stored = current_check(catalog.db, ep) if ep is not None else None
    return stored.result if stored is not None else None
