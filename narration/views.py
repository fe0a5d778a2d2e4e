"""An episode as the outside world sees it: the JSON of ``GET /v1/episodes/{id}``, the
body of callbacks, and what the player reads. Public data only.

An episode is reached by the id of the job that made it or, for episodes narrated from
the command line (no job), by its own catalog id; its pages (``/episodes/<id>``) use the
catalog id, which stays the same across new versions of the article.
"""

from __future__ import annotations

from typing import Any

from narration.config import Settings
from narration.errors import BadInput
from narration.jobs import Job
from narration.model import Episode
from narration.publish import cover_name
from narration.shows import settings_for


def show_settings(settings: Settings, slug: str) -> Settings:
    """The settings of show ``slug``; the base settings for a show no longer configured."""
    try:
        return settings_for(settings, slug)
    except BadInput:
        return settings


def page_url(settings: Settings, ep: Episode) -> str:
    return settings.url_for(f"episodes/{ep.id}")


def episode_view(job: Job | None, ep: Episode | None, settings: Settings) -> dict[str, Any]:
    """A job and its episode (either may be missing, not both) as the API shows them."""
    stamped: Job | Episode
    if job is not None:
        stamped = job
    elif ep is not None:
        stamped = ep
    else:
        raise ValueError("an episode view needs a job or an episode")
    show = show_settings(settings, ep.show if ep is not None else stamped.show)
    ident = stamped.id
    view: dict[str, Any] = {
        "id": ident,
        "status": job.status if job is not None else "done",
        "error": job.error if job is not None else None,
        "title": job.submission.title if job is not None else None,
        "author": None,
        "published": None,
        "show": show.show_slug,
        "show_title": show.show_title,
        "guid": None,
        "audio_url": None,
        "duration_s": None,
        "bytes": None,
        "transcript_url": None,
        "chapters_url": None,
        "peaks_url": None,
        "image_url": None,
        "page_url": None,
        "embed_url": None,
        "feed_url": show.feed_url,
        "chapters": [],
        "created_at": stamped.created_at,
        "updated_at": stamped.updated_at,
        "links": {"self": f"/v1/episodes/{ident}", "audio": None, "feed": show.feed_url},
    }
    if ep is not None:
        audio = settings.url_for(ep.audio_name)
        page = page_url(settings, ep)
        image = ep.image_name or cover_name(show)
        view.update(
            title=ep.title,
            author=ep.author,
            published=ep.published,
            guid=ep.guid,
            audio_url=audio,
            duration_s=ep.duration_s,
            bytes=ep.bytes,
            transcript_url=settings.url_for(ep.transcript_name),
            chapters_url=settings.url_for(ep.chapters_name),
            peaks_url=settings.url_for(ep.peaks_name) if ep.peaks_name else None,
            image_url=settings.url_for(image),
            page_url=page,
            embed_url=page + "/embed",
            chapters=[{"title": c.title, "start_s": c.start_s} for c in ep.chapters],
        )
        view["links"]["audio"] = audio
    return view
