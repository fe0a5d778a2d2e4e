"""The groups of the process settings: the show being made (:class:`Show`), fetch limits,
callbacks, following, the listening check, listening figures, audio and the service's jobs.
Each setting has a flat name, its variable's name without ``NARRATION_``
(:data:`FLAT_NAMES`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

KEY_ID_PATTERN = r"^[0-9a-f]{32}$"
"""An API key's id: what ``narration key-id`` prints for it, never the key itself."""

ORIGIN_PATTERN = r"^https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?$"
"""A web origin as a Content-Security-Policy source: scheme, host (``*.`` allowed), port."""


def list_from_text(value: object) -> object:
    """A list given as text (an environment variable): a JSON list, or one value, or values
    separated by commas."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("["):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not a JSON list: {exc.msg}") from None
    return [part.strip() for part in text.split(",") if part.strip()]


class Group(BaseModel):
    """A group of settings. ``flat_prefix`` makes each field's flat name (``follow_`` +
    ``interval_s``); ``flat_names`` names the fields whose flat name is otherwise."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
    flat_prefix: ClassVar[str] = ""
    flat_names: ClassVar[dict[str, str]] = {}

    @classmethod
    def flat_name(cls, field: str) -> str:
        return cls.flat_names.get(field, cls.flat_prefix + field)


class Show(Group):
    """A show: what its feed says of it, and how its episodes are read. The default show's
    values are the ``NARRATION_SHOW_*`` settings (and ``NARRATION_VOICE`` and the like);
    each show of the shows file lays its own over them (:mod:`narration.publish.shows`)."""

    flat_prefix: ClassVar[str] = "show_"
    flat_names: ClassVar[dict[str, str]] = {
        name: name
        for name in (
            "voice",
            "quote_voice",
            "rate_wpm",
            "house_style",
            "lexicon_path",
            "feed_page_size",
        )
    }

    slug: str = "default"
    """The show being narrated or published; ``default`` is the one at ``/feed.xml``."""
    title: str = "Narration"
    description: str = "News articles, read aloud."
    author: str = "Narration"
    owner_name: str = "Narration"
    owner_email: str = ""
    language: str = "en"
    category: str = "News"
    subcategory: str | None = "Daily News"
    link: str | None = None
    cover: Path | None = None
    """A square JPEG or PNG, 1400 to 3000 px; a cover is generated when unset."""
    explicit: bool = False
    locked: bool = True
    medium: Literal["podcast", "newsletter"] = "podcast"
    """``podcast:medium`` of the show's feed."""
    owners: list[Annotated[str, Field(pattern=KEY_ID_PATTERN)]] = Field(default_factory=list)
    """Ids of the API keys (``narration key-id``) that own the show: they alone (and the
    admin keys) publish into it, manage its private feed tokens and its sources, and make
    it private or public. A show that names none takes articles from any key, and only
    the admin keys manage it."""
    apple_podcasts_url: str | None = None
    """The show's page on Apple Podcasts, once listed; the subscribe link opens the feed
    in the Apple Podcasts app (``podcasts://``) until then."""
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

    _lists = field_validator("owners", mode="before")(classmethod(lambda cls, v: list_from_text(v)))

    @property
    def prefix(self) -> str:
        """Where the show's feed and cover live in the output directory: the default show
        at the top (``feed.xml``), any other under ``shows/<slug>/``."""
        return "" if self.slug == "default" else f"shows/{self.slug}/"


class FetchLimits(Group):
    """What fetching a URL (a page, an image, a feed, a callback) may reach and take."""

    flat_prefix: ClassVar[str] = "fetch_"

    allow: list[str] = Field(default_factory=list)
    """Hosts or networks (CIDR) that URL fetching may reach although they are private,
    e.g. an intranet CMS: ``["cms.internal", "10.20.0.0/16"]``."""
    timeout_s: float = 10.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5

    _lists = field_validator("allow", mode="before")(classmethod(lambda cls, v: list_from_text(v)))


class CallbackSettings(Group):
    """Delivering a job's callback."""

    flat_prefix: ClassVar[str] = "callback_"

    attempts: int = Field(default=6, ge=1, le=20)
    """Deliveries tried for a callback before giving up."""
    backoff_s: float = Field(default=1.0, ge=0)
    """Wait before the second delivery; doubled before each further one."""
    timeout_s: float = Field(default=10.0, gt=0)


class FollowSettings(Group):
    """Following sites' feeds and sitemaps."""

    flat_prefix: ClassVar[str] = "follow_"

    interval_s: float = Field(default=900.0, gt=0)
    """How often a followed feed or sitemap is polled, unless its source says otherwise."""
    min_interval_s: float = Field(default=60.0, ge=0)
    """The floor: no source is polled more often, whatever it or its feed asks."""
    jitter: float = Field(default=0.1, ge=0, le=1)
    """Each next poll comes up to this fraction of the interval later, so sources added
    together are not polled together for ever."""
    max_backoff_s: float = Field(default=6 * 3600.0, gt=0)
    """The longest wait after failed polls (the wait doubles with each failure)."""
    tick_s: float = Field(default=5.0, gt=0)
    """How often a follower looks for sources whose poll is due."""
    lease_s: float = Field(default=300.0, gt=0)
    """How long a worker holds a source it polls: another worker polls it again only
    after this, if the first stopped mid-poll."""
    max_sitemaps: int = Field(default=50, ge=1)
    """Sitemaps read from one sitemap index."""
    threads: int = Field(default=4, ge=1, le=32)
    """Sources one follower polls at the same time: a slow source holds one thread, and
    the others' due polls go on in the rest."""
    poll_regex_s: float = Field(default=2.0, gt=0)
    """Time one poll may spend matching its source's ``url_pattern``, over all entries;
    a source over it is marked over budget and backs off."""
    poll_max_entries: int = Field(default=100_000, ge=1)
    """Entries one poll may read (a sitemap index's sitemaps together)."""
    poll_max_bytes: int = Field(default=64 * 1024 * 1024, ge=1)
    """Bytes one poll may fetch (a sitemap index's sitemaps together)."""
    poll_max_s: float = Field(default=120.0, gt=0)
    """Time one poll may take in all; its lease is renewed meanwhile."""


class CheckSettings(Group):
    """The listening check: hearing episodes back with a speech recogniser."""

    flat_prefix: ClassVar[str] = "check_"
    flat_names: ClassVar[dict[str, str]] = {"enabled": "check"}

    enabled: bool | None = None
    """Hear every episode the service publishes back with the speech recogniser, as a job
    behind every narration; see ``check_max_wer`` to check before publishing. Unset: on
    where the ``check`` extra is installed."""
    max_wer: float | None = Field(default=None, ge=0)
    """When set, the check runs before publishing and an episode whose word error rate is
    above this is not published (its job fails with the flagged sentences)."""
    flag_below: float = Field(default=0.7, ge=0, le=1)
    """A sentence whose agreement score (1 - its word error rate) is below this is flagged."""
    model_dir: Path | None = None
    """A CTranslate2 Whisper model directory to hear with, instead of the base model the
    ``check`` extra installs."""
    cache_dir: Path | None = None
    """Where the installed base model is assembled once; the user's cache directory
    (``~/.cache/narration/whisper-base``) when unset."""
    threads: int = Field(default=2, ge=1, le=32)
    """CPU threads the recogniser uses."""
    beam_size: int = Field(default=5, ge=1, le=10)
    """Beam width of the recogniser's search: 1 is fastest, 5 (Whisper's own) hears best."""
    timeout_s: float = Field(default=3600.0, gt=0)
    """In the service, a check still running after this long (the recogniser stuck) is
    stopped and its process replaced; the episode stays published, unchecked."""


class StatsSettings(Group):
    """Listening figures: downloads of the audio files and the player's events."""

    flat_prefix: ClassVar[str] = "stats_"
    flat_names: ClassVar[dict[str, str]] = {"enabled": "stats"}

    enabled: bool = True
    """Count podcast downloads of the audio files served and take the player's events."""
    geoip_path: Path | None = None
    """A MaxMind country database (.mmdb) read offline for the country of a download;
    without it the country is "unknown". Nothing is ever fetched."""
    hourly_limit: int = Field(default=100, ge=1)
    """More audio requests than this from one listener hash in one hour: the hash's
    downloads that day count once, flagged."""
    events_per_minute: int = Field(default=30, ge=1)
    """Player events taken from one listener hash a minute; more are refused (429)."""


class AudioSettings(Group):
    """The episode's sound: loudness, peak and encoding."""

    loudness_lufs: float = -16.0
    true_peak_dbtp: float = -1.5
    """Ceiling before encoding: room for the encoder, so the MP3 stays under -1 dBTP."""
    bitrate_kbps: int = 64
    sample_rate: int = 22050


class JobSettings(Group):
    """The service's queue, its workers and the limits of one job."""

    queue_url: str | None = None
    """``redis://...`` puts the task queue on Redis, shared by workers on many machines;
    when unset the queue is a SQLite file in the state directory."""
    queue_name: str = Field(default="narration", min_length=1, pattern=r"^[A-Za-z0-9_.:-]+$")
    """The queue's name, the prefix of its Redis keys: services sharing one Redis
    keep apart by name."""
    jobs_at_once: int = Field(default=2, ge=1, le=16)
    """Jobs one service or worker process narrates at the same time."""
    workers: int = Field(default=2, ge=1, le=32)
    """Synthesis worker processes."""
    clip_timeout_s: float = Field(default=30.0, gt=0)
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


GROUPS: dict[str, type[Group]] = {
    "show": Show,
    "fetch": FetchLimits,
    "callback": CallbackSettings,
    "follow": FollowSettings,
    "check": CheckSettings,
    "stats": StatsSettings,
    "audio": AudioSettings,
    "jobs": JobSettings,
}
"""The groups of :class:`Settings`, by attribute."""

FLAT_NAMES: dict[str, tuple[str, str]] = {
    model.flat_name(field): (group, field)
    for group, model in GROUPS.items()
    for field in model.model_fields
}
"""Each grouped setting's flat name (its variable without ``NARRATION_``): group, field."""
