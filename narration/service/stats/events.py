"""The player's events: play, then 25, 50, 75 and 95 % of the episode reached, with the
speed used, whether the player was embedded in a page of another site or on our own
episode page, and the host page's origin.

Each listener hash may send ``stats_events_per_minute`` events a minute; past that the
events are refused, and the first refused one of each minute is kept flagged: a flagged
hash's events count for nothing that day (the roll-up counts them apart), so a flood of
fake events cannot inflate the figures unseen.
"""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass
from typing import Literal

from narration.config import StatsSettings
from narration.service.stats.counter import Clock, Salts, utc_now
from narration.service.stats.listeners import listener_hash
from narration.store.stats import StatsStore, day_of

Kind = Literal["play", "25", "50", "75", "95"]
Context = Literal["embed", "page"]
_KNOWN_MAX = 10_000


@dataclass(frozen=True)
class PlayerEvent:
    episode_id: str
    kind: Kind
    rate: float
    """Playback speed (1.0 is normal)."""
    context: Context
    origin: str
    """The host page's origin (``https://news.example``), or "" when unknown."""


class Outcome(enum.Enum):
    TAKEN = "taken"
    UNKNOWN_EPISODE = "unknown_episode"
    LIMITED = "limited"


class PlayerEvents:
    def __init__(
        self,
        stats: StatsSettings,
        store: StatsStore,
        salts: Salts,
        clock: Clock = utc_now,
    ) -> None:
        self.limit = stats.events_per_minute
        self.store = store
        self.salts = salts
        self.clock = clock
        self._shows: dict[str, str | None] = {}
        self._minute = ""
        self._seen: dict[str, int] = {}
        self._lock = threading.Lock()

    def take(self, event: PlayerEvent, address: str, user_agent: str) -> Outcome:
        """Check and keep one event (blocks on the database: call it from a worker)."""
        show = self._show(event.episode_id)
        if show is None:
            return Outcome.UNKNOWN_EPISODE
        at = self.clock()
        day = day_of(at)
        listener = listener_hash(self.salts.of(day), address, user_agent)
        count = self._count(listener, at.strftime("%Y-%m-%dT%H:%M"))
        if count > self.limit + 1:
            return Outcome.LIMITED
        self.store.add_events([{
            "at": at, "day": day, "episode_id": event.episode_id, "show": show,
            "listener": listener, "kind": event.kind, "rate": event.rate,
            "context": event.context, "origin": event.origin[:200],
            "flagged": count > self.limit,
        }])  # fmt: skip
        return Outcome.LIMITED if count > self.limit else Outcome.TAKEN

    def _count(self, listener: str, minute: str) -> int:
        with self._lock:
            if minute != self._minute:
                self._minute, self._seen = minute, {}
            self._seen[listener] = self._seen.get(listener, 0) + 1
            return self._seen[listener]

    def _show(self, episode_id: str) -> str | None:
        if episode_id in self._shows:
            return self._shows[episode_id]
        show = self.store.episode_show(episode_id)
        with self._lock:
            if len(self._shows) >= _KNOWN_MAX:
                self._shows.clear()
            self._shows[episode_id] = show
        return show
