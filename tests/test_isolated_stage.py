"""A job's stage in worker processes: as many as jobs run at once, started and warmed ahead
of the first job, each stage call under its time limit."""

from __future__ import annotations

import os
import threading
import time

import pytest

from narration.errors import NarrationError
from narration.ingest.extract.html import UNDATED_CITATION, warm_date_parser
from narration.service.isolated import IsolatedStage, StageTimeout

pytestmark = pytest.mark.slow


def _pid_after(seconds: float) -> tuple[int, float, float]:
    started = time.time()
    time.sleep(seconds)
    return os.getpid(), started, time.time()


def _fail() -> None:
    raise NarrationError("the stage's own error")


def test_two_calls_run_at_once_in_two_processes() -> None:
    stage = IsolatedStage("a stage", timeout_s=30, workers=2)
    try:
        results: list[tuple[int, float, float]] = []
        calls = [
            threading.Thread(target=lambda: results.append(stage.run(_pid_after, 2.0)))
            for _ in range(2)
        ]
        for call in calls:
            call.start()
        for call in calls:
            call.join()
        (pid_a, start_a, end_a), (pid_b, start_b, end_b) = results
        assert pid_a != pid_b != os.getpid()
        # Each began before the other ended: neither waited for the other.
        assert start_a < end_b and start_b < end_a
    finally:
        stage.close()


def test_start_warms_each_process_and_errors_and_time_limits_still_hold() -> None:
    stage = IsolatedStage("a stage", timeout_s=1.0, workers=2)
    try:
        stage.start(warm_date_parser)
        with pytest.raises(NarrationError, match="the stage's own error"):
            stage.run(_fail)
        with pytest.raises(StageTimeout, match="a stage took longer than 1 s"):
            stage.run(_pid_after, 5.0)
        assert stage.run(_pid_after, 0.0)[0] != os.getpid()
    finally:
        stage.close()


def test_the_warm_up_string_is_no_date_in_any_locale() -> None:
    from dateparser import DateDataParser

    # No locale reads it as a date, so dateparser tries (and loads) every one it knows.
    parser = DateDataParser(languages=None)
    assert parser.get_date_data(UNDATED_CITATION).date_obj is None
