"""The narrators a process keeps, one per show and voice, each with its synthesis
processes: the service's job runner and the command line's following share this cache."""

from __future__ import annotations

import threading
from collections import OrderedDict

from narration.config import Settings
from narration.publish.narrator import Narrator
from narration.service import checking
from narration.store.database import Database

KEPT = 4
"""Narrators kept for the shows and voices narrated last; the least recently used one
beyond these is closed."""


class Narrators:
    """The narrator (and its synthesis processes) of each show and voice, the last
    ``keep`` used kept: however many voices submitters choose, a process holds a bounded
    number of synthesis processes."""

    def __init__(
        self, db: Database, *, keep: int = KEPT, hear: checking.Hear | None = None
    ) -> None:
        """``hear`` hears an episode back: given it, a show with ``check_max_wer`` has
        every episode heard before it is published."""
        self.db = db
        self.keep = keep
        self.hear = hear
        self._made: OrderedDict[tuple[str, str], Narrator] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, show: Settings) -> Narrator:
        """The narrator of ``show``'s slug and voice, made on first use."""
        key = (show.show.slug, show.show.voice)
        with self._lock:
            found = self._made.get(key)
            if found is not None:
                self._made.move_to_end(key)
                return found
            gate = (
                checking.Gate(show, self.db, self.hear)
                if self.hear is not None and show.check.max_wer is not None
                else None
            )
            made = self._made[key] = Narrator(show, db=self.db, gate=gate)
            # The narrators in use are the most recent ones (no more than the jobs
            # narrated at once, which ``keep`` covers): the one dropped is idle.
            while len(self._made) > self.keep:
                _, dropped = self._made.popitem(last=False)
                dropped.close()
            return made

    def close(self, wait: bool = True) -> None:
        with self._lock:
            made = list(self._made.values())
            self._made.clear()
        for narrator in made:
            narrator.close(wait)
