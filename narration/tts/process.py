"""The processes engines run in: started from a fork server, never forked from the caller.

This module imports nothing of the backends or the pool, so a backend that needs an engine
once in a short-lived process (pyttsx3 listing espeak-ng's voices) and the pool that runs
engines for good both start their processes here without importing each other.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

T = TypeVar("T")


def worker_context() -> multiprocessing.context.ForkServerContext:
    """The context every process that touches an engine starts from."""
    # forkserver: workers never inherit the parent's threads (uvicorn, queues) or locks.
    ctx = multiprocessing.get_context("forkserver")
    # Workers fork from a server that has the audio libraries loaded already: they
    # start sooner, and share those pages instead of each holding a copy.
    ctx.set_forkserver_preload(["narration.audio.levels"])
    return ctx


def start_forkserver() -> None:
    """Start the server workers fork from, without waiting for it: it loads the audio
    libraries while this process goes on, and exits with it when no worker was needed."""
    # Lazy: forkserver loads subprocess (~2 ms); `narration voices` imports this, starts none.
    from multiprocessing import forkserver

    worker_context()
    forkserver.ensure_running()


def run_in_process(function: Callable[[], T], timeout_s: float) -> T:
    """``function()`` in a short-lived process started as synthesis workers are, killed
    after ``timeout_s``: for what needs an engine once, e.g. the list of its voices."""
    # Lazy: pebble (~50 ms) only when a process is started.
    import pebble

    pool = pebble.ProcessPool(max_workers=1, context=worker_context())
    try:
        future: Future[T] = pool.schedule(function, timeout=timeout_s)
        return future.result()
    finally:
        pool.close()
        try:
            pool.join(timeout=timeout_s)
        except TimeoutError:
            pool.stop()
            pool.join()
