"""Synthesis in worker processes: one engine per process, a timeout per clip, one retry.

Engines like libespeak are process-global and not thread-safe, and upstream reports hangs
in pyttsx3's ``runAndWait``. So each worker process owns one backend, every clip has a
deadline, and a worker that misses it is killed and replaced (pebble does both). A clip
that fails twice fails the episode with a ``SynthesisError`` naming the sentence.
Workers also level each clip (loudness, peaks) so that work runs on every core.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import wave
from concurrent.futures import CancelledError, Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import pebble

from narration.audio.levels import LevelTarget, level_clip, pcm_to_float, trim_silence
from narration.errors import BadInput, NarrationError, SynthesisError
from narration.model import Clip
from narration.tts.base import Backend, VoiceSpec, create_backend

log = logging.getLogger(__name__)

_backend: Backend | None = None


@dataclass(frozen=True)
class ClipJob:
    text: str
    dest: Path
    target: LevelTarget


def _init_worker(spec: VoiceSpec) -> None:
    global _backend
    # Drivers print on stdout (pyttsx3: "Audio saved to ..."); the parent's stdout is
    # for the CLI's own output, e.g. --json lines.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the worker
    _backend = create_backend(spec)


def check_clip(pcm: bytes, sample_rate: int, text: str) -> None:
    """Refuse audio that cannot be the reading of ``text``: empty, silent or absurdly long."""
    seconds = len(pcm) / 2 / sample_rate
    words = max(1, len(text.split()))
    if seconds < 0.05 * words:
        raise SynthesisError(f"{seconds:.2f} s of audio is too short for {words} words: {text!r}")
    if seconds > 2.0 * words + 3.0:
        raise SynthesisError(f"{seconds:.1f} s of audio is too long for {words} words: {text!r}")
    x = pcm_to_float(pcm)
    if float((x.astype("float64") ** 2).mean()) ** 0.5 < 1e-3:
        raise SynthesisError(f"the audio for {text!r} is silent")


def _synthesize(job: ClipJob) -> int:
    if _backend is None:
        raise SynthesisError("worker has no backend")
    pcm = _backend.synthesize(job.text)
    check_clip(pcm, _backend.sample_rate, job.text)
    pcm = trim_silence(pcm, _backend.sample_rate)
    pcm = level_clip(pcm, _backend.sample_rate, job.target)
    write_wav(job.dest, pcm, _backend.sample_rate)
    return len(pcm) // 2


def write_wav(dest: Path, pcm: bytes, sample_rate: int) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    with wave.open(str(tmp), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm)
    os.replace(tmp, dest)


def read_clip(path: Path) -> Clip:
    with wave.open(str(path), "rb") as w:
        return Clip(path=path, sample_rate=w.getframerate(), samples=w.getnframes())


class SynthesisPool:
    """Worker processes that each own one backend for ``spec``."""

    def __init__(self, spec: VoiceSpec, workers: int, timeout_s: float) -> None:
        self.spec = spec
        self.timeout_s = timeout_s
        # forkserver: workers never inherit the parent's threads (uvicorn, queues) or locks.
        ctx = multiprocessing.get_context("forkserver")
        self._pool = pebble.ProcessPool(
            max_workers=workers, initializer=_init_worker, initargs=(spec,), context=ctx
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

    def close(self) -> None:
        self._pool.stop()
        self._pool.join()

    def submit(self, job: ClipJob) -> PendingClip:
        return PendingClip(self, job, self._schedule(job))

    def _schedule(self, job: ClipJob) -> Future[int]:
        future: Future[int] = self._pool.schedule(_synthesize, args=(job,), timeout=self.timeout_s)
        return future


class PendingClip:
    """A clip being synthesised; ``result()`` retries once, then fails the episode."""

    def __init__(self, pool: SynthesisPool, job: ClipJob, future: Future[int]) -> None:
        self._pool = pool
        self.job = job
        self._future = future
        self._attempts = 1

    def result(self) -> Clip:
        while True:
            try:
                self._future.result()
                return read_clip(self.job.dest)
            except BadInput:
                raise
            except (NarrationError, FutureTimeout, CancelledError, OSError, RuntimeError) as exc:
                reason = _describe(exc, self._pool.timeout_s)
                if self._attempts >= 2:
                    raise SynthesisError(
                        f"could not synthesise {self.job.text[:80]!r} "
                        f"after {self._attempts} attempts: {reason}"
                    ) from exc
                log.warning("retrying %r: %s", self.job.text[:60], reason)
                self._attempts += 1
                self._future = self._pool._schedule(self.job)


def _describe(exc: BaseException, timeout_s: float) -> str:
    if isinstance(exc, FutureTimeout):
        return f"no audio within {timeout_s:g} s (worker replaced)"
    if isinstance(exc, pebble.ProcessExpired):
        return f"worker process died (exit code {exc.exitcode})"
    return str(exc) or type(exc).__name__
