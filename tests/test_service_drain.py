"""A running ``narration serve`` under load it did not choose: a huge article is accepted
at once and prepared in the worker while the feed keeps answering; a stop signal during
a long job ends the process promptly and the next start finishes the job."""

from __future__ import annotations

import signal
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.running import RunningService

pytestmark = [pytest.mark.slow, pytest.mark.espeak]

KEY = {"Authorization": "Bearer k"}
ENV = {
    "NARRATION_VOICE": "pyttsx3:en",
    "NARRATION_API_KEYS": '["k"]',
    "NARRATION_WORKERS": "2",
    "NARRATION_DRAIN_TIMEOUT_S": "1",
    "NARRATION_REAP_INTERVAL_S": "0.5",
}


def long_text(target_bytes: int) -> str:
    """Plain text of distinct sentences, about ``target_bytes`` long."""
    sentences = []
    size = 0
    n = 0
    while size < target_bytes:
        n += 1
        sentence = (
            f"In district {n} the council counted {n * 7 + 3} new homes, "
            f"and residents of street {n % 97 + 1} asked for a crossing."
        )
        sentences.append(sentence)
        size += len(sentence) + 1
        if n % 6 == 0:
            sentences.append("\n\n")
    return " ".join(sentences)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[RunningService]:
    running = RunningService(tmp_path, ENV).start()
    try:
        yield running
    finally:
        running.close()


def test_a_huge_article_is_accepted_and_prepared_off_the_request_path(
    service: RunningService,
) -> None:
    service.narrate({"text": "A short one first. It makes the feed."}, KEY)
    body = {"text": long_text(1_900_000), "title": "The long report"}
    answer = service.http.post("/v1/articles", json=body, headers=KEY)
    assert answer.status_code == 202, answer.text
    job_id = answer.json()["id"]
    # The feed answers throughout, while the worker prepares and reads the article.
    latencies = []
    for _ in range(40):
        started = time.perf_counter()
        assert service.http.get("/feed.xml").status_code == 200
        latencies.append(time.perf_counter() - started)
        time.sleep(0.05)
    print(
        f"feed while preparing 1.9 MB: p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"max {max(latencies) * 1000:.1f} ms"
    )
    status = service.http.get(f"/v1/episodes/{job_id}", headers=KEY).json()["status"]
    assert status in ("queued", "running")
    # Stopping gives the job back rather than waiting for hours of audio.
    assert service.stop(signal.SIGTERM, timeout_s=15) == 0, service.log()


def test_a_stop_signal_during_a_long_job_exits_and_the_next_start_finishes_it(
    service: RunningService,
) -> None:
    body = {"text": long_text(24_000), "title": "A long read"}
    answer = service.http.post("/v1/articles", json=body, headers=KEY)
    assert answer.status_code == 202, answer.text
    job_id = answer.json()["id"]
    deadline = time.monotonic() + 60
    while service.http.get(f"/v1/episodes/{job_id}", headers=KEY).json()["status"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.5)
    # Killed when it has not stopped in 15 s; a clean exit is 0.
    assert service.stop(signal.SIGTERM, timeout_s=15) == 0, service.log()
    assert "given back unfinished" in service.log()
    service.start()
    job = service.wait(job_id, KEY, timeout_s=180)
    assert job["status"] == "done", job
    assert job["duration_s"] > 60
