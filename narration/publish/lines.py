"""What ``narration narrate`` (and ``follow``) print of a narrated episode, one JSON object
each, and what an unchanged note keeps of it (:mod:`narration.publish.unchanged`). Light
on purpose: a re-run answered by its notes prints these without loading the pipeline."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from narration.config import Settings

if TYPE_CHECKING:
    # For the annotation only: the narrator loads the pipeline.
    from narration.publish.narrator import Result


class ChapterLine(TypedDict):
    title: str
    start_s: float


class ResultLine(TypedDict):
    """A narrated episode as the command prints it."""

    id: str
    guid: str
    status: str
    """``created``, ``updated`` or ``unchanged``."""
    title: str
    author: str | None
    published: str
    audio_path: str
    audio_url: str
    bytes: int
    duration_s: float
    chapters: list[ChapterLine]
    transcript_path: str
    chapters_path: str
    peaks_path: str | None
    feed_path: str
    synthesised_clips: int
    voice: str


def result_line(result: Result, settings: Settings) -> ResultLine:
    ep = result.episode
    out = settings.out_dir
    return {
        "id": ep.id,
        "guid": ep.guid,
        "status": result.status,
        "title": ep.title,
        "author": ep.author,
        "published": ep.published.isoformat(),
        "audio_path": str(out / ep.audio_name),
        "audio_url": settings.url_for(ep.audio_name),
        "bytes": ep.bytes,
        "duration_s": ep.duration_s,
        "chapters": [{"title": c.title, "start_s": c.start_s} for c in ep.chapters],
        "transcript_path": str(out / ep.transcript_name),
        "chapters_path": str(out / ep.chapters_name),
        "peaks_path": str(out / ep.peaks_name) if ep.peaks_name else None,
        "feed_path": str(out / settings.show_prefix / "feed.xml"),
        "synthesised_clips": result.synthesised,
        "voice": result.voice,
    }
