"""What one poll of a followed source may cost: time matching its URL pattern, entries
read, bytes fetched and time in all. A poll over any of them stops with
:class:`OverBudget` naming it, so one source (a huge sitemap index, a pattern that
backtracks) never holds a follower's thread for long.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from narration.config import FollowSettings
from narration.errors import NarrationError, SourceError


class OverBudget(SourceError):
    """A poll went over one of its budgets; the message names which, and its setting."""


class Stopped(NarrationError):
    """The follower is stopping: the poll was left part-way, to be taken again once its
    lease runs out."""


@dataclass
class PollBudget:
    """The budgets of one poll, and what it has spent of them."""

    regex_s: float
    max_entries: int
    max_bytes: int
    max_s: float
    stop: threading.Event | None = None
    renew: Callable[[], None] | None = None
    """Called every ``renew_every_s`` while the poll goes on: it keeps the poll's lease."""
    renew_every_s: float = 60.0
    regex_spent_s: float = 0.0
    entries: int = 0
    bytes: int = 0
    started: float = field(default_factory=time.monotonic)
    _renewed: float = field(default_factory=time.monotonic)

    @classmethod
    def of(
        cls,
        follow: FollowSettings,
        stop: threading.Event | None = None,
        renew: Callable[[], None] | None = None,
    ) -> PollBudget:
        return cls(
            regex_s=follow.poll_regex_s,
            max_entries=follow.poll_max_entries,
            max_bytes=follow.poll_max_bytes,
            max_s=follow.poll_max_s,
            stop=stop,
            renew=renew,
            renew_every_s=follow.lease_s / 3,
        )

    def regex_left_s(self) -> float:
        return max(0.0, self.regex_s - self.regex_spent_s)

    def spend_regex(self, seconds: float) -> None:
        self.regex_spent_s += seconds
        if self.regex_spent_s >= self.regex_s:
            raise OverBudget(
                f"over budget: matching the URL pattern took more than {self.regex_s:g} s "
                "of one poll (NARRATION_FOLLOW_POLL_REGEX_S); a pattern that backtracks "
                "is the usual cause"
            )

    def read(self, size: int) -> None:
        self.bytes += size
        if self.bytes > self.max_bytes:
            raise OverBudget(
                f"over budget: more than {self.max_bytes} bytes fetched in one poll "
                "(NARRATION_FOLLOW_POLL_MAX_BYTES)"
            )
        self.check()

    def parsed(self, entries: int) -> None:
        self.entries += entries
        if self.entries > self.max_entries:
            raise OverBudget(
                f"over budget: more than {self.max_entries} entries read in one poll "
                "(NARRATION_FOLLOW_POLL_MAX_ENTRIES)"
            )
        self.check()

    def check(self) -> None:
        """Stop when the poll's time is up or the follower stops; keep the lease."""
        now = time.monotonic()
        if self.stop is not None and self.stop.is_set():
            raise Stopped("the follower is stopping")
        if now - self.started > self.max_s:
            raise OverBudget(
                f"over budget: the poll took more than {self.max_s:g} s "
                "(NARRATION_FOLLOW_POLL_MAX_S)"
            )
        if self.renew is not None and now - self._renewed >= self.renew_every_s:
            self._renewed = now
            self.renew()
