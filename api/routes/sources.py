"""The sources a show follows: add one, list them with their state, stop following one.

A show's sources are managed by its owners and the admin keys (``show_owners``): they
see every source of the show, those of the shows file included (which are changed in
that file, not here); any other key gets 403.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from api.deps import DatabaseDep, KeyCallerDep, SettingsDep
from narration.app.context import Context
from narration.app.shows import follow_source, followed_sources, unfollow
from narration.ingest.follow_rules import MAX_PATTERN_CHARS, Rules

router = APIRouter(prefix="/v1/shows/{slug}/sources", tags=["sources"])


class SourceIn(BaseModel):
    url: str = Field(min_length=8, max_length=2000, pattern=r"^https?://")
    """An RSS, Atom or JSON feed, or a sitemap (news sitemaps and indexes too)."""
    categories: list[str] = Field(default_factory=list, max_length=100)
    authors: list[str] = Field(default_factory=list, max_length=100)
    url_pattern: str | None = Field(default=None, max_length=MAX_PATTERN_CHARS)
    not_before: dt.datetime | None = None
    max_new_per_poll: int | None = Field(default=None, ge=1, le=10_000)
    interval_s: float | None = Field(default=None, gt=0, le=7 * 86400)
    remove_missing: bool = False


class SourceOut(BaseModel):
    id: str
    show: str
    url: str
    origin: str
    kind: str | None
    last_poll: str | None
    last_result: str | None
    next_poll: str
    entries_seen: int
    queued: int
    failed: int
    skipped: int = 0
    """Entries the last poll could not use."""
    skipped_reasons: dict[str, int] = {}
    """Why, with how many for each reason."""
    last_error: str | None
    rules: dict[str, object]


@router.post("", status_code=201, response_model=SourceOut)
def add_source(
    slug: str, body: SourceIn, settings: SettingsDep, db: DatabaseDep, caller: KeyCallerDep
) -> SourceOut:
    """Follow a feed or sitemap: what it publishes from now on is narrated into the show
    (within the limits given)."""

    def rules() -> Rules:
        return Rules(
            categories=tuple(body.categories),
            authors=tuple(body.authors),
            url_pattern=body.url_pattern,
            not_before=body.not_before,
            max_new_per_poll=body.max_new_per_poll,
            interval_s=body.interval_s,
            remove_missing=body.remove_missing,
        )

    return SourceOut.model_validate(
        follow_source(Context(settings, db), caller, slug, body.url, rules)
    )


@router.get("", response_model=list[SourceOut])
def list_sources(
    slug: str, settings: SettingsDep, db: DatabaseDep, caller: KeyCallerDep
) -> list[SourceOut]:
    """The show's sources, each with its last poll and its result, its
    next poll, the entries seen, queued and failed, and its last error."""
    return [
        SourceOut.model_validate(s) for s in followed_sources(Context(settings, db), caller, slug)
    ]


@router.delete("/{source_id}", status_code=204)
def delete_source(
    slug: str, source_id: str, settings: SettingsDep, db: DatabaseDep, caller: KeyCallerDep
) -> Response:
    """Stop following the source; the episodes made from it stay."""
    unfollow(Context(settings, db), caller, slug, source_id)
    return Response(status_code=204)
