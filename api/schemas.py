"""Request and response models of the JSON routes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from narration.dates import date_problem
from narration.service.stats.figures import Figures
from narration.service.views import EpisodeView as EpisodeOut
from narration.service.views import JobStatus, Links
from narration.store.jobs import SOURCE_FIELDS, Submission

__all__ = ["Accepted", "ArticleIn", "EpisodeOut", "EpisodePage", "ErrorBody", "Links"]


class ErrorDetail(BaseModel):
    code: str
    """A stable, machine-readable name: ``bad_input``, ``unauthorized``, ``too_large``..."""
    message: str
    """What went wrong, for a person."""


class ErrorBody(BaseModel):
    """The body of every error answer."""

    error: ErrorDetail


class ArticleIn(BaseModel):
    """An article to narrate: exactly one of ``url``, ``html``, ``text`` or ``markdown``."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, max_length=8192)
    html: str | None = None
    text: str | None = None
    markdown: str | None = None
    title: str | None = Field(default=None, max_length=1000)
    author: str | None = Field(default=None, max_length=1000)
    published: dt.datetime | dt.date | None = None
    show: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    callback_url: str | None = Field(default=None, max_length=8192)
    voice: str | None = Field(default=None, max_length=300, pattern=r"^[A-Za-z0-9_]+:.+$")
    """``backend:voice``, e.g. ``piper:en_US-joe-medium``; the show's voice when absent."""

    def submission(self, show: str, key_id: str, article_key: str | None = None) -> Submission:
        """The article as a job's submission to ``show``, by the key ``key_id``; with
        ``article_key``, a new version of that article."""
        kind = next(name for name in SOURCE_FIELDS if getattr(self, name) is not None)
        return Submission(
            kind=kind,
            value=getattr(self, kind),
            show=show,
            title=self.title,
            author=self.author,
            published=self.published.isoformat() if self.published is not None else None,
            language=self.language,
            callback_url=self.callback_url,
            voice=self.voice,
            article_key=article_key,
            key_id=key_id,
        )

    @field_validator("published")
    @classmethod
    def _date_taken(cls, value: dt.datetime | dt.date | None) -> dt.datetime | dt.date | None:
        problem = date_problem(value) if value is not None else None
        if problem is not None:
            raise PydanticCustomError("date_not_taken", problem)
        return value

    @model_validator(mode="after")
    def _one_source(self) -> ArticleIn:
        given = [name for name in SOURCE_FIELDS if getattr(self, name) is not None]
        if len(given) != 1:
            named = ", ".join(given) if given else "none"
            raise ValueError(f"give exactly one of url, html, text or markdown (given: {named})")
        return self


class Accepted(BaseModel):
    id: str
    status: JobStatus
    links: Links


class EpisodePage(BaseModel):
    items: list[EpisodeOut]
    total: int
    limit: int
    offset: int
    next: str | None = None


class EventIn(BaseModel):
    """One event of the web player."""

    model_config = ConfigDict(extra="forbid")

    episode: str = Field(pattern=r"^[0-9a-f]{32}$")
    event: Literal["play", "25", "50", "75", "95"]
    """``play``, or the share of the episode reached, in per cent."""
    rate: float = Field(default=1.0, ge=0.25, le=4.0)
    """The playback speed."""
    context: Literal["embed", "page"]
    """``embed``: on another site (our iframe or the web component); ``page``: our page."""
    origin: str = Field(default="", max_length=200)
    """The host page's origin."""


class StatsRow(BaseModel):
    key: str
    """The day (YYYY-MM-DD), app, country (ISO code or "unknown") or episode id."""
    downloads: int
    flagged: int
    """Of the downloads, those from a listener hash flagged for too many requests."""
    title: str | None = None


class PlayerFigures(BaseModel):
    plays: int
    """Listeners (one a day per episode) who pressed play in the web player."""
    reached: dict[str, int]
    """Of them, how many reached 25, 50, 75 and 95 % of the episode."""
    embed: int
    page: int
    average_rate: float | None
    flagged: int
    """Listeners whose flood of events was refused and is not counted."""


class StatsOut(BaseModel):
    downloads: int
    """Downloads counted by the IAB Podcast Measurement Technical Guidelines 2.2."""
    by: str
    rows: list[StatsRow]
    player: PlayerFigures

    @classmethod
    def of(cls, figures: Figures, by: str) -> StatsOut:
        player = figures.player
        return cls(
            downloads=figures.downloads,
            by=by,
            rows=[StatsRow(**dataclasses.asdict(row)) for row in figures.rows],
            player=PlayerFigures(
                plays=player.plays,
                reached={str(k): v for k, v in player.reached.items()},
                embed=player.embed,
                page=player.page,
                average_rate=player.average_rate,
                flagged=player.flagged,
            ),
        )
