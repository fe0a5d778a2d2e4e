"""One settings object, built explicitly (flags over ``NARRATION_*`` variables) and passed down."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from narration.errors import SettingsError

KEY_ID_PATTERN = r"^[0-9a-f]{32}$"
"""An API key's id: what ``narration key-id`` prints for it, never the key itself."""

ORIGIN_PATTERN = r"^https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?$"
"""A web origin as a Content-Security-Policy source: scheme, host (``*.`` allowed), port."""


def load_settings(**overrides: object) -> Settings:
    """The settings from the environment, with ``overrides`` (flags) over them. A bad value
    is a :class:`SettingsError` naming the variable, in one line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "settings"
            name = field if field in overrides else f"NARRATION_{field.upper()}"
            problems.append(f"{name}: {error['msg']}")
        raise SettingsError("; ".join(problems)) from None


class Settings(BaseSettings):
    """Everything the core can be told. Nothing reads the environment at import time."""

    model_config = SettingsConfigDict(
        env_prefix="NARRATION_", extra="ignore", env_ignore_empty=True
    )
    """An empty variable is the same as an unset one."""

    out_dir: Path = Path("audio_out")
    """The output directory: a static site (feed, episodes, cover) plus the catalog."""
    base_url: str = "http://127.0.0.1:8000"
    """The URL the output directory is published under."""

    database_url: str | None = None
    """SQLAlchemy URL of the catalog; SQLite inside the output directory when unset."""

    shows_path: Path | None = None
    """A TOML file of further shows, one ``[shows.<slug>]`` table each (see shows.py)."""
    show_slug: str = "default"
    """The show being narrated or published; ``default`` is the one at ``/feed.xml``."""
    show_title: str = "Narration"
    show_description: str = "News articles, read aloud."
    show_author: str = "Narration"
    show_owner_name: str = "Narration"
    show_owner_email: str = ""
    show_language: str = "en"
    show_category: str = "News"
    show_subcategory: str | None = "Daily News"
    show_link: str | None = None
    show_cover: Path | None = None
    """A square JPEG or PNG, 1400 to 3000 px; a cover is generated when unset."""
    show_explicit: bool = False
    show_locked: bool = True
    show_medium: Literal["podcast", "newsletter"] = "podcast"
    """``podcast:medium`` of the show's feed."""
    show_owners: Annotated[list[Annotated[str, Field(pattern=KEY_ID_PATTERN)]], NoDecode] = Field(
        default_factory=list
    )
    """Ids of the API keys (``narration key-id``) that own the show: they alone (and the
    admin keys) publish into it, manage its private feed tokens and its sources, and make
    it private or public. A show that names none takes articles from any key, and only
    the admin keys manage it."""
    feed_page_size: int = Field(default=300, ge=1)
    """Episodes in ``feed.xml``; older ones go on archive pages linked by ``rel="next"``."""

    voice: str = "pyttsx3:en"
    """``backend:voice``."""
    quote_voice: str = ""
    """A second ``backend:voice`` for sentences all inside quotation marks (off when
    empty); it reads them where it speaks the article's language."""
    rate_wpm: int = Field(default=170, ge=80, le=400)
    """Speaking rate in words per minute."""
    house_style: Literal["uk", "us"] = "uk"

    lexicon_path: Path | None = None
    """A TOML pronunciation lexicon for this show: words and names to respellings."""
    detect_language: bool = True
    """Detect the article's language when the source does not declare it."""

    fetch_allow: Annotated[list[str], NoDecode] = Field(default_factory=list)
    """Hosts or networks (CIDR) that URL fetching may reach although they are private,
    e.g. an intranet CMS: ``["cms.internal", "10.20.0.0/16"]``."""
    fetch_timeout_s: float = 10.0
    fetch_max_bytes: int = 5 * 1024 * 1024
    fetch_max_redirects: int = 5

    queue_url: str | None = None
    """``redis://...`` puts the task queue on Redis, shared by workers on many machines;
    when unset the queue is a SQLite file in the state directory."""
    queue_name: str = Field(default="narration", min_length=1, pattern=r"^[A-Za-z0-9_.:-]+$")
    """The queue's name, the prefix of its Redis keys: services sharing one Redis
    keep apart by name."""
    api_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    """Keys that may submit articles (``Authorization: Bearer <key>``). A key reads,
    changes and deletes only the articles it submitted."""
    admin_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    """Keys that may also read, change and delete every key's articles."""
    api_voices: Annotated[list[str], NoDecode] = Field(default_factory=list)
    """Voices (``backend:voice``) an article submitted to the API may ask for; when empty,
    any voice ``narration voices`` lists. Never a file path."""
    future_tolerance_s: float = Field(default=3600.0, ge=0)
    """How far in the future a publication date may be; a later one is refused when
    submitted and clamped to now when a page states it."""
    max_words: int = Field(default=50_000, ge=1)
    """The most words one episode reads (about five hours at the default rate); a longer
    article is refused before any audio is made."""
    prepare_timeout_s: float = Field(default=120.0, gt=0)
    """Longest time to read, extract and prepare one article in the worker."""
    drain_timeout_s: float = Field(default=8.0, ge=0)
    """How long a stopping service waits for the job being narrated before it puts the
    job back in the queue for the next start."""
    job_lease_s: float = Field(default=60.0, gt=0)
    """How long a worker holds a job without renewing before another may take it."""
    reap_interval_s: float = Field(default=5.0, gt=0)
    """How often a worker looks for jobs whose lease ran out."""
    delete_grace_s: float = Field(default=24 * 3600.0, ge=0)
    """How long the files of a deleted episode stay, for listeners part-way through."""
    site_origins: Annotated[list[Annotated[str, Field(pattern=ORIGIN_PATTERN)]], NoDecode] = Field(
        default_factory=list
    )
    """Origins whose pages may frame the player (``frame-ancestors``), e.g.
    ``["https://www.example-news.com"]``; any when empty."""
    show_apple_podcasts_url: str | None = None
    """The show's page on Apple Podcasts, once listed; the subscribe link opens the feed
    in the Apple Podcasts app (``podcasts://``) until then."""
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    """Site origins whose pages may read the public routes (CORS); none when empty."""
    callback_attempts: int = Field(default=6, ge=1, le=20)
    """Deliveries tried for a callback before giving up."""
    callback_backoff_s: float = Field(default=1.0, ge=0)
    """Wait before the second delivery; doubled before each further one."""
    callback_timeout_s: float = Field(default=10.0, gt=0)

    follow_interval_s: float = Field(default=900.0, gt=0)
    """How often a followed feed or sitemap is polled, unless its source says otherwise."""
    follow_min_interval_s: float = Field(default=60.0, ge=0)
    """The floor: no source is polled more often, whatever it or its feed asks."""
    follow_jitter: float = Field(default=0.1, ge=0, le=1)
    """Each next poll comes up to this fraction of the interval later, so sources added
    together are not polled together for ever."""
    follow_max_backoff_s: float = Field(default=6 * 3600.0, gt=0)
    """The longest wait after failed polls (the wait doubles with each failure)."""
    follow_tick_s: float = Field(default=5.0, gt=0)
    """How often a follower looks for sources whose poll is due."""
    follow_lease_s: float = Field(default=300.0, gt=0)
    """How long a worker holds a source it polls: another worker polls it again only
    after this, if the first stopped mid-poll."""
    follow_max_sitemaps: int = Field(default=50, ge=1)
    """Sitemaps read from one sitemap index."""
    follow_threads: int = Field(default=4, ge=1, le=32)
    """Sources one follower polls at the same time: a slow source holds one thread, and
    the others' due polls go on in the rest."""
    follow_poll_regex_s: float = Field(default=2.0, gt=0)
    """Time one poll may spend matching its source's ``url_pattern``, over all entries;
    a source over it is marked over budget and backs off."""
    follow_poll_max_entries: int = Field(default=100_000, ge=1)
    """Entries one poll may read (a sitemap index's sitemaps together)."""
    follow_poll_max_bytes: int = Field(default=64 * 1024 * 1024, ge=1)
    """Bytes one poll may fetch (a sitemap index's sitemaps together)."""
    follow_poll_max_s: float = Field(default=120.0, gt=0)
    """Time one poll may take in all; its lease is renewed meanwhile."""

    jobs_at_once: int = Field(default=2, ge=1, le=16)
    """Jobs one service or worker process narrates at the same time."""
    workers: int = Field(default=2, ge=1, le=32)
    """Synthesis worker processes."""
    clip_timeout_s: float = Field(default=30.0, gt=0)
    max_text_bytes: int = 2 * 1024 * 1024

    check: bool | None = None
    """Hear every episode the service publishes back with the speech recogniser, as a job
    behind every narration; see ``check_max_wer`` to check before publishing. Unset: on
    where the ``check`` extra is installed."""
    check_max_wer: float | None = Field(default=None, ge=0)
    """When set, the check runs before publishing and an episode whose word error rate is
    above this is not published (its job fails with the flagged sentences)."""
    check_flag_below: float = Field(default=0.7, ge=0, le=1)
    """A sentence whose agreement score (1 - its word error rate) is below this is flagged."""
    check_model_dir: Path | None = None
    """A CTranslate2 Whisper model directory to hear with, instead of the base model the
    ``check`` extra installs."""
    check_cache_dir: Path | None = None
    """Where the installed base model is assembled once; the user's cache directory
    (``~/.cache/narration/whisper-base``) when unset."""
    check_threads: int = Field(default=2, ge=1, le=32)
    """CPU threads the recogniser uses."""
    check_beam_size: int = Field(default=5, ge=1, le=10)
    """Beam width of the recogniser's search: 1 is fastest, 5 (Whisper's own) hears best."""
    check_timeout_s: float = Field(default=3600.0, gt=0)
    """In the service, a check still running after this long (the recogniser stuck) is
    stopped and its process replaced; the episode stays published, unchecked."""

    loudness_lufs: float = -16.0
    true_peak_dbtp: float = -1.5
    """Ceiling before encoding: room for the encoder, so the MP3 stays under -1 dBTP."""
    bitrate_kbps: int = 64
    sample_rate: int = 22050

    stats: bool = True
    """Count podcast downloads of the audio files served and take the player's events."""
    stats_geoip_path: Path | None = None
    """A MaxMind country database (.mmdb) read offline for the country of a download;
    without it the country is "unknown". Nothing is ever fetched."""
    stats_hourly_limit: int = Field(default=100, ge=1)
    """More audio requests than this from one listener hash in one hour: the hash's
    downloads that day count once, flagged."""
    stats_events_per_minute: int = Field(default=30, ge=1)
    """Player events taken from one listener hash a minute; more are refused (429)."""
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    """Addresses of reverse proxies whose ``X-Forwarded-For`` names the client (and
    whose ``X-Forwarded-*`` headers uvicorn reads); none is trusted when empty."""
    proxy_secret: str | None = Field(default=None, min_length=16, max_length=256)
    """The value nginx sends in ``X-Narration-Proxy`` on its access checks and download
    counts (``deploy/nginx.conf``); without it ``/_narration/*`` answers 404 to everyone."""

    @field_validator(
        "fetch_allow",
        "api_keys",
        "admin_keys",
        "api_voices",
        "site_origins",
        "cors_origins",
        "trusted_proxies",
        "show_owners",
        mode="before",
    )
    @classmethod
    def _list_from_text(cls, value: object) -> object:
        """A list given as text (an environment variable): a JSON list, or one value, or
        values separated by commas."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            try:
                return json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValueError(f"not a JSON list: {exc.msg}") from None
        return [part.strip() for part in text.split(",") if part.strip()]

    @property
    def show_prefix(self) -> str:
        """Where the show's feed and cover live in the output directory: the default show
        at the top (``feed.xml``), any other under ``shows/<slug>/``."""
        return "" if self.show_slug == "default" else f"shows/{self.show_slug}/"

    @property
    def feed_url(self) -> str:
        return self.url_for(self.show_prefix + "feed.xml")

    def url_for(self, name: str) -> str:
        return self.base_url.rstrip("/") + "/" + name.lstrip("/")

    @property
    def state_dir(self) -> Path:
        """Catalog and clip cache: inside the output directory, hidden from the static site."""
        return self.out_dir / ".narration"
