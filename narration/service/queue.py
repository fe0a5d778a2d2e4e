"""The task queue and the workers that narrate jobs.

huey carries job ids: on a SQLite file in the state directory by default, on Redis when
``NARRATION_QUEUE_URL`` is set, so workers on several machines share the work. The
catalog's jobs table stays the source of truth (see :mod:`narration.store.jobs`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections import OrderedDict
from typing import Any, Literal

from huey import Huey, RedisHuey, SqliteHuey
from huey.consumer import Consumer
from huey.consumer import Worker as HueyWorker
from huey.signals import SIGNAL_ENQUEUED

from narration.check.report import Check
from narration.check.run import check_episode
from narration.config import Settings
from narration.errors import BadInput, NarrationError
from narration.keys import Caller, admin_fingerprints
from narration.model import Episode
from narration.publish.narrator import Narrator
from narration.service import callbacks, checking, submission
from narration.service.follow import Follower
from narration.service.hearing import Narrating, hear_when_idle
from narration.service.isolated import IsolatedStage
from narration.store.catalog import Catalog
from narration.store.database import Database
from narration.store.jobs import JobStore, Status, Submission
from narration.store.removals import Removals

log = logging.getLogger(__name__)

STALE_LEASES = 10
"""A queued job untouched for this many lease lengths is put in the task queue again."""


def make_huey(settings: Settings, *, immediate: bool = False) -> Huey:
    """huey on Redis when ``queue_url`` says so, else on SQLite in the state directory.

    ``immediate`` runs every task as it is enqueued, in the caller's thread (tests).
    """
    url = settings.queue_url
    if url and not immediate:
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise BadInput(f"NARRATION_QUEUE_URL: {url!r} is not a redis:// URL")
        try:
            return RedisHuey(settings.queue_name, url=url)
        except ImportError as exc:
            raise NarrationError("NARRATION_QUEUE_URL needs the redis package") from exc
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(
        settings.queue_name,
        filename=str(settings.state_dir / "queue.sqlite"),
        immediate=immediate,
    )


BUSY_WAIT_S = 0.5
"""How long a narration task waits for a slot to free before it goes back to the end of
the queue (and its consumer thread takes the next task, a callback perhaps)."""

NARRATORS_KEPT = 4
"""Narrators (each with its synthesis processes) a worker keeps for the shows and voices
it narrated last; the least recently used one beyond these is closed."""


class Worker:
    """Narrates up to ``jobs_at_once`` jobs at a time, with a narrator (and its synthesis
    processes) per show and voice. Two at a time keep both cores of a small machine busy:
    one job's single-threaded stretches (preparing, tagging, publishing the feed) run while
    another's synthesis and encoding use the other core."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self.store = JobStore(db)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._narrators: OrderedDict[tuple[str, str], Narrator] = OrderedDict()
        self._slots = threading.BoundedSemaphore(settings.jobs_at_once)
        self._state = threading.Lock()
        self._current: set[str] = set()
        self._prepare = IsolatedStage(
            "preparing the article", settings.prepare_timeout_s, workers=settings.jobs_at_once
        )
        # The recogniser (hundreds of MB once loaded) lives in a process of its own, kept
        # between checks: the service's process stays small, and a stuck check is stopped.
        self._hearing = IsolatedStage("hearing the episode back", settings.check_timeout_s)
        self._narrating = Narrating()

    def run(
        self, job_id: str, lease_s: float | None = None, *, wait_s: float | None = None
    ) -> Status | Literal["busy"] | None:
        """Claim the job and narrate it; its new status, or None when it was not claimable
        (done, failed, or held by another worker). With ``wait_s``, ``busy`` when this
        worker still narrates as many jobs as it may after waiting that long for a slot."""
        if not self._slots.acquire(timeout=wait_s):
            return "busy"
        try:
            return self._run(job_id, lease_s)
        finally:
            self._slots.release()

    def _run(self, job_id: str, lease_s: float | None) -> Status | None:
        lease = lease_s if lease_s is not None else self.settings.job_lease_s
        job = self.store.claim(job_id, self.owner, lease)
        if job is None:
            return None
        stop = threading.Event()
        renewer = threading.Thread(
            target=self._renew, args=(job_id, lease, stop), name="lease", daemon=True
        )
        renewer.start()
        with self._state:
            self._current.add(job_id)
        self._narrating.started()
        try:
            episode_id = self._narrate(job.submission)
        except BadInput as exc:
            return self.store.fail(job_id, self.owner, str(exc), permanent=True)
        except (NarrationError, OSError) as exc:
            log.warning("job %s failed (attempt %d): %s", job_id, job.attempts, exc)
            return self.store.fail(job_id, self.owner, str(exc))
        finally:
            self._narrating.ended()
            with self._state:
                self._current.discard(job_id)
            stop.set()
            renewer.join()
        self.store.complete(job_id, self.owner, episode_id)
        return "done"

    def _narrate(self, sub: Submission) -> str:
        show = submission.show_settings(sub, self.settings)
        article = self._prepare.run(submission.article, sub, show)
        narrator = self.narrator(show)
        # A job without a key was queued by the operator's own configuration (a source the
        # shows file follows), who may change any episode, as on the command line.
        caller = (
            Caller.operator()
            if sub.key_id is None
            else Caller(sub.key_id, sub.key_id in admin_fingerprints(self.settings))
        )
        [result] = narrator.narrate([article], caller)
        return result.episode.id

    def start(self) -> None:
        """Start the processes that prepare articles, ahead of the first job."""
        self._prepare.start(submission.warm_up)

    def narrator(self, show: Settings) -> Narrator:
        """The narrator (and its synthesis processes) of a show and voice: the last
        :data:`NARRATORS_KEPT` are kept, so however many voices submitters choose, a
        worker holds a bounded number of processes."""
        key = (show.show_slug, show.voice)
        with self._state:
            found = self._narrators.get(key)
            if found is not None:
                self._narrators.move_to_end(key)
                return found
            # With a word error rate limit, every episode is heard before it is published.
            gate = (
                checking.Gate(show, self.db, self.hear) if show.check_max_wer is not None else None
            )
            made = self._narrators[key] = Narrator(show, db=self.db, gate=gate)
            # The narrators in use are the most recent ones (at most jobs_at_once, fewer
            # than NARRATORS_KEPT): the one dropped is idle.
            while len(self._narrators) > max(NARRATORS_KEPT, self.settings.jobs_at_once):
                _, dropped = self._narrators.popitem(last=False)
                dropped.close()
            return made

    def hear(self, episode: Episode, settings: Settings, language: str | None = None) -> Check:
        """Hear ``episode`` back in the process kept for the recogniser, as part of its
        narration (the gate of ``check_max_wer``)."""
        return self._hearing.run(check_episode, episode, settings, language)

    def hear_when_idle(
        self, episode: Episode, settings: Settings, language: str | None = None
    ) -> Check:
        """Hear a published ``episode`` back without delaying any narration: at the
        lowest CPU priority, waiting before each window while this worker narrates."""
        flag = str(self._narrating.path)
        return self._hearing.run(hear_when_idle, flag, episode, settings, language)

    def _renew(self, job_id: str, lease_s: float, stop: threading.Event) -> None:
        while not stop.wait(lease_s / 3):
            try:
                if not self.store.renew(job_id, self.owner, lease_s):
                    log.warning("job %s: lease lost to another worker", job_id)
                    return
            except NarrationError as exc:
                log.warning("job %s: could not renew the lease: %s", job_id, exc)

    def abandon(self) -> str | None:
        """Give back the job being narrated (the service is stopping and cannot wait for
        it): the next start, or another worker, narrates it. Its id, if there was one."""
        with self._state:
            current = sorted(self._current)
        given = None
        for job_id in current:
            if self.store.release(job_id, self.owner):
                log.warning("job %s given back unfinished; it is narrated again later", job_id)
                given = given or job_id
        return given

    def close(self, wait: bool = True) -> None:
        for narrator in self._narrators.values():
            narrator.close(wait)
        self._narrators.clear()
        self._prepare.close()
        self._hearing.close()
        self._narrating.close()


class JobQueue:
    """Jobs in the catalog, their ids on huey, and the worker that runs them here."""

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
        self.worker = Worker(settings, self.db)
        self.narrate_job = self.huey.task(name="narrate_job")(self._narrate_job)
        self.deliver_callback = self.huey.task(name="deliver_callback")(self._deliver_callback)
        # Behind every narration: a lower priority where the queue has priorities, and
        # put off while a narration waits (see checking.after_publishing).
        low = checking.CHECK_PRIORITY if self.huey.storage.priority else None
        self.check_job = self.huey.task(name="check_job", priority=low)(self._check_job)

    def _narrate_job(self, job_id: str) -> None:
        # A slot that frees while this task waits is taken at once.
        status = self.worker.run(job_id, wait_s=BUSY_WAIT_S)
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
        if self.narrations_waiting():
            self.check_job.schedule(args=(job_id,), delay=checking.CHECK_DEFER_S)
            return
        if checking.after_publishing(
            self.store, self.catalog, self.settings, job_id, self.worker.hear_when_idle
        ):
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
            delay = callbacks.backoff_s(number, self.settings)
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
        ids = self.store.reap(stale_after_s=STALE_LEASES * self.settings.job_lease_s, failed=failed)
        for job_id in ids:
            log.info("job %s queued again", job_id)
            self.narrate_job(job_id)
        for job_id in failed:
            # Failed by the reaper, not by a worker: its callback is sent from here.
            if callbacks.after_job(self.store, self.catalog, self.settings, job_id, "failed"):
                self.deliver_callback(job_id, 1)
        return ids

    def close(self, wait: bool = True) -> None:
        self.worker.close(wait)
        if self._own_db:
            self.db.close()


class _WakingWorker(HueyWorker):  # type: ignore[misc]
    """huey's consumer thread, which polls an empty queue at growing intervals (up to
    ``max_delay``), woken at once when this process enqueues a task."""

    delay: float
    default_delay: float
    max_delay: float
    backoff: float

    def __init__(self, wake: threading.Event, **options: Any) -> None:
        self._wake = wake
        super().__init__(**options)

    def sleep(self) -> None:
        if self._wake.wait(min(self.delay, self.max_delay)):
            self._wake.clear()
            self.delay = self.default_delay
        else:
            self.delay = min(self.delay * self.backoff, self.max_delay)


class _QuietConsumer(Consumer):  # type: ignore[misc]
    """huey's consumer without its signal handlers (the process that embeds it, uvicorn or
    the worker command, handles signals and stops it), whose threads wake when this
    process enqueues a task rather than when their next poll comes."""

    def __init__(self, huey: Huey, **options: Any) -> None:
        self._wake = threading.Event()
        huey.signal(SIGNAL_ENQUEUED)(lambda *_: self._wake.set())
        super().__init__(huey, **options)

    def _create_worker(self) -> _WakingWorker:
        return _WakingWorker(
            self._wake,
            huey=self.huey,
            default_delay=self.default_delay,
            max_delay=self.max_delay,
            backoff=self.backoff,
        )

    def _set_signal_handlers(self) -> None:
        return None


class Service:
    """A running consumer of the queue plus the reaper, in threads of this process."""

    def __init__(self, queue: JobQueue) -> None:
        self.queue = queue
        # A consumer thread per narration slot and one more: a callback's delivery never
        # waits behind narrations.
        threads = queue.settings.jobs_at_once + 1
        options: dict[str, Any] = {"workers": threads, "periodic": False, "max_delay": 1.0}
        self.consumer = _QuietConsumer(queue.huey, **options)
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
        self.queue.worker.start()
        self.consumer.start()
        self._reaper.start()
        self._follower.start()

    def _reap_loop(self) -> None:
        removals = Removals(self.queue.db, self.queue.settings)
        while not self._stop.wait(self.queue.settings.reap_interval_s):
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
        :meth:`Worker.abandon`). Whether every job finished."""
        self._stop.set()
        self.consumer.stop(graceful=False)
        deadline = time.monotonic() + self.queue.settings.drain_timeout_s
        threads = [thread for _, thread in self.consumer.worker_threads]
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._reaper.join(max(0.0, deadline - time.monotonic()))
        self._follower.join(max(0.0, deadline - time.monotonic()))
        if any(thread.is_alive() for thread in threads):
            self.queue.worker.abandon()
            return False
        return True
