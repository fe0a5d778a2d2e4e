"""Run a stage of one job in a worker process, under a time limit.

Reading, extracting and preparing an article is pure Python on input nobody checked: a
pathological page must fail its own job with a clear error, not hold the worker (a
thread cannot be stopped; a process can). The process is kept between jobs, so it pays
for its imports once.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import CancelledError
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

import pebble
from pebble import ProcessExpired

from narration.errors import BadInput, NarrationError
from narration.tts.pool import worker_context

T = TypeVar("T")


class StageTimeout(BadInput):
    """A stage took longer than its limit: the input is at fault, trying again won't help."""


class IsolatedStage:
    """Worker processes that run a stage's function, one call at a time in each: as many
    as the jobs narrated at once, so one job's stage never waits for another's."""

    def __init__(self, name: str, timeout_s: float, workers: int = 1) -> None:
        self.name = name
        self.timeout_s = timeout_s
        self.workers = workers
        self._pool: pebble.ProcessPool | None = None

    def _processes(self) -> pebble.ProcessPool:
        if self._pool is None:
            # Started as synthesis workers are (forkserver: the processes never inherit
            # the service's threads or locks), from the one server: whichever starts it
            # first, it preloads what synthesis workers share.
            self._pool = pebble.ProcessPool(max_workers=self.workers, context=worker_context())
        return self._pool

    def start(self, warm_up: Callable[[], object]) -> None:
        """Start the processes now, each running ``warm_up`` (loading what the stage's
        first call would otherwise load inside a job), without waiting for them."""
        for _ in range(self.workers):
            self._processes().schedule(warm_up, timeout=self.timeout_s)

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a worker process; its errors are raised here as they were
        raised there. :class:`StageTimeout` after ``timeout_s``: the process is replaced."""
        future = self._processes().schedule(fn, args=args, timeout=self.timeout_s)
        try:
            result: T = future.result()
        except FutureTimeout as exc:
            raise StageTimeout(
                f"{self.name} took longer than {self.timeout_s:g} s and was stopped"
            ) from exc
        except (ProcessExpired, CancelledError) as exc:
            raise NarrationError(f"{self.name} stopped unexpectedly: {exc}") from exc
        return result

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool.join()
            self._pool = None
