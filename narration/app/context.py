"""What a use case works with, given by its caller (an API route, a command): the process's
settings and database, and, for the use cases that need them, the job queue, the shows'
access (private shows and their tokens) and the listening counter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # For the annotations only: a command that hears an episode back or rolls the figures
    # up makes a context without loading the queue (huey) or the counter.
    from narration.config import Settings
    from narration.publish.private import Access
    from narration.service.queue import JobQueue
    from narration.service.stats.counter import Counter
    from narration.store.database import Database


@dataclass(frozen=True)
class Context:
    settings: Settings
    db: Database
    queue: JobQueue | None = None
    access: Access | None = None
    counter: Counter | None = None

    @property
    def jobs(self) -> JobQueue:
        """The job queue; a use case that queues work is given one."""
        if self.queue is None:
            raise RuntimeError("this use case needs the job queue in its context")
        return self.queue

    @property
    def shows_access(self) -> Access:
        if self.access is None:
            raise RuntimeError("this use case needs the shows' access in its context")
        return self.access

    @property
    def listening(self) -> Counter:
        if self.counter is None:
            raise RuntimeError("this use case needs the listening counter in its context")
        return self.counter
