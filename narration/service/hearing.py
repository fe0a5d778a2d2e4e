"""Hearing episodes back in the service without delaying any narration.

The recogniser runs in a process of its own (see ``JobRunner.hear``). For checks after
publishing, that process runs at the lowest CPU priority Linux has (``SCHED_IDLE``: it
gets a core only when nothing else wants it; elsewhere, nice 19), and before each window
of audio it waits while the service narrates. The service says so with a file that exists
while any of its jobs is being narrated (:class:`Narrating`); a check that is waiting when
a narration starts resumes once the last one ends.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from narration.check.listen import before_each_window
from narration.check.report import Check
from narration.check.run import check_episode
from narration.config import Settings
from narration.model import Episode

log = logging.getLogger(__name__)

POLL_S = 0.2
"""How often a waiting check looks whether the narrations have ended."""


class Narrating:
    """A flag file that exists while at least one job of this process is narrated."""

    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="narration-hearing-"))
        self.path = self._dir / "narrating"
        self._count = 0
        self._lock = threading.Lock()

    def started(self) -> None:
        with self._lock:
            self._count += 1
            if self._count == 1:
                self.path.touch()

    def ended(self) -> None:
        with self._lock:
            self._count = max(0, self._count - 1)
            if self._count == 0:
                self.path.unlink(missing_ok=True)

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)


@functools.cache
def lowest_priority() -> str:
    """Put this process's thread, and the threads it starts from now on (the recogniser's),
    at the lowest CPU priority; which one it got."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        return "SCHED_IDLE"
    except (AttributeError, OSError):
        os.nice(19 - os.nice(0))
        return "nice 19"


def wait_while(flag: Path, poll_s: float = POLL_S) -> None:
    """Return once ``flag`` does not exist (a narration is running while it does)."""
    if not flag.exists():
        return
    log.info("hearing waits: the service is narrating")
    started = time.monotonic()
    while flag.exists():
        time.sleep(poll_s)
    log.info("hearing resumes after waiting %.1f s for narrations", time.monotonic() - started)


def hear_when_idle(
    flag: str, episode: Episode, settings: Settings, language: str | None = None
) -> Check:
    """Check ``episode`` at the lowest priority, waiting before each window while the
    file ``flag`` exists. Runs in the hearing process."""
    lowest_priority()
    before_each_window(functools.partial(wait_while, Path(flag)))
    try:
        return check_episode(episode, settings, language)
    finally:
        before_each_window(None)
