"""Polls of followed sources run side by side, a few at a time, so a slow source holds one
thread and never the others' due polls.

A source is taken (its lease begins, see :meth:`SourceStore.claim_due`) only when a
thread is free to poll it at once: a source never waits, leased, behind another's poll,
and what this worker has no thread for stays free for other workers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait

from narration.service.follow_state import PollResult
from narration.store.sources import Source

log = logging.getLogger(__name__)

Claim = Callable[[int, Collection[str]], list[Source]]
"""Takes at most so many due sources, none of those named."""


class Polls:
    """The polls one follower has under way in ``pool`` (of ``threads`` threads)."""

    def __init__(
        self,
        pool: Executor,
        threads: int,
        claim: Claim,
        poll: Callable[[Source], PollResult],
        *,
        once: bool,
    ) -> None:
        self.pool = pool
        self.threads = threads
        self.claim = claim
        self.poll = poll
        self.once = once
        """Each source at most once (a round of :meth:`Follower.poll_due`); otherwise a
        source is left only while its poll is under way."""
        self.running: dict[Future[PollResult], str] = {}
        self.ids: set[str] = set()
        self.taken = 0

    def take(self, most: int) -> int:
        """Start polls of due sources on the free threads (at most ``most``); how many."""
        free = min(self.threads - len(self.running), most)
        if free <= 0:
            return 0
        due = self.claim(free, set(self.ids))
        for source in due:
            self.ids.add(source.id)
            self.running[self.pool.submit(self.poll, source)] = source.id
        self.taken += len(due)
        return len(due)

    def finished(self, block: bool) -> list[PollResult]:
        """The polls that ended (with ``block``, after waiting for one); an unexpected
        error of one is raised here."""
        if not self.running:
            return []
        if block:
            done = wait(self.running, return_when=FIRST_COMPLETED).done
        else:
            done = {future for future in self.running if future.done()}
        results = []
        for future in done:
            source_id = self.running.pop(future)
            if not self.once:
                self.ids.discard(source_id)
            results.append(future.result())
        return results
