"""The service's threads in a process (``narration serve`` or ``narration worker``): huey's
consumer running the queue's tasks, the reaper, and the follower polling sources."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from narration.errors import NarrationError
from narration.service.consumer import QuietConsumer
from narration.service.follow import Follower
from narration.service.queue import JobQueue
from narration.store.removals import Removals

log = logging.getLogger(__name__)


class Service:
    """A running consumer of the queue plus the reaper, in threads of this process."""

    def __init__(self, queue: JobQueue) -> None:
        self.queue = queue
        # A consumer thread per narration slot and one more: a callback's delivery never
        # waits behind narrations.
        threads = queue.settings.jobs.jobs_at_once + 1
        options: dict[str, Any] = {"workers": threads, "periodic": False, "max_delay": 1.0}
        self.consumer = QuietConsumer(queue.huey, **options)
        self._stop = threading.Event()
        self._reaper = threading.Thread(target=self._reap_loop, name="reaper", daemon=True)
        # The sources shows follow are polled here too; the database keeps each entry
        # queued once however many processes poll.
        follower = Follower(queue.settings, queue.db, lambda sub: queue.submit(sub)[0])
        self._follower = threading.Thread(
            target=follower.run, args=(self._stop,), name="follower", daemon=True
        )

    def start(self) -> None:
        # Articles are prepared in processes of their own, started now and warmed while
        # the service waits for its first job.
        self.queue.runner.start()
        self.consumer.start()
        self._reaper.start()
        self._follower.start()

    def _reap_loop(self) -> None:
        removals = Removals(self.queue.db, self.queue.settings)
        while not self._stop.wait(self.queue.settings.jobs.reap_interval_s):
            try:
                self.queue.reap()
                # Files of deleted episodes go once their grace period ends, even when no
                # job comes to sweep them.
                removals.sweep()
            except (NarrationError, OSError) as exc:
                log.warning("reaper: %s", exc)

    def stop(self) -> bool:
        """Stop taking jobs and wait for the one being narrated, at most
        ``drain_timeout_s``; a job not finished by then is given back to the queue (see
        :meth:`~narration.service.runner.JobRunner.abandon`). Whether every job finished."""
        self._stop.set()
        self.consumer.stop(graceful=False)
        deadline = time.monotonic() + self.queue.settings.jobs.drain_timeout_s
        threads = [thread for _, thread in self.consumer.worker_threads]
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._reaper.join(max(0.0, deadline - time.monotonic()))
        self._follower.join(max(0.0, deadline - time.monotonic()))
        if any(thread.is_alive() for thread in threads):
            self.queue.runner.abandon()
            return False
        return True
