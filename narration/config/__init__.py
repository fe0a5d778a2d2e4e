"""The process settings, built explicitly (flags over ``NARRATION_*`` variables) and passed
down: a few fields of the process itself, and small groups (the show being made, fetch
limits, callbacks, following, the listening check, listening figures, audio, the service's
jobs) so that a function takes the one group it needs.

Every setting keeps one flat name, the name of its variable without ``NARRATION_`` (e.g.
``follow_interval_s`` is ``NARRATION_FOLLOW_INTERVAL_S`` and ``settings.follow.interval_s``).
Flags and ``Settings(...)`` take flat names; :data:`FLAT_NAMES` says where each one lives.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from narration.config.groups import (
    FLAT_NAMES,
    GROUPS,
    KEY_ID_PATTERN,
    ORIGIN_PATTERN,
    AudioSettings,
    CallbackSettings,
    CheckSettings,
    FetchLimits,
    FollowSettings,
    Group,
    JobSettings,
    Show,
    StatsSettings,
    list_from_text,
)
from narration.errors import SettingsError

__all__ = [
    "FLAT_NAMES",
    "GROUPS",
    "KEY_ID_PATTERN",
    "ORIGIN_PATTERN",
    "AudioSettings",
    "CallbackSettings",
    "CheckSettings",
    "FetchLimits",
    "FollowSettings",
    "Group",
    "JobSettings",
    "Settings",
    "Show",
    "StatsSettings",
    "load_settings",
]

ENV_PREFIX = "NARRATION_"


def env_name(flat: str) -> str:
    return ENV_PREFIX + flat.upper()


def load_settings(**overrides: object) -> Settings:
    """The settings from the environment, with ``overrides`` (flags, by flat name) over
    them. A bad value is a :class:`SettingsError` naming the flag or the variable, in one
    line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = [str(part) for part in error["loc"]]
            flat = _flat_of(loc)
            name = flat if flat in overrides else env_name(flat)
            problems.append(f"{name}: {error['msg']}")
        raise SettingsError("; ".join(problems)) from None


def _flat_of(loc: list[str]) -> str:
    if not loc:
        return "settings"
    group = GROUPS.get(loc[0])
    if group is not None and len(loc) > 1 and loc[1] in group.model_fields:
        return group.flat_name(loc[1])
    return loc[0]


def grouped(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with its flat names (``follow_interval_s``) put in their groups, over what
    the group already holds."""
    # "check" and "stats" name both a group and its switch: a dict or a model is the
    # group, anything else the switch.
    flat = {
        key: value
        for key, value in data.items()
        if key in FLAT_NAMES and not (key in GROUPS and isinstance(value, dict | BaseModel))
    }
    if not flat:
        return data
    out = {key: value for key, value in data.items() if key not in flat}
    for key, value in flat.items():
        group, field = FLAT_NAMES[key]
        current = out.get(group, {})
        if isinstance(current, BaseModel):
            current = current.model_dump()
        out[group] = {**current, field: value}
    return out


class _FlatEnvironment(PydanticBaseSettingsSource):
    """``NARRATION_*`` variables by flat name, each put in its group (so that a flag, by
    flat name, or a whole group given to ``Settings`` beats them); empty ones count as
    unset. Values stay text: the models' validators read them (lists from JSON or
    commas)."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # everything is read in __call__

    def __call__(self) -> dict[str, Any]:
        env = {key.upper(): value for key, value in os.environ.items() if value != ""}
        found: dict[str, Any] = {}
        for name in self.settings_cls.model_fields:
            if name not in GROUPS and env_name(name) in env:
                found[name] = env[env_name(name)]
        for flat, (group, field) in FLAT_NAMES.items():
            if env_name(flat) in env:
                found.setdefault(group, {})[field] = env[env_name(flat)]
        return found


class Settings(BaseSettings):
    """Everything the core can be told. Nothing reads the environment at import time."""

    model_config = SettingsConfigDict(extra="ignore", validate_assignment=True)

    out_dir: Path = Path("audio_out")
    """The output directory: a static site (feed, episodes, cover) plus the catalog."""
    base_url: str = "http://127.0.0.1:8000"
    """The URL the output directory is published under."""
    database_url: str | None = None
    """SQLAlchemy URL of the catalog; SQLite inside the output directory when unset."""
    shows_path: Path | None = None
    """A TOML file of further shows, one ``[shows.<slug>]`` table each (see shows.py)."""
    detect_language: bool = True
    """Detect the article's language when the source does not declare it."""

    api_keys: list[str] = Field(default_factory=list)
    """Keys that may submit articles (``Authorization: Bearer <key>``). A key reads,
    changes and deletes only the articles it submitted."""
    admin_keys: list[str] = Field(default_factory=list)
    """Keys that may also read, change and delete every key's articles."""
    api_voices: list[str] = Field(default_factory=list)
    """Voices (``backend:voice``) an article submitted to the API may ask for; when empty,
    any voice ``narration voices`` lists. Never a file path."""
    future_tolerance_s: float = Field(default=3600.0, ge=0)
    """How far in the future a publication date may be; a later one is refused when
    submitted and clamped to now when a page states it."""
    max_words: int = Field(default=50_000, ge=1)
    """The most words one episode reads (about five hours at the default rate); a longer
    article is refused before any audio is made."""
    max_text_bytes: int = 2 * 1024 * 1024
    site_origins: list[Annotated[str, Field(pattern=ORIGIN_PATTERN)]] = Field(default_factory=list)
    """Origins whose pages may frame the player (``frame-ancestors``), e.g.
    ``["https://www.example-news.com"]``; any when empty."""
    cors_origins: list[str] = Field(default_factory=list)
    """Site origins whose pages may read the public routes (CORS); none when empty."""
    trusted_proxies: list[str] = Field(default_factory=list)
    """Addresses of reverse proxies whose ``X-Forwarded-For`` names the client (and
    whose ``X-Forwarded-*`` headers uvicorn reads); none is trusted when empty."""
    proxy_secret: str | None = Field(default=None, min_length=16, max_length=256)
    """The value nginx sends in ``X-Narration-Proxy`` on its access checks and download
    counts (``deploy/nginx.conf``); without it ``/_narration/*`` answers 404 to everyone."""

    show: Show = Field(default_factory=Show)
    fetch: FetchLimits = Field(default_factory=FetchLimits)
    callback: CallbackSettings = Field(default_factory=CallbackSettings)
    follow: FollowSettings = Field(default_factory=FollowSettings)
    check: CheckSettings = Field(default_factory=CheckSettings)
    stats: StatsSettings = Field(default_factory=StatsSettings)
    audio: AudioSettings = Field(default_factory=AudioSettings)
    jobs: JobSettings = Field(default_factory=JobSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, _FlatEnvironment(settings_cls)

    @model_validator(mode="before")
    @classmethod
    def _group_flat_names(cls, data: Any) -> Any:
        return grouped(data) if isinstance(data, dict) else data

    _lists = field_validator(
        "api_keys",
        "admin_keys",
        "api_voices",
        "site_origins",
        "cors_origins",
        "trusted_proxies",
        mode="before",
    )(classmethod(lambda cls, v: list_from_text(v)))

    def replaced(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (flat names, fields or whole groups), validated; the
        environment is not read again."""
        fields = grouped(changes)
        copy = self.model_copy()
        for name, value in fields.items():
            if name in GROUPS and isinstance(value, dict):
                value = GROUPS[name].model_validate({**getattr(self, name).model_dump(), **value})
            setattr(copy, name, value)  # validated (validate_assignment)
        return copy

    def for_show(self, show: Show) -> Settings:
        """These settings making ``show``."""
        return self.model_copy(update={"show": show})

    @property
    def show_prefix(self) -> str:
        return self.show.prefix

    @property
    def feed_url(self) -> str:
        return self.url_for(self.show.prefix + "feed.xml")

    def url_for(self, name: str) -> str:
        return self.base_url.rstrip("/") + "/" + name.lstrip("/")

    @property
    def state_dir(self) -> Path:
        """Catalog and clip cache: inside the output directory, hidden from the static site."""
        return self.out_dir / ".narration"
