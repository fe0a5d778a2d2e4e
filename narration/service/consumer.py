"""huey's consumer as the service embeds it: no signal handlers of its own, and threads
woken when this process enqueues a task. Both change huey's private methods, so they are
kept here, apart, to check against each huey release."""

from __future__ import annotations

import threading
from typing import Any

from huey import Huey
from huey.consumer import Consumer
from huey.consumer import Worker as HueyLoop
from huey.signals import SIGNAL_ENQUEUED


class _WakingLoop(HueyLoop):  # type: ignore[misc]
    """The loop of one of huey's consumer threads, which polls an empty queue at growing
    intervals (up to ``max_delay``), woken at once when this process enqueues a task."""

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


class QuietConsumer(Consumer):  # type: ignore[misc]
    """huey's consumer without its signal handlers (the process that embeds it, uvicorn or
    the worker command, handles signals and stops it), whose threads wake when this
    process enqueues a task rather than when their next poll comes."""

    def __init__(self, huey: Huey, **options: Any) -> None:
        self._wake = threading.Event()
        huey.signal(SIGNAL_ENQUEUED)(lambda *_: self._wake.set())
        super().__init__(huey, **options)

    def _create_worker(self) -> _WakingLoop:
        return _WakingLoop(
            self._wake,
            huey=self.huey,
            default_delay=self.default_delay,
            max_delay=self.max_delay,
            backoff=self.backoff,
        )

    def _set_signal_handlers(self) -> None:
        return None
