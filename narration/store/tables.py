"""The database's tables, in one metadata: episodes and their checks, jobs, retired files,
feed tokens and private shows, followed sources and their entries, and the listening
figures (daily salts, raw hits, player events and their daily roll-ups).

Their columns are named like the fields of the dataclasses they hold, and their types do
the conversions (times in UTC, chapters and payloads as JSON), so a row maps to its
dataclass by name (:func:`fields_of`). The schema is made and changed by the migrations
in ``narration/store/migrations``, never by the stores.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Dialect,
    Float,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import DateTime, TypeDecorator

from narration.model import Chapter

metadata = MetaData()


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A moment, stored in UTC (SQLite keeps no offset) and read back aware, in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        utc = value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return as_utc(value)


def as_utc(value: dt.datetime) -> dt.datetime:
    """``value`` in UTC; a naive time is taken to be UTC already."""
    return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)


class Chapters(TypeDecorator[tuple[Chapter, ...]]):
    """An episode's chapters, as a JSON list of ``{"title", "start_s"}``."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: tuple[Chapter, ...] | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return json.dumps([{"title": c.title, "start_s": c.start_s} for c in value])

    def process_result_value(self, value: Any, dialect: Dialect) -> tuple[Chapter, ...] | None:
        if value is None:
            return None
        return tuple(Chapter(c["title"], c["start_s"]) for c in json.loads(value))


class JSONObject(TypeDecorator[dict[str, Any]]):
    """A JSON object kept as text (a job's submission)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: dict[str, Any] | None, dialect: Dialect) -> Any:
        return None if value is None else json.dumps(value, ensure_ascii=False)

    def process_result_value(self, value: Any, dialect: Dialect) -> dict[str, Any] | None:
        if value is None:
            return None
        found = json.loads(value)
        assert isinstance(found, dict)
        return found


episodes = Table(
    "episodes",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("guid", String(64), nullable=False, unique=True),
    Column("show", String(64), nullable=False),
    Column("article_key", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("title", Text, nullable=False),
    Column("author", Text),
    Column("published", UTCDateTime, nullable=False),
    Column("description", Text, nullable=False),
    Column("link", Text),
    Column("image_name", Text),
    Column("audio_name", Text, nullable=False),
    Column("transcript_name", Text, nullable=False),
    Column("chapters_name", Text, nullable=False),
    Column("peaks_name", Text),
    Column("owner", String(64)),
    Column("bytes", Integer, nullable=False),
    Column("duration_s", Float, nullable=False),
    Column("chapters", Chapters, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("show", "article_key", name="uq_show_article"),
)
# Paging walks a show newest first; without this index every page sorts the whole show.
Index("ix_episodes_show_published", episodes.c.show, episodes.c.published, episodes.c.guid)
Index("ix_episodes_show_content", episodes.c.show, episodes.c.content_hash)

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("show", String(64), nullable=False),
    Column("source_kind", String(16), nullable=False),
    Column("payload", JSONObject, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("episode_id", String(32)),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("lease_owner", String(64)),
    Column("lease_expires_at", UTCDateTime),
    Column("worker", String(64)),
    # The fingerprint of the submitting key (also in the payload), to list a key's own jobs.
    Column("key_id", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("show", "content_hash", name="uq_jobs_show_content"),
)
# The reaper looks for running jobs with expired leases and for stale queued ones.
Index("ix_jobs_status_updated", jobs.c.status, jobs.c.updated_at)
Index("ix_jobs_key_created", jobs.c.key_id, jobs.c.created_at)

retired_files = Table(
    "retired_files",
    metadata,
    # A path relative to the output directory.
    Column("name", String(1024), primary_key=True),
    Column("retired_at", UTCDateTime, nullable=False),
)

feed_tokens = Table(
    "feed_tokens",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("show", String(64), nullable=False, index=True),
    Column("label", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
)

# A show with a row here is private: its feed, pages and files are served to its feed
# tokens alone. Made so only on purpose, by its owner or an admin.
private_shows = Table(
    "private_shows",
    metadata,
    Column("show", String(64), primary_key=True),
    Column("since", UTCDateTime, nullable=False),
)

sources = Table(
    "sources",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("show", String(64), nullable=False),
    Column("url", Text, nullable=False),
    # "config": from the shows file (kept in step with it); "api": added through the API.
    Column("origin", String(16), nullable=False),
    Column("owner", String(64)),
    Column("rules", JSONObject, nullable=False),
    Column("kind", String(16)),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("next_poll_at", UTCDateTime, nullable=False),
    Column("last_poll_at", UTCDateTime),
    Column("last_result", Text),
    Column("last_error", Text),
    Column("failures", Integer, nullable=False, default=0),
    Column("hub", Text),
    # WebSub: the secret the hub signs pushes with, the subscription's state
    # ("requested", "verified") and when its lease ends.
    Column("websub_secret", String(64)),
    Column("websub_state", String(16)),
    Column("websub_expires_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    # WebSub: the subscription request sent and not yet answered, the secret it carries
    # and until when the hub's answer is taken. Only such an answer verifies or denies.
    Column("websub_request_secret", String(64)),
    Column("websub_request_until", UTCDateTime),
    # What the last poll skipped: how many entries, and how many for each reason.
    Column("skipped", Integer, nullable=False, default=0, server_default="0"),
    Column("skipped_reasons", JSONObject),
    UniqueConstraint("show", "url", name="uq_sources_show_url"),
)
Index("ix_sources_next_poll", sources.c.next_poll_at)

source_entries = Table(
    "source_entries",
    metadata,
    Column("source_id", String(32), nullable=False),
    Column("entry_key", Text, nullable=False),
    Column("article_key", Text, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    # pending (seen, not yet queued), queued, failed, removed
    Column("state", String(16), nullable=False),
    Column("job_id", String(32)),
    Column("error", Text),
    Column("first_seen_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("source_id", "entry_key", name="uq_source_entries_key"),
)

# Listening figures. Raw hits and player events are append-only and carry a listener hash
# (salted, the salt changed daily): both are deleted 48 hours on. The daily roll-ups keep
# counts alone.
_Id = BigInteger().with_variant(Integer, "sqlite")

stats_salts = Table(
    "stats_salts",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("salt", String(64), nullable=False),
)

stats_hits = Table(
    "stats_hits",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("day", String(10), nullable=False),
    Column("hour", Integer, nullable=False),
    Column("episode_id", String(32), nullable=False),
    Column("show", String(64), nullable=False),
    Column("listener", String(32), nullable=False),
    Column("app", String(64), nullable=False),
    Column("country", String(16), nullable=False),
    Column("bot", Boolean, nullable=False),
    Column("watch", Boolean, nullable=False),
    Column("first_byte", BigInteger, nullable=False),
    Column("last_byte", BigInteger, nullable=False),
    Column("bytes", BigInteger, nullable=False),
    # The bytes of one minute of the episode's audio, or the whole file when shorter.
    Column("need", BigInteger, nullable=False),
)
# The roll-up groups a day's hits by listener; the purge finds old days by the same index.
Index("ix_stats_hits_day_listener", stats_hits.c.day, stats_hits.c.listener)

stats_events = Table(
    "stats_events",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("day", String(10), nullable=False),
    Column("episode_id", String(32), nullable=False),
    Column("show", String(64), nullable=False),
    Column("listener", String(32), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("rate", Float, nullable=False),
    Column("context", String(8), nullable=False),
    Column("origin", String(200), nullable=False),
    Column("flagged", Boolean, nullable=False),
)
Index("ix_stats_events_day_episode", stats_events.c.day, stats_events.c.episode_id)

stats_daily = Table(
    "stats_daily",
    metadata,
    Column("day", String(10), nullable=False),
    Column("episode_id", String(32), nullable=False),
    Column("show", String(64), nullable=False),
    Column("app", String(64), nullable=False),
    Column("country", String(16), nullable=False),
    Column("downloads", Integer, nullable=False),
    Column("flagged", Integer, nullable=False),
    PrimaryKeyConstraint("day", "episode_id", "app", "country", name="pk_stats_daily"),
)
Index("ix_stats_daily_show_day", stats_daily.c.show, stats_daily.c.day)

stats_player_daily = Table(
    "stats_player_daily",
    metadata,
    Column("day", String(10), nullable=False),
    Column("episode_id", String(32), nullable=False),
    Column("show", String(64), nullable=False),
    Column("context", String(8), nullable=False),
    Column("origin", String(200), nullable=False),
    Column("plays", Integer, nullable=False),
    Column("reached_25", Integer, nullable=False),
    Column("reached_50", Integer, nullable=False),
    Column("reached_75", Integer, nullable=False),
    Column("reached_95", Integer, nullable=False),
    Column("rate_total", Float, nullable=False),
    Column("flagged", Integer, nullable=False),
    PrimaryKeyConstraint("day", "episode_id", "context", "origin", name="pk_stats_player_daily"),
)
Index("ix_stats_player_daily_show_day", stats_player_daily.c.show, stats_player_daily.c.day)

episode_checks = Table(
    "episode_checks",
    metadata,
    Column("episode_id", String(32), primary_key=True),
    # The version of the episode that was heard: a new version's check starts afresh.
    Column("content_hash", String(64), nullable=False),
    Column("wer", Float, nullable=False),
    Column("flagged", Integer, nullable=False),
    Column("result", JSONObject, nullable=False),
    Column("checked_at", UTCDateTime, nullable=False),
)


def fields_of(cls: type[Any], row: Mapping[Any, Any]) -> dict[str, Any]:
    """The values of ``row`` that dataclass ``cls`` has fields for, by name."""
    return {f.name: row[f.name] for f in dataclasses.fields(cls) if f.name in row}
