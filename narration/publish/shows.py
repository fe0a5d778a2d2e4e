"""Shows: each with its own title, cover, language, author, category, voice and lexicon,
and its own feed. The default show comes from the ``NARRATION_SHOW_*`` settings; others
from a TOML file (``NARRATION_SHOWS_PATH``)::

    [shows.business]
    title = "London Daily: Business"
    description = "Business news, read aloud."
    author = "London Daily"
    language = "en"
    category = "Business"
    voice = "piper:en_US-joe-medium"
    lexicon = "lexicons/business.toml"    # relative to the shows file
    cover = "covers/business.png"
    medium = "newsletter"                 # podcast:medium; "podcast" when unset
    owners = ["3f2a..."]                  # ids of the API keys that own it (narration key-id)

    [[shows.business.follow]]             # narrate what a site publishes
    url = "https://news.example/business/feed.xml"   # RSS, Atom, JSON Feed or sitemap
    categories = ["Markets"]              # only entries with one of these (or tags)
    authors = []                          # only entries by one of these
    url_pattern = "/business/"            # only links this regular expression finds
    not_before = 2026-01-01               # nothing published before
    max_new_per_poll = 5                  # at most 5 new articles per poll
    interval_s = 900                      # poll every 15 minutes (NARRATION_FOLLOW_*)
    remove_missing = false                # sitemaps: withdraw entries gone from it

A show is a :class:`narration.config.Show`: the default show's values (the settings) with
the table's own laid over them, made in one place, :func:`show_for`. A key of the table
is the field of ``Show`` of the same name (``lexicon`` is ``lexicon_path``).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from narration.config import KEY_ID_PATTERN, Settings, Show
from narration.errors import BadInput
from narration.ingest.follow_rules import Rules, as_aware

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")

# Show file keys named otherwise in :class:`Show`.
_RENAMED = {"lexicon": "lexicon_path"}


class FollowFile(BaseModel):
    """One ``[[shows.<slug>.follow]]`` table: a feed or sitemap the show narrates."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(pattern=r"^https?://", max_length=2000)
    categories: list[str] = Field(default_factory=list)
    authors: list[str] = Field(default_factory=list)
    url_pattern: str | None = None
    not_before: dt.datetime | dt.date | None = None
    max_new_per_poll: int | None = Field(default=None, ge=1)
    interval_s: float | None = Field(default=None, gt=0)
    remove_missing: bool = False

    def rules(self) -> Rules:
        """The source's rules; :class:`BadInput` for a pattern that is not one."""
        when = self.not_before
        if isinstance(when, dt.date) and not isinstance(when, dt.datetime):
            when = dt.datetime(when.year, when.month, when.day, tzinfo=dt.UTC)
        return Rules(
            categories=tuple(self.categories),
            authors=tuple(self.authors),
            url_pattern=self.url_pattern,
            not_before=as_aware(when) if when is not None else None,
            max_new_per_poll=self.max_new_per_poll,
            interval_s=self.interval_s,
            remove_missing=self.remove_missing,
        )


class ShowFile(BaseModel):
    """One ``[shows.<slug>]`` table; unknown keys are refused, so typos are caught."""

    model_config = ConfigDict(extra="forbid")

    title: str
    description: str | None = None
    author: str | None = None
    owner_name: str | None = None
    owner_email: str | None = None
    language: str | None = None
    category: str | None = None
    subcategory: str | None = None
    link: str | None = None
    cover: Path | None = None
    explicit: bool | None = None
    locked: bool | None = None
    voice: str | None = None
    quote_voice: str | None = None
    """A second voice for sentences all inside quotation marks."""
    rate_wpm: int | None = Field(default=None, ge=80, le=400)
    house_style: Literal["uk", "us"] | None = None
    lexicon: Path | None = None
    apple_podcasts_url: str | None = None
    feed_page_size: int | None = Field(default=None, ge=1)
    medium: Literal["podcast", "newsletter"] | None = None
    """``podcast:medium`` of the show's feed (``podcast`` when unset)."""
    follow: list[FollowFile] = Field(default_factory=list)
    """Feeds and sitemaps whose articles the show narrates."""
    owners: list[Annotated[str, Field(pattern=KEY_ID_PATTERN)]] | None = None
    """Ids of the API keys that own the show (``narration key-id`` prints a key's id)."""


def load_shows(settings: Settings) -> Mapping[str, ShowFile]:
    """The shows of the shows file (not the default show), by slug; read once per version
    of the file (pages and API answers ask for a show's settings on every request)."""
    path = settings.shows_path
    if path is None:
        return {}
    try:
        st = path.stat()
        version = (st.st_mtime_ns, st.st_size, st.st_ino)
    except OSError:
        version = (-1, -1, -1)  # reading reports the missing file
    return _read_shows(path, version)


@functools.lru_cache(maxsize=8)
def _read_shows(path: Path, version: tuple[int, int, int]) -> Mapping[str, ShowFile]:
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: cannot read the shows file: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{path}: not valid TOML: {exc}") from exc
    tables = raw.get("shows", {})
    if not isinstance(tables, dict):
        raise BadInput(f"{path}: [shows] must hold one table per show")
    shows: dict[str, ShowFile] = {}
    for slug, table in tables.items():
        if not SLUG.match(slug) or slug == "default":
            raise BadInput(f"{path}: show slug {slug!r} must be lowercase letters, digits, -")
        try:
            show = ShowFile.model_validate(table)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise BadInput(f"{path}: show {slug!r}: {where}: {first['msg']}") from exc
        for source in show.follow:
            try:
                source.rules()
            except BadInput as exc:
                raise BadInput(f"{path}: show {slug!r}: follow {source.url}: {exc}") from exc
        base = path.parent
        updates = {}
        if show.cover is not None and not show.cover.is_absolute():
            updates["cover"] = base / show.cover
        if show.lexicon is not None and not show.lexicon.is_absolute():
            updates["lexicon"] = base / show.lexicon
        shows[slug] = show.model_copy(update=updates)
    return MappingProxyType(shows)


def followed(settings: Settings) -> dict[tuple[str, str], Rules]:
    """The sources the shows file has each show follow, by show and URL."""
    return {
        (slug, source.url): source.rules()
        for slug, show in load_shows(settings).items()
        for source in show.follow
    }


def show_for(settings: Settings, slug: str) -> Show:
    """Show ``slug``: the default show's values with its own laid over them;
    :class:`BadInput` for a show the shows file does not hold."""
    if slug == "default":
        return settings.show.model_copy(update={"slug": "default"})
    shows = load_shows(settings)
    show = shows.get(slug)
    if show is None:
        known = ", ".join(["default", *shows])
        raise BadInput(f"unknown show {slug!r} (shows: {known})")
    own = show.model_dump(exclude={"follow", "owners"}, exclude_none=True)
    update: dict[str, Any] = {_RENAMED.get(key, key): value for key, value in own.items()}
    # Owners are the show's own: a show of the file is never owned by the default
    # show's keys.
    update |= {"slug": slug, "owners": list(show.owners or ())}
    if show.description is None:
        update["description"] = show.title
    return settings.show.model_copy(update=update)


def settings_for(settings: Settings, slug: str) -> Settings:
    """The settings making show ``slug`` (see :func:`show_for`)."""
    return settings.for_show(show_for(settings, slug))


def published_settings(settings: Settings, slug: str) -> Settings:
    """The settings of show ``slug`` for what is already published in it: the base
    settings when the shows file no longer holds the show (its episodes still play)."""
    try:
        return settings_for(settings, slug)
    except BadInput:
        return settings
