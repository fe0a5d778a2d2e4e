"""The figures read back: downloads in rows by day, app, country or episode, and the
player's plays and completion, including the requests of the last minute (what is
buffered is written and today and yesterday are rolled up before reading)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from narration.service.stats.counter import Counter
from narration.store.stats import Filter, GroupBy, Player, Row


@dataclass(frozen=True)
class Figures:
    downloads: int
    rows: list[Row]
    player: Player


def read_figures(counter: Counter, where: Filter, by: GroupBy) -> Figures:
    """Blocks on the database: call it from a worker thread."""
    counter.roll_up(unless_since=time.monotonic())
    counter.purge()
    rows = counter.store.downloads(where, by)
    return Figures(sum(row.downloads for row in rows), rows, counter.store.player(where))
