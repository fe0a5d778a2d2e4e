"""``python -m tests.run_with_clock ARGS``: the ``narration`` command whose download counter
reads a clock that starts at ``TEST_CLOCK_START`` (an ISO 8601 instant) and runs on in
real time from there, so that a test picks the day its requests fall on rather than
waiting for one.

The counter is made inside the served app, out of a test's reach: its ``clock``
parameter is given here, before the command starts."""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
import time

from narration.service.stats.counter import Clock, Counter


def running_from(start: dt.datetime) -> Clock:
    """A clock that reads ``start`` now and moves on as time passes."""
    began = time.monotonic()
    return lambda: start + dt.timedelta(seconds=time.monotonic() - began)


if __name__ == "__main__":
    start = dt.datetime.fromisoformat(os.environ["TEST_CLOCK_START"])
    clock = running_from(start)
    Counter.__init__ = functools.partialmethod(Counter.__init__, clock=clock)  # type: ignore[method-assign]
    from narration.cli import main

    sys.exit(main())
