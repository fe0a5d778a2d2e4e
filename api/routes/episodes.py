"""Episodes as the API shows them: the state of each submitted article and its files."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from api.deps import QueueDep, SettingsDep
from api.schemas import EpisodeOut, EpisodePage, ErrorBody, Links
from narration.config import Settings
from narration.jobs import Job
from narration.model import Episode

router = APIRouter(prefix="/v1/episodes", tags=["episodes"])


@router.get("")
def list_episodes(
    queue: QueueDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> EpisodePage:
    """Submitted articles and their episodes, newest first."""
    total = queue.store.count()
    jobs = queue.store.page(limit, offset)
    items = [_out(job, _episode(queue, job), settings) for job in jobs]
    following = offset + limit
    return EpisodePage(
        items=items,
        total=total,
        limit=limit,
        offset=offset,
        next=f"/v1/episodes?limit={limit}&offset={following}" if following < total else None,
    )


@router.get("/{episode_id}", responses={404: {"model": ErrorBody}})
def get_episode(episode_id: str, queue: QueueDep, settings: SettingsDep) -> EpisodeOut:
    """One submitted article: its status, its error if it failed, and its files once done."""
    job = queue.store.get(episode_id)
    if job is None:
        raise HTTPException(status_code=404, detail=f"no episode {episode_id}")
    return _out(job, _episode(queue, job), settings)


# HEAD answers like GET without the body; the spec lists GET alone.
router.add_api_route("", list_episodes, methods=["HEAD"], include_in_schema=False)
router.add_api_route("/{episode_id}", get_episode, methods=["HEAD"], include_in_schema=False)


def _episode(queue: QueueDep, job: Job) -> Episode | None:
    return queue.catalog.get(job.episode_id) if job.episode_id else None


def _out(job: Job, ep: Episode | None, settings: Settings) -> EpisodeOut:
    links = Links(self=f"/v1/episodes/{job.id}", feed=settings.feed_url)
    if ep is None:
        return EpisodeOut(
            id=job.id,
            status=job.status,
            error=job.error,
            title=job.submission.title,
            created_at=job.created_at,
            updated_at=job.updated_at,
            links=links,
        )
    audio = settings.url_for(ep.audio_name)
    links.audio = audio
    return EpisodeOut(
        id=job.id,
        status=job.status,
        error=job.error,
        title=ep.title,
        guid=ep.guid,
        audio_url=audio,
        duration_s=ep.duration_s,
        bytes=ep.bytes,
        transcript_url=settings.url_for(ep.transcript_name),
        chapters_url=settings.url_for(ep.chapters_name),
        created_at=job.created_at,
        updated_at=job.updated_at,
        links=links,
    )
