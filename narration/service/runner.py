"""Running jobs in this process: claiming a job, holding its lease while it is narrated,
and recording how it ended; hearing episodes back in a process kept for the recogniser."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from typing import Literal

from narration.check.report import Check
from narration.check.run import check_episode
from narration.config import Settings
from narration.errors import BadInput, NarrationError
from narration.keys import Caller, admin_fingerprints
from narration.model import Episode
from narration.service import submission
from narration.service.hearing import Narrating, hear_when_idle
from narration.service.isolated import IsolatedStage
from narration.service.narrators import KEPT, Narrators
from narration.store.database import Database
from narration.store.jobs import JobStore, Status, Submission

log = logging.getLogger(__name__)


class JobRunner:
    """Narrates up to ``jobs_at_once`` jobs at a time, with a narrator (and its synthesis
    processes) per show and voice. Two at a time keep both cores of a small machine busy:
    one job's single-threaded stretches (preparing, tagging, publishing the feed) run while
    another's synthesis and encoding use the other core."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self.store = JobStore(db)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.narrators = Narrators(db, keep=max(KEPT, settings.jobs.jobs_at_once), hear=self.hear)
        self._slots = threading.BoundedSemaphore(settings.jobs.jobs_at_once)
        self._state = threading.Lock()
        self._current: set[str] = set()
        self._prepare = IsolatedStage(
            "preparing the article",
            settings.jobs.prepare_timeout_s,
            workers=settings.jobs.jobs_at_once,
        )
        # The recogniser (hundreds of MB once loaded) lives in a process of its own, kept
        # between checks: the service's process stays small, and a stuck check is stopped.
        self._hearing = IsolatedStage("hearing the episode back", settings.check.timeout_s)
        self._narrating = Narrating()

    def run(
        self, job_id: str, lease_s: float | None = None, *, wait_s: float | None = None
    ) -> Status | Literal["busy"] | None:
        """Claim the job and narrate it; its new status, or None when it was not claimable
        (done, failed, or held by another worker). With ``wait_s``, ``busy`` when this
        process still narrates as many jobs as it may after waiting that long for a slot."""
        if not self._slots.acquire(timeout=wait_s):
            return "busy"
        try:
            return self._run(job_id, lease_s)
        finally:
            self._slots.release()

    def _run(self, job_id: str, lease_s: float | None) -> Status | None:
        lease = lease_s if lease_s is not None else self.settings.jobs.job_lease_s
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
        show = submission.submission_settings(sub, self.settings)
        article = self._prepare.run(submission.article, sub, show)
        narrator = self.narrators.of(show)
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

    def hear(self, episode: Episode, settings: Settings, language: str | None = None) -> Check:
        """Hear ``episode`` back in the process kept for the recogniser, as part of its
        narration (the gate of ``check_max_wer``)."""
        return self._hearing.run(check_episode, episode, settings, language)

    def hear_when_idle(
        self, episode: Episode, settings: Settings, language: str | None = None
    ) -> Check:
        """Hear a published ``episode`` back without delaying any narration: at the
        lowest CPU priority, waiting before each window while this process narrates."""
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
        self.narrators.close(wait)
        self._prepare.close()
        self._hearing.close()
        self._narrating.close()
