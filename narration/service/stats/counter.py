"""The counting path: audio requests appended to a buffer in memory (a deque append, on
the serving path), written to the raw hits every second by a background thread, rolled
up every ten minutes (and whenever the figures are read), and purged of everything older
than 48 hours.

The raw address is kept in memory only until the batch is written (a second or so): the
row holds the listener hash, the app, the bot and watch flags and the country alone.
"""

from __future__ import annotations

import collections
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from narration.config import Settings
from narration.errors import NarrationError, SettingsError
from narration.service.stats.agents import classify
from narration.service.stats.listeners import listener_hash
from narration.store.database import Database
from narration.store.stats import AudioFile, Hit, StatsStore, day_of

log = logging.getLogger(__name__)

KEEP = dt.timedelta(hours=48)
"""How long raw hits and events (and so listener hashes) are kept."""
UNKNOWN = "unknown"
CLOSING = dt.timedelta(minutes=5)
"""How long after midnight a day is rolled up once more, for good: every process has
written the day's last requests by then (each writes its buffer every second)."""
BUFFER_MAX = 200_000
"""Requests held in memory at most while the database cannot be written."""

Clock = Callable[[], dt.datetime]
"""The time now, as an aware datetime: what counting stamps requests, picks the day to
roll up and purges by. Tests hand in their own instead of waiting for a time of day."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class AudioRequest(NamedTuple):
    """One request for an episode's audio, as served (a tuple: made on the serving path)."""

    at: dt.datetime
    name: str
    """The file's path in the output directory (``episodes/<name>.mp3``)."""
    address: str
    user_agent: str
    first_byte: int
    last_byte: int
    """The last byte asked for (inclusive)."""


class Countries:
    """The country of an address, from an offline MaxMind database when one is set."""

    def __init__(self, path: Path | None) -> None:
        self._reader: Any = None
        if path is not None:
            # Lazy: maxminddb (~35 ms) only when a GeoIP database is set.
            import maxminddb

            try:
                self._reader = maxminddb.open_database(str(path))
            except (OSError, ValueError, maxminddb.InvalidDatabaseError) as exc:
                raise SettingsError(f"cannot read the GeoIP database {path.name}: {exc}") from exc

    def of(self, address: str) -> str:
        if self._reader is None:
            return UNKNOWN
        try:
            found = self._reader.get(address)
        except ValueError:
            return UNKNOWN
        code = (found or {}).get("country", {}).get("iso_code") if isinstance(found, dict) else None
        return str(code) if code else UNKNOWN

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()


class Salts:
    """Each day's salt, read from the database once per day per process."""

    def __init__(self, store: StatsStore) -> None:
        self.store = store
        self._known: dict[str, str] = {}
        self._lock = threading.Lock()

    def of(self, day: str) -> str:
        salt = self._known.get(day)
        if salt is None:
            with self._lock:
                salt = self._known.get(day) or self.store.salt(day)
                self._known = {k: v for k, v in self._known.items() if k >= day} | {day: salt}
        return salt


class Counter:
    """Takes audio requests and turns them into raw hits, roll-ups and purges."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        *,
        flush_s: float = 1.0,
        roll_up_s: float = 600.0,
        clock: Clock = utc_now,
    ) -> None:
        self.settings = settings
        self.store = StatsStore(db)
        self.salts = Salts(self.store)
        self.countries = Countries(settings.stats.geoip_path)
        self.clock = clock
        self.flush_s = flush_s
        self.roll_up_s = roll_up_s
        self._pending: collections.deque[AudioRequest] = collections.deque(maxlen=BUFFER_MAX)
        self._files: dict[str, AudioFile | None] = {}
        self._writing = threading.Lock()
        self._rolling = threading.Lock()
        self._rolled_from = float("-inf")
        self._closed = ""
        """The last day rolled up for good."""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._starting = threading.Lock()

    def hit(self, request: AudioRequest) -> None:
        """Take one request: cheap, never blocks on the database."""
        self._pending.append(request)
        if self._thread is None:
            self._start()

    def flush(self) -> int:
        """Write the requests taken so far as raw hits; how many rows were written."""
        with self._writing:
            batch: list[AudioRequest] = []
            while self._pending:
                batch.append(self._pending.popleft())
            if not batch:
                return 0
            try:
                rows = self._rows(batch)
                self.store.add_hits(rows)
            except NarrationError:
                self._pending.extendleft(reversed(batch))
                raise
            return len(rows)

    def roll_up(self, unless_since: float | None = None) -> None:
        """Write what is buffered, then roll up today, and yesterday until it has been
        rolled up once well after it ended (its raw hits are all still kept; no process
        adds to them once its buffer is written). With ``unless_since`` (a
        ``time.monotonic()``), nothing is done when a roll-up started after that moment:
        readers asking at once share one."""
        with self._rolling:
            if unless_since is not None and self._rolled_from > unless_since:
                return
            started = time.monotonic()
            self.flush()
            now = self.clock()
            today, yesterday = day_of(now), day_of(now - dt.timedelta(days=1))
            for day in (yesterday, today):
                if day != self._closed:
                    self.store.roll_up(day, self.settings.stats.hourly_limit)
            midnight = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
            if now - midnight >= CLOSING:
                self._closed = yesterday
            self._rolled_from = started

    def purge(self) -> tuple[int, int]:
        """Delete raw hits and events older than 48 hours (yesterday is rolled up first,
        so nothing is lost that a roll-up still needs)."""
        return self.store.purge(self.clock() - KEEP)

    def close(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=10)
        try:
            self.flush()
        finally:
            self.countries.close()

    def _rows(self, batch: list[AudioRequest]) -> list[Hit]:
        unknown = {r.name for r in batch if r.name not in self._files}
        if unknown:
            found = self.store.audio_files(unknown)
            self._files.update({name: found.get(name) for name in unknown})
        rows = []
        # An app's requests come in runs (a probe, then ranges): each hashed once a batch.
        listeners: dict[tuple[str, str, str], tuple[str, str]] = {}
        days: dict[dt.date, str] = {}
        for r in batch:
            audio = self._files.get(r.name)
            if audio is None:
                continue
            at = r.at if r.at.tzinfo is dt.UTC else r.at.astimezone(dt.UTC)
            date = at.date()
            day = days.get(date) or days.setdefault(date, date.isoformat())
            agent = classify(r.user_agent)
            who = (day, r.address, r.user_agent)
            known = listeners.get(who)
            if known is None:
                salt = self.salts.of(day)
                known = listeners[who] = (
                    listener_hash(salt, r.address, r.user_agent),
                    self.countries.of(r.address),
                )
            rows.append(
                Hit(
                    at, day, at.hour, audio.episode_id, audio.show, known[0], agent.app[:64],
                    known[1], agent.bot, agent.watch, r.first_byte, r.last_byte,
                    r.last_byte - r.first_byte + 1, audio.need,
                )
            )  # fmt: skip
        return rows

    def _start(self) -> None:
        with self._starting:
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(target=self._run, name="stats", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        last_roll_up = self.clock()
        while not self._stop.wait(self.flush_s):
            try:
                self.flush()
                if (self.clock() - last_roll_up).total_seconds() >= self.roll_up_s:
                    last_roll_up = self.clock()
                    self._files.clear()
                    self.roll_up()
                    self.purge()
            except NarrationError as exc:
                log.warning("listening figures not written yet: %s", exc)
