"""The job queue: jobs recorded in the catalog, their ids carried by huey (see
:mod:`narration.service.broker`), and the tasks that run them here: narrating a job, then
its callback and its listening check.

The catalog's jobs table stays the source of truth (see :mod:`narration.store.jobs`);
a task holds nothing but a job id.
"""

from __future__ import annotations

import logging
import threading

from narration.config import Settings
from narration.errors import NarrationError
from narration.service import callbacks, checking, submission
from narration.service.broker import make_huey
from narration.service.runner import JobRunner
from narration.store.catalog import Catalog
from narration.store.database import Database
from narration.store.jobs import JobStore, Submission

log = logging.getLogger(__name__)

STALE_LEASES = 10
"""A queued job untouched for this many lease lengths is put in the task queue again."""

BUSY_WAIT_S = 0.5
"""How long a narration task waits for a slot to free before it goes back to the end of
the queue (and its consumer thread takes the next task, a callback perhaps)."""


class JobQueue:
    """Jobs in the catalog, their ids on huey, and the runner that narrates them here."""

    def __init__(
        self, settings: Settings, *, immediate: bool = False, db: Database | None = None
    ) -> None:
        """``db`` is the process's database; without one the queue opens (and closes) the
        one ``settings`` name."""
        self.settings = settings
        self._own_db = db is None
        self.db = db if db is not None else Database.open(settings)
        self.catalog = Catalog(self.db)
        self.store = JobStore(self.db)
        self.huey = make_huey(settings, immediate=immediate)
        self.runner = JobRunner(settings, self.db)
        self.narrate_job = self.huey.task(name="narrate_job")(self._narrate_job)
        self.deliver_callback = self.huey.task(name="deliver_callback")(self._deliver_callback)
        # Behind every narration: a lower priority where the queue has priorities, and
        # put off while a narration waits (see checking.after_publishing).
        low = checking.CHECK_PRIORITY if self.huey.storage.priority else None
        self.check_job = self.huey.task(name="check_job", priority=low)(self._check_job)
        # One consumer thread at a time hears an episode back; the others stay free for
        # narrations (a check waiting on the hearing process would hold its thread).
        self._hearing = threading.Lock()

    def _narrate_job(self, job_id: str) -> None:
        # A slot that frees while this task waits is taken at once.
        status = self.runner.run(job_id, wait_s=BUSY_WAIT_S)
        if status == "busy":
            # Every narration slot is still taken: the task goes to the end of the queue,
            # and this consumer thread takes what waits behind it.
            self.narrate_job(job_id)
            return
        if callbacks.after_job(self.store, self.catalog, self.settings, job_id, status):
            self.deliver_callback(job_id, 1)
        if status == "done" and checking.after_publishing_on(self.settings):
            self.check_job(job_id)
        if status == "queued":
            # Tried again at once by whichever worker is free; the catalog counts attempts.
            self.narrate_job(job_id)

    def _check_job(self, job_id: str) -> None:
        if self.narrations_waiting() or not self._hearing.acquire(blocking=False):
            self.check_job.schedule(args=(job_id,), delay=checking.CHECK_DEFER_S)
            return
        try:
            heard = checking.after_publishing(
                self.store, self.catalog, self.settings, job_id, self.runner.hear_when_idle
            )
        finally:
            self._hearing.release()
        if heard:
            # The callback again, now with the check in the episode's JSON.
            self.deliver_callback(job_id, 1)

    def narrations_waiting(self) -> bool:
        """Whether a narration is waiting in the task queue (a check then waits)."""
        waiting = [*self.huey.pending(), *self.huey.scheduled()]
        return any(task.name == "narrate_job" for task in waiting)

    def _deliver_callback(self, job_id: str, number: int) -> None:
        outcome = callbacks.attempt_for_job(self.store, self.catalog, self.settings, job_id, number)
        if outcome == "again":
            # Kept in the queue's storage: delivered even if this process stops meanwhile.
            delay = callbacks.backoff_s(number, self.settings.callback)
            self.deliver_callback.schedule(args=(job_id, number + 1), delay=delay)

    def submit(self, sub: Submission) -> tuple[str, bool]:
        """Check and record ``sub``; queue it when new. The job id and whether it is new."""
        submission.check(sub, self.settings)
        job, new = self.store.enqueue(sub)
        if new:
            self.narrate_job(job.id)
        return job.id, new

    def problems(self) -> list[str]:
        """What this queue cannot use now: the database, the task queue. Each error is
        logged; the list says only which part failed."""
        found = []
        try:
            self.store.count()
        except NarrationError as exc:
            log.error("health: the database cannot be used: %s", exc)
            found.append("the database cannot be used")
        try:
            self.huey.pending_count()
        except Exception as exc:  # huey's storages raise their driver's own errors
            log.error("health: the task queue cannot be used: %s", exc)
            found.append("the task queue cannot be used")
        return found

    def reap(self) -> list[str]:
        """Queue again the jobs whose lease ran out (or whose queue message was lost)."""
        # A queued job waits for its turn behind others; only one untouched for many
        # leases has lost its queue message (a worker stopped between taking and claiming).
        failed: list[str] = []
        ids = self.store.reap(
            stale_after_s=STALE_LEASES * self.settings.jobs.job_lease_s, failed=failed
        )
        for job_id in ids:
            log.info("job %s queued again", job_id)
            self.narrate_job(job_id)
        for job_id in failed:
            # Failed by the reaper, not by a worker: its callback is sent from here.
            if callbacks.after_job(self.store, self.catalog, self.settings, job_id, "failed"):
                self.deliver_callback(job_id, 1)
        return ids

    def close(self, wait: bool = True) -> None:
        self.runner.close(wait)
        if self._own_db:
            self.db.close()
