"""Listening figures in the database: the daily salts, raw audio hits and player events
(append-only, deleted 48 hours on), and the daily roll-ups made from them in SQL.

The roll-up of a day replaces that day's rows in one transaction, so running it twice
gives the same totals; on PostgreSQL it holds an advisory lock, so two processes take
turns. Days are UTC calendar days written ``YYYY-MM-DD``: each is a de-duplication
window of 24 hours, the fixed window the IAB guidelines describe.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    delete,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.exc import IntegrityError

from narration.errors import StoreError
from narration.store.database import Database
from narration.store.tables import (
    episodes,
    stats_daily,
    stats_events,
    stats_hits,
    stats_player_daily,
    stats_salts,
)

GroupBy = Literal["day", "app", "country", "episode"]
MILESTONES = (25, 50, 75, 95)


@dataclass(frozen=True)
class AudioFile:
    """What counting needs to know of an episode's audio file."""

    episode_id: str
    show: str
    need: int
    """Bytes of one minute of audio (from the file's size and duration), or the whole
    file when it is shorter than a minute."""


class Hit(NamedTuple):
    """One raw hit: the columns of ``stats_hits`` but its id, in their order."""

    at: dt.datetime
    """In UTC."""
    day: str
    hour: int
    episode_id: str
    show: str
    listener: str
    app: str
    country: str
    bot: bool
    watch: bool
    first_byte: int
    last_byte: int
    bytes: int
    need: int


@dataclass(frozen=True)
class Filter:
    """Which figures to read: a show, an episode, and days from/to (inclusive)."""

    show: str | None = None
    episode_id: str | None = None
    first_day: str | None = None
    last_day: str | None = None
    owner: str | None = None
    """Only the episodes submitted with this key fingerprint (None: every episode)."""


@dataclass(frozen=True)
class Row:
    key: str
    downloads: int
    flagged: int
    title: str | None = None
    """The episode's title, when rows are by episode and it is still in the catalog."""


@dataclass(frozen=True)
class Player:
    """The player's figures: listeners who pressed play and who reached each point."""

    plays: int
    reached: dict[int, int]
    embed: int
    page: int
    average_rate: float | None
    flagged: int


def day_of(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%d")


def need_for(size: int, duration_s: float) -> int:
    """Bytes that hold one minute of a file of ``size`` bytes lasting ``duration_s``."""
    if duration_s <= 60 or size <= 0:
        return max(size, 1)
    return max(int(size * 60 / duration_s), 1)


class StatsStore:
    """The listening figures' tables, on one database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def salt(self, day: str) -> str:
        """The salt of ``day``'s listener hashes, made by the first process that asks."""
        with self.db.begin() as conn:
            found = conn.execute(select(stats_salts.c.salt).where(stats_salts.c.day == day))
            salt = found.scalar_one_or_none()
        if salt is not None:
            return str(salt)
        try:
            with self.db.begin() as conn:
                conn.execute(insert(stats_salts).values(day=day, salt=secrets.token_hex(32)))
        except StoreError as exc:  # another process made it first
            if not isinstance(exc.__cause__, IntegrityError):
                raise
        with self.db.begin() as conn:
            found = conn.execute(select(stats_salts.c.salt).where(stats_salts.c.day == day))
            return str(found.scalar_one())

    def audio_files(self, names: Iterable[str]) -> dict[str, AudioFile]:
        """The catalog's episodes whose audio is at one of ``names`` (output-relative)."""
        wanted = sorted(set(names))
        if not wanted:
            return {}
        query = select(
            episodes.c.audio_name, episodes.c.id, episodes.c.show, episodes.c.bytes,
            episodes.c.duration_s,
        ).where(episodes.c.audio_name.in_(wanted))  # fmt: skip
        with self.db.begin() as conn:
            rows = conn.execute(query).all()
        return {
            row.audio_name: AudioFile(row.id, row.show, need_for(row.bytes, row.duration_s))
            for row in rows
        }

    def episode_show(self, episode_id: str) -> str | None:
        """The show of episode ``episode_id``; None when there is no such episode."""
        with self.db.begin() as conn:
            found = conn.execute(select(episodes.c.show).where(episodes.c.id == episode_id))
            show = found.scalar_one_or_none()
        return None if show is None else str(show)

    def add_hits(self, hits: Sequence[Hit]) -> None:
        """Append raw hits, with one ``executemany`` of plain values: the Core's per-row
        parameter processing cost more than the rest of counting together."""
        if not hits:
            return
        sqlite = self.db.dialect == "sqlite"
        mark = "?" if sqlite else "%s"
        sql = (
            f"INSERT INTO stats_hits ({', '.join(Hit._fields)}) "
            f"VALUES ({', '.join([mark] * len(Hit._fields))})"
        )
        values: Sequence[tuple[Any, ...]] = (
            [(_sqlite_time(hit.at), *hit[1:]) for hit in hits] if sqlite else hits
        )
        with self.db.begin() as conn:
            conn.exec_driver_sql(sql, values)

    def add_events(self, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            with self.db.begin() as conn:
                conn.execute(insert(stats_events), list(rows))

    def roll_up(self, day: str, hourly_limit: int) -> None:
        """Replace ``day``'s roll-ups with the counts its raw hits and events give."""
        with self.db.lock("stats-rollup"), self.db.begin() as conn:
            conn.execute(delete(stats_daily).where(stats_daily.c.day == day))
            conn.execute(
                insert(stats_daily).from_select(_DAILY_COLUMNS, _downloads(day, hourly_limit))
            )
            conn.execute(delete(stats_player_daily).where(stats_player_daily.c.day == day))
            conn.execute(insert(stats_player_daily).from_select(_PLAYER_COLUMNS, _player(day)))

    def purge(self, before: dt.datetime) -> tuple[int, int]:
        """Delete the raw hits and events from before ``before``, and the salts of the
        days that ended before it; how many hits and events went."""
        last_day = day_of(before)
        h, e = stats_hits.c, stats_events.c
        with self.db.begin() as conn:
            # By day first: the (day, ...) indexes find them without an index on the time.
            hits = conn.execute(delete(stats_hits).where(h.day <= last_day, h.at < before))
            events = conn.execute(delete(stats_events).where(e.day <= last_day, e.at < before))
            conn.execute(delete(stats_salts).where(stats_salts.c.day < last_day))
        return hits.rowcount or 0, events.rowcount or 0

    def downloads(self, where: Filter, by: GroupBy) -> list[Row]:
        d = stats_daily
        keys = {"day": d.c.day, "app": d.c.app, "country": d.c.country, "episode": d.c.episode_id}
        key = keys[by]
        total, flagged = func.sum(d.c.downloads), func.sum(d.c.flagged)
        query = select(key.label("key"), total.label("downloads"), flagged.label("flagged"))
        query = query.where(*_filters(d, where)).group_by(key)
        order = [key] if by == "day" else [total.desc(), key]
        with self.db.begin() as conn:
            rows = conn.execute(query.order_by(*order)).all()
            titles: dict[str, str] = {}
            if by == "episode" and rows:
                ids = [row.key for row in rows]
                found = conn.execute(
                    select(episodes.c.id, episodes.c.title).where(episodes.c.id.in_(ids))
                )
                titles = {row.id: row.title for row in found}
        return [Row(str(r.key), int(r.downloads), int(r.flagged), titles.get(r.key)) for r in rows]

    def player(self, where: Filter) -> Player:
        p = stats_player_daily
        sums = [func.coalesce(func.sum(column), 0) for column in (
            p.c.plays, p.c.reached_25, p.c.reached_50, p.c.reached_75, p.c.reached_95,
            p.c.rate_total, p.c.flagged,
            case((p.c.context == "embed", p.c.plays), else_=0),
            case((p.c.context == "page", p.c.plays), else_=0),
        )]  # fmt: skip
        with self.db.begin() as conn:
            row = conn.execute(select(*sums).where(*_filters(p, where))).one()
        plays, r25, r50, r75, r95, rate, flagged, embed, page = row
        return Player(
            plays=int(plays),
            reached={25: int(r25), 50: int(r50), 75: int(r75), 95: int(r95)},
            embed=int(embed),
            page=int(page),
            average_rate=round(float(rate) / int(plays), 3) if plays else None,
            flagged=int(flagged),
        )


def _sqlite_time(at: dt.datetime) -> str:
    """``at`` (in UTC) as the Core writes a time to SQLite (and so compares it)."""
    return at.replace(tzinfo=None).isoformat(" ", "microseconds")


def _filters(table: Any, where: Filter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if where.show is not None:
        found.append(table.c.show == where.show)
    if where.episode_id is not None:
        found.append(table.c.episode_id == where.episode_id)
    if where.first_day is not None:
        found.append(table.c.day >= where.first_day)
    if where.last_day is not None:
        found.append(table.c.day <= where.last_day)
    if where.owner is not None:
        owned = select(episodes.c.id).where(episodes.c.owner == where.owner)
        found.append(table.c.episode_id.in_(owned))
    return found


_DAILY_COLUMNS = ["day", "episode_id", "show", "app", "country", "downloads", "flagged"]
_PLAYER_COLUMNS = [
    "day", "episode_id", "show", "context", "origin", "plays",
    "reached_25", "reached_50", "reached_75", "reached_95", "rate_total", "flagged",
]  # fmt: skip


def _downloads(day: str, hourly_limit: int) -> Any:
    """A day's downloads by episode, app and country, as a SELECT.

    A (listener, episode) pair is one download when its requests, bots and Apple Watch
    requests aside, asked for at least the bytes of one minute (``need``); the bytes of a
    ``bytes=0-1`` probe are not counted. A listener with more than ``hourly_limit``
    requests in one hour of the day counts once (its first download), flagged.
    """
    h = stats_hits
    probe = and_(h.c.first_byte == 0, h.c.last_byte <= 1)
    useful = case((probe, 0), else_=h.c.bytes)
    pairs = (
        select(
            h.c.listener, h.c.episode_id,
            func.min(h.c.show).label("show"), func.min(h.c.app).label("app"),
            func.min(h.c.country).label("country"), func.min(h.c.at).label("first_at"),
        )
        .where(h.c.day == day, h.c.bot == false(), h.c.watch == false())
        .group_by(h.c.listener, h.c.episode_id)
        .having(func.sum(useful) >= func.max(h.c.need))
        .subquery()
    )  # fmt: skip
    busy = (
        select(h.c.listener)
        .where(h.c.day == day, h.c.bot == false())
        .group_by(h.c.listener, h.c.hour)
        .having(func.count() > hourly_limit)
    )
    order = func.row_number().over(
        partition_by=pairs.c.listener, order_by=(pairs.c.first_at, pairs.c.episode_id)
    )
    ranked = select(
        pairs.c.episode_id, pairs.c.show, pairs.c.app, pairs.c.country,
        order.label("n"), case((pairs.c.listener.in_(busy), 1), else_=0).label("busy"),
    ).subquery()  # fmt: skip
    r = ranked.c
    return (
        select(
            literal(day), r.episode_id, func.min(r.show), r.app, r.country,
            func.count(), func.sum(r.busy),
        )
        .where(or_(r.busy == 0, r.n == 1))
        .group_by(r.episode_id, r.app, r.country)
    )  # fmt: skip


def _player(day: str) -> Any:
    """A day's player figures by episode, context and origin, as a SELECT: each listener
    counts once per episode for each of play, 25, 50, 75 and 95 %; a listener with a
    flagged event that day (a flood) counts in ``flagged`` alone."""
    e = stats_events

    def reached(kind: str) -> Any:
        return func.max(case((e.c.kind == kind, 1), else_=0)).label(f"k{kind}")

    flooded = select(e.c.listener).where(e.c.day == day, e.c.flagged == true())
    per = (
        select(
            e.c.episode_id, e.c.context, e.c.origin, func.min(e.c.show).label("show"),
            reached("play"), *(reached(str(m)) for m in MILESTONES),
            func.max(case((e.c.kind == "play", e.c.rate), else_=0.0)).label("rate"),
            case((e.c.listener.in_(flooded), 1), else_=0).label("flood"),
        )
        .where(e.c.day == day)
        .group_by(e.c.listener, e.c.episode_id, e.c.context, e.c.origin)
        .subquery()
    )  # fmt: skip
    c = per.c
    counted = 1 - c.flood
    return select(
        literal(day), c.episode_id, func.min(c.show), c.context, c.origin,
        func.sum(c.kplay * counted), func.sum(c.k25 * counted), func.sum(c.k50 * counted),
        func.sum(c.k75 * counted), func.sum(c.k95 * counted),
        func.sum(c.rate * counted), func.sum(c.flood),
    ).group_by(c.episode_id, c.context, c.origin)  # fmt: skip
