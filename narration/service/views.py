"""An episode as the outside world sees it: one typed model, the JSON of
``GET /v1/episodes/{id}``, the body of callbacks, and what the player reads. Public data
only (an error is for its submitter: the API blanks it for anyone else).

An episode is reached by the id of the job that made it or, for episodes narrated from
the command line (no job), by its own catalog id; its pages (``/episodes/<id>``) use the
catalog id, which stays the same across new versions of the article. Every link is an
absolute URL under the configured base URL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import BaseModel, PlainSerializer, PlainValidator, WithJsonSchema

from narration.check.result import CheckResult, read_result, result_json
from narration.config import Settings
from narration.episode.cover import cover_name
from narration.model import Episode
from narration.publish.shows import published_settings
from narration.store.catalog import Catalog
from narration.store.jobs import Job, JobStore

JobStatus = Literal["queued", "running", "done", "failed"]


class Links(BaseModel):
    self: str
    """This job's (or episode's) JSON."""
    audio: str | None = None
    feed: str | None = None


class ChapterView(BaseModel):
    title: str
    start_s: float


def _check_of(value: object) -> CheckResult:
    """A check as a view takes it: typed, or its JSON (a view read back from JSON)."""
    if isinstance(value, CheckResult):
        return value
    if isinstance(value, Mapping):
        return read_result(value)
    raise ValueError("a check is an object")


CheckField = Annotated[
    CheckResult,
    PlainValidator(_check_of),
    PlainSerializer(result_json, return_type=dict[str, object]),
    WithJsonSchema({"type": "object", "additionalProperties": True}),
]
"""A check in a view: shown as the catalog keeps its JSON (see narration.check.result)."""


class EpisodeView(BaseModel):
    """A submitted article and, once narrated, its episode. Episodes made from the command
    line (no job) are reached by their catalog id and are always ``done``."""

    id: str
    """The job's id (or, for an episode made from the command line, the catalog id)."""
    episode_id: str | None = None
    """The episode's catalog id once narrated (its page, the player's events). Every
    endpoint that takes an episode takes either id."""
    job_id: str | None = None
    """The id of the job that made this version; None for the command line's episodes."""
    status: JobStatus
    error: str | None = None
    title: str | None = None
    author: str | None = None
    published: dt.datetime | None = None
    show: str
    show_title: str
    guid: str | None = None
    audio_url: str | None = None
    duration_s: float | None = None
    bytes: int | None = None
    transcript_url: str | None = None
    """WebVTT, one cue per sentence."""
    chapters_url: str | None = None
    """Podcasting 2.0 chapters JSON."""
    peaks_url: str | None = None
    """Waveform peaks (BBC audiowaveform JSON, version 2); None for older episodes."""
    image_url: str | None = None
    page_url: str | None = None
    """The episode's page, ``/episodes/<catalog id>``."""
    embed_url: str | None = None
    """The player page for an ``<iframe>``."""
    feed_url: str
    chapters: list[ChapterView] = []
    check: CheckField | None = None
    """The listening check of this version, once heard, shown as the catalog keeps it:
    ``wer``, ``sentences``, ``flagged`` (``text``, ``heard``, ``start_s``, ``end_s``,
    ``score``), ``lexicon_suggestions``, ``naturalness``, ``language``, ``audio_s`` and
    ``checked_at`` (older checks lack ``end_s`` and ``naturalness``). Only for the key
    that submitted the article (and admin keys); null for anyone else."""
    created_at: dt.datetime
    updated_at: dt.datetime
    links: Links


def episode_id_of(catalog: Catalog, jobs: JobStore, ident: str) -> str | None:
    """The catalog id of the episode ``ident`` names, a catalog id or the id of a job
    that published it; None when it names no episode."""
    if len(ident) > 64:
        return None
    if catalog.get(ident) is not None:
        return ident
    job = jobs.get(ident)
    return job.episode_id if job is not None else None


def page_url(settings: Settings, ep: Episode) -> str:
    return settings.url_for(f"episodes/{ep.id}")


def api_url(settings: Settings, ident: str) -> str:
    """The absolute URL of a job's (or episode's) JSON."""
    return settings.url_for(f"v1/episodes/{ident}")


def episode_view(
    job: Job | None,
    ep: Episode | None,
    settings: Settings,
    check: CheckResult | None = None,
) -> EpisodeView:
    """A job and its episode (either may be missing, not both) as the API shows them,
    with the episode's listening check when there is one."""
    stamped: Job | Episode
    if job is not None:
        stamped = job
    elif ep is not None:
        stamped = ep
    else:
        raise ValueError("an episode view needs a job or an episode")
    show = published_settings(settings, ep.show if ep is not None else stamped.show)
    links = Links(self=api_url(settings, stamped.id), feed=show.feed_url)
    view = EpisodeView(
        id=stamped.id,
        job_id=job.id if job is not None else None,
        status=job.status if job is not None else "done",
        error=job.error if job is not None else None,
        title=job.submission.title if job is not None else None,
        show=show.show.slug,
        show_title=show.show.title,
        feed_url=show.feed_url,
        created_at=stamped.created_at,
        updated_at=stamped.updated_at,
        links=links,
    )
    if ep is None:
        return view
    audio = settings.url_for(ep.audio_name)
    page = page_url(settings, ep)
    return view.model_copy(
        update={
            "episode_id": ep.id,
            "title": ep.title,
            "author": ep.author,
            "published": ep.published,
            "guid": ep.guid,
            "audio_url": audio,
            "duration_s": ep.duration_s,
            "bytes": ep.bytes,
            "transcript_url": settings.url_for(ep.transcript_name),
            "chapters_url": settings.url_for(ep.chapters_name),
            "peaks_url": settings.url_for(ep.peaks_name) if ep.peaks_name else None,
            "image_url": settings.url_for(ep.image_name or cover_name(show)),
            "page_url": page,
            "embed_url": page + "/embed",
            "chapters": [ChapterView(title=c.title, start_s=c.start_s) for c in ep.chapters],
            "links": links.model_copy(update={"audio": audio}),
            "check": check,
        }
    )
