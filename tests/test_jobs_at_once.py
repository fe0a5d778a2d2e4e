"""A worker narrates up to ``jobs_at_once`` jobs at the same time, and no more: a job that
finds every slot taken is left queued for a moment, not claimed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from narration.service.queue import JobQueue
from narration.store.jobs import Submission
from tests.api_fixtures import article, make_settings

pytestmark = pytest.mark.slow

SLOW = "A sentence that takes its time [[slow]]. Another one that waits too [[slow]]."


def _statuses(queue: JobQueue, ids: list[str]) -> list[str]:
    found = [queue.store.get(job_id) for job_id in ids]
    return [job.status if job is not None else "missing" for job in found]


def test_two_jobs_are_narrated_at_the_same_time(tmp_path: Path) -> None:
    queue = JobQueue(make_settings(tmp_path, jobs_at_once=2), immediate=True)
    try:
        jobs = [
            queue.store.enqueue(Submission("markdown", article(f"Slow {n}", SLOW), "default"))[0]
            for n in range(2)
        ]
        ids = [job.id for job in jobs]
        results: dict[str, object] = {}
        threads = [
            threading.Thread(target=lambda j=j: results.update({j: queue.runner.run(j)}))
            for j in ids
        ]
        for thread in threads:
            thread.start()
        seen_both = False
        while any(thread.is_alive() for thread in threads):
            seen_both = seen_both or _statuses(queue, ids) == ["running", "running"]
            threading.Event().wait(0.02)
        assert seen_both
        assert results == {ids[0]: "done", ids[1]: "done"}
        assert queue.catalog.count("default") == 2
    finally:
        queue.close()


@pytest.fixture
def one_slot_busy(tmp_path: Path) -> Iterator[tuple[JobQueue, threading.Thread, str, str]]:
    """A worker with one slot, narrating a slow job; a second job queued behind it."""
    queue = JobQueue(make_settings(tmp_path, jobs_at_once=1), immediate=True)
    try:
        first, _ = queue.store.enqueue(Submission("markdown", article("Busy", SLOW), "default"))
        second, _ = queue.store.enqueue(Submission("markdown", article("Later"), "default"))
        running = threading.Thread(target=queue.runner.run, args=(first.id,))
        running.start()
        while _statuses(queue, [first.id]) != ["running"]:
            threading.Event().wait(0.01)
        yield queue, running, first.id, second.id
        running.join()
    finally:
        queue.close()


def test_a_job_beyond_the_slots_is_left_queued(
    one_slot_busy: tuple[JobQueue, threading.Thread, str, str],
) -> None:
    queue, running, first, second = one_slot_busy
    assert queue.runner.run(second, wait_s=0) == "busy"
    assert _statuses(queue, [second]) == ["queued"]
    running.join()
    assert queue.runner.run(second, wait_s=0) == "done"
    assert _statuses(queue, [first, second]) == ["done", "done"]


def test_a_job_waiting_for_a_slot_takes_it_when_it_frees(
    one_slot_busy: tuple[JobQueue, threading.Thread, str, str],
) -> None:
    queue, _, first, second = one_slot_busy
    # Waits while the first job runs, then narrates in the slot it leaves.
    assert queue.runner.run(second, wait_s=120) == "done"
    assert _statuses(queue, [first, second]) == ["done", "done"]
