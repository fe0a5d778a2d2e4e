"""Synthesis in worker processes: one engine per process, a timeout per clip, one retry.

Engines like libespeak are process-global and not thread-safe, and upstream reports hangs
in pyttsx3's ``runAndWait``. So each worker process owns one backend, every clip has a
deadline, and a worker that misses it is killed and replaced (pebble does both). A clip
that fails twice fails the episode with a ``SynthesisError`` naming the sentence.
Workers also level each clip (loudness, peaks) so that work runs on every core.
"""

from __future__ import annotations

import logging
import threading
import wave
from concurrent.futures import CancelledError, Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from narration.errors import BadInput, NarrationError, SynthesisError
from narration.model import Clip
from narration.tts.base import BackendFactory, BackendInfo, VoiceSpec, backend_factory
from narration.tts.process import start_forkserver, worker_context
from narration.tts.worker import (
    ClipJob,
    JobKind,
    check_clip,
    describe,
    init_worker,
    ping,
    synthesize,
)

__all__ = [
    "ClipJob",
    "JobKind",
    "PendingClip",
    "SynthesisPool",
    "check_clip",
    "read_clip",
    "start_forkserver",
    "worker_context",
]

if TYPE_CHECKING:
    import pebble

log = logging.getLogger(__name__)

MAX_TASKS_PER_WORKER = 250
"""Workers are replaced after this many clips, which bounds what an engine leaks."""


def read_clip(path: Path) -> Clip:
    with wave.open(str(path), "rb") as w:
        return Clip(path=path, sample_rate=w.getframerate(), samples=w.getnframes())


class SynthesisPool:
    """Worker processes that each own one backend for ``spec``.

    The backend's factory is looked up here, in the parent, and handed to the workers:
    a backend registered in this process works in them too. The parent never builds a
    backend; :meth:`info` asks a worker for its name and version."""

    def __init__(
        self,
        spec: VoiceSpec,
        workers: int,
        timeout_s: float,
        factory: BackendFactory | None = None,
    ) -> None:
        self.spec = spec
        self.timeout_s = timeout_s
        self._workers = workers
        self._info: BackendInfo | None = None
        # Futures not yet done, with the clip file each makes: stopping the pool ends
        # those still waiting in its queue, which pebble itself leaves pending for ever.
        self._pending: dict[Future[int], Path] = {}
        # The clip being made for each file, shared by whoever asks for the same file.
        self._in_flight: dict[Path, PendingClip] = {}
        self._pending_lock = threading.Lock()
        self.closed = False
        # Lazy: pebble (~50 ms) only when workers start; `narration voices` imports this module.
        import pebble

        self._pool: pebble.ProcessPool = pebble.ProcessPool(
            max_workers=workers,
            max_tasks=MAX_TASKS_PER_WORKER,
            initializer=init_worker,
            initargs=(factory or backend_factory(spec.backend), spec),
            context=worker_context(),
        )

    def __enter__(self) -> SynthesisPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self, wait: bool = True) -> None:
        """Let running work finish (a worker still starting is never killed mid-fork, which
        would print its traceback on our stderr); stop whatever is stuck after a while.
        Without ``wait`` (the service is stopping and gave up its job), stop at once: clips
        not synthesised yet fail with a ``SynthesisError``, none is retried."""
        self.closed = True
        if not wait:
            self._pool.stop()
            self._pool.join()
            with self._pending_lock:
                pending, self._pending = self._pending, {}
                self._in_flight.clear()
            for future in pending:
                future.cancel()
            return
        self._pool.close()
        try:
            self._pool.join(timeout=self.timeout_s)
        except TimeoutError:
            self._pool.stop()
            self._pool.join()

    def release(self) -> None:
        """Close the pool as its process ends: with no clip pending, stop it without
        waiting for its threads, which poll every tenth of a second (its workers are
        daemonic and end with this process); otherwise as :meth:`close`."""
        with self._pending_lock:
            idle = not self._pending
        if not idle:
            self.close()
            return
        self.closed = True
        self._pool.stop()

    def start(self) -> None:
        """Start the workers now (they load their engine) rather than on the first clip."""
        for _ in range(self._workers):
            self._pool.schedule(ping)

    def info(self) -> BackendInfo:
        """The backend's name, version and sample rate as a worker reports them (asked
        once); the error that keeps the backend from starting (e.g. BadInput) otherwise."""
        if self._info is None:
            # Starting a worker loads its engine, which may take longer than one clip.
            timeout_s = max(self.timeout_s, 60.0)
            future: Future[BackendInfo] = self._pool.schedule(describe, timeout=timeout_s)
            try:
                self._info = future.result()
            except NarrationError:
                raise
            except (FutureTimeout, CancelledError, OSError, RuntimeError) as exc:
                raise SynthesisError(
                    f"voice {self.spec.label} did not start: {_describe(exc, timeout_s)}"
                ) from exc
        return self._info

    def submit(self, job: ClipJob) -> PendingClip:
        """Synthesise ``job``; a clip already being made for the same file is shared, not
        made twice (clips can be started before the episode that reads them is made)."""
        with self._pending_lock:
            clip = self._in_flight.get(job.dest)
        if clip is not None:
            return clip
        clip = PendingClip(self, job, self._schedule(job))
        with self._pending_lock:
            if not clip.future.done():  # else its callback has run: nothing to share
                self._in_flight[job.dest] = clip
        return clip

    def _schedule(self, job: ClipJob) -> Future[int]:
        if self.closed:
            raise _stopped(job)
        future: Future[int] = self._pool.schedule(synthesize, args=(job,), timeout=self.timeout_s)
        with self._pending_lock:
            self._pending[future] = job.dest
        future.add_done_callback(self._done)
        return future

    def _done(self, future: Future[int]) -> None:
        with self._pending_lock:
            dest = self._pending.pop(future, None)
            shared = self._in_flight.get(dest) if dest is not None else None
            if shared is not None and shared.future is future:
                del self._in_flight[shared.job.dest]


class PendingClip:
    """A clip being synthesised; ``result()`` retries once, then fails the episode."""

    def __init__(self, pool: SynthesisPool, job: ClipJob, future: Future[int]) -> None:
        self._pool = pool
        self.job = job
        self.future = future
        self._attempts = 1

    def result(self) -> Clip:
        while True:
            try:
                self.future.result()
                return read_clip(self.job.dest)
            except BadInput:
                raise
            except (NarrationError, FutureTimeout, CancelledError, OSError, RuntimeError) as exc:
                reason = _describe(exc, self._pool.timeout_s)
                if self._pool.closed:
                    raise _stopped(self.job) from exc
                if self._attempts >= 2:
                    raise SynthesisError(
                        f"could not synthesise {self.job.text[:80]!r} "
                        f"after {self._attempts} attempts: {reason}"
                    ) from exc
                log.warning("retrying %r: %s", self.job.text[:60], reason)
                self._attempts += 1
                self.future = self._pool._schedule(self.job)


def _stopped(job: ClipJob) -> SynthesisError:
    return SynthesisError(f"could not synthesise {job.text[:80]!r}: the voice was stopped")


def _describe(exc: BaseException, timeout_s: float) -> str:
    # Lazy: pebble (~50 ms) only when workers start; `narration voices` imports this module.
    import pebble

    if isinstance(exc, FutureTimeout):
        return f"no audio within {timeout_s:g} s (worker replaced)"
    if isinstance(exc, pebble.ProcessExpired):
        return f"worker process died (exit code {exc.exitcode})"
    return str(exc) or type(exc).__name__
