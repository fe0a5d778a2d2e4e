"""Callbacks: the episode's JSON POSTed to the submitter, signed, retried, checked."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from narration.config import Settings
from narration.keys import key_fingerprint
from narration.service import callbacks
from narration.service.queue import JobQueue
from narration.service.runtime import Service
from narration.store.jobs import Submission
from tests.api_fixtures import AUTH, KEY, article

pytestmark = pytest.mark.slow

OTHER_KEY = "other-key"


@dataclass
class Receiver:
    """A callback receiver on 127.0.0.1 answering the statuses in ``answers`` in turn
    (then 200), after ``delay`` seconds."""

    url: str
    answers: list[int] = field(default_factory=list)
    delay: float = 0.0
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    answered: int = 0
    """Deliveries answered so far (each after ``delay``)."""
    arrived: threading.Event = field(default_factory=threading.Event)

    def wait(self, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.received) >= count, self.received


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            me = state[0]
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            me.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            time.sleep(me.delay)
            me.answered += 1
            status = me.answers.pop(0) if me.answers else 200
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            self.send_response(500)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.append(Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hook"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state[0]
    server.shutdown()
    server.server_close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        out_dir=tmp_path / "out",
        voice="fake:tone",
        workers=2,
        clip_timeout_s=5,
        api_keys=[OTHER_KEY, KEY],
        fetch_allow=["127.0.0.1"],
        callback_attempts=4,
        callback_backoff_s=0.01,
        callback_timeout_s=5,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    queue = JobQueue(settings, immediate=True)
    with TestClient(create_app(settings, queue)) as test_client:
        yield test_client
    queue.close()


def verify(headers: dict[str, str], body: bytes, secret: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["x-narration-signature"], expected)


def test_a_done_episode_is_posted_signed_with_the_submitting_key(
    client: TestClient, receiver: Receiver
) -> None:
    body = {"markdown": article("Called back"), "callback_url": receiver.url}
    answer = client.post("/v1/articles", json=body, headers=AUTH)
    assert answer.status_code == 202
    receiver.wait(1)
    headers, sent = receiver.received[0]
    assert headers["content-type"] == "application/json"
    assert verify(headers, sent, KEY)
    assert not verify(headers, sent, OTHER_KEY)
    assert not verify(headers, sent + b" ", KEY)
    episode = json.loads(sent)
    shown = client.get(answer.json()["links"]["self"]).json()
    assert episode.keys() == shown.keys()
    assert episode["status"] == "done"
    for name in ("id", "guid", "audio_url", "bytes", "duration_s", "links", "title"):
        assert episode[name] == shown[name]
    assert KEY not in sent.decode()
    time.sleep(0.2)
    assert len(receiver.received) == 1


def test_a_failed_job_is_posted_too(client: TestClient, receiver: Receiver) -> None:
    # The article URL answers 500 on the same receiver: the job fails for good.
    page = receiver.url.replace("/hook", "/article")
    body = {"url": page, "callback_url": receiver.url}
    answer = client.post("/v1/articles", json=body, headers=AUTH)
    assert answer.status_code == 202
    receiver.wait(1)
    headers, sent = receiver.received[0]
    assert verify(headers, sent, KEY)
    episode = json.loads(sent)
    assert episode["status"] == "failed"
    assert "500" in episode["error"]
    assert episode["audio_url"] is None


def _job_with_callback(queue: JobQueue, receiver: Receiver, key: str = KEY) -> str:
    sub = Submission(
        "text", "A callback is due. It may be retried.", queue.settings.show.slug,
        callback_url=receiver.url, key_id=key_fingerprint(key),
    )  # fmt: skip
    job, _ = queue.store.enqueue(sub)
    return job.id


def deliver_as_scheduled(queue: JobQueue, job_id: str) -> list[float]:
    """Deliver the job's callback as the service does, on an immediate queue: the first
    attempt at once, then each retry the queue scheduled, run at its due time. The delay
    each retry was scheduled with, in seconds."""
    delays: list[float] = []
    queue.deliver_callback(job_id, 1)
    while queue.huey.scheduled_count():
        [task] = queue.huey.scheduled()
        delays.append(
            round((task.eta - dt.datetime.now(dt.UTC).replace(tzinfo=None)).total_seconds())
        )
        [due] = queue.huey.read_schedule(task.eta)
        queue.huey.execute(due, timestamp=task.eta)
    return delays


@pytest.fixture
def slow_backoff(settings: Settings) -> Settings:
    """Backoff in whole seconds, so the scheduled delays can be read back exactly."""
    return settings.replaced(callback_backoff_s=10.0)


def test_retried_with_backoff_after_two_errors(slow_backoff: Settings, receiver: Receiver) -> None:
    receiver.answers = [500, 500]
    queue = JobQueue(slow_backoff, immediate=True)
    try:
        delays = deliver_as_scheduled(queue, _job_with_callback(queue, receiver))
    finally:
        queue.close()
    assert len(receiver.received) == 3
    assert delays == [10, 20]
    assert len({body for _, body in receiver.received}) == 1
    assert all(verify(headers, body, KEY) for headers, body in receiver.received)


def test_given_up_after_the_attempts(slow_backoff: Settings, receiver: Receiver) -> None:
    receiver.answers = [503] * 10
    queue = JobQueue(slow_backoff, immediate=True)
    try:
        delays = deliver_as_scheduled(queue, _job_with_callback(queue, receiver))
        assert queue.huey.scheduled_count() == 0
    finally:
        queue.close()
    assert len(receiver.received) == slow_backoff.callback.attempts == 4
    assert delays == [10, 20, 40]


def test_a_refused_address_is_not_contacted(settings: Settings, receiver: Receiver) -> None:
    closed = settings.replaced(fetch_allow=[])
    queue = JobQueue(closed, immediate=True)
    try:
        assert deliver_as_scheduled(queue, _job_with_callback(queue, receiver)) == []
    finally:
        queue.close()
    assert receiver.received == []


def test_a_refused_callback_url_is_refused_when_submitted(
    client: TestClient, receiver: Receiver
) -> None:
    for url in ("http://10.0.0.1/hook", "http://169.254.169.254/", "file:///etc/passwd"):
        body = {"markdown": article("Refused"), "callback_url": url}
        answer = client.post("/v1/articles", json=body, headers=AUTH)
        assert answer.status_code == 422, url


def test_a_slow_receiver_does_not_hold_the_worker(settings: Settings, receiver: Receiver) -> None:
    receiver.delay = 3.0
    queue = JobQueue(settings)
    service = Service(queue)
    service.start()
    try:
        first = _job_with_callback(queue, receiver)
        queue.narrate_job(first)
        receiver.wait(1, timeout=60)
        # The first job's callback is being delivered, slowly; the next job is narrated
        # meanwhile, by the other consumer thread.
        second, _ = queue.store.enqueue(
            Submission("text", "Narrated meanwhile. Not held.", settings.show.slug)
        )
        queue.narrate_job(second.id)
        deadline = time.monotonic() + 60
        while (job := queue.store.get(second.id)) is not None and job.status != "done":
            assert time.monotonic() < deadline, job
            time.sleep(0.05)
        assert receiver.answered == 0, "the next job waited for the slow receiver"
        receiver.wait(1)
        assert verify(*receiver.received[0], KEY)
    finally:
        service.stop()
        queue.close()


def test_no_callback_without_a_configured_key(settings: Settings, receiver: Receiver) -> None:
    queue = JobQueue(settings, immediate=True)
    try:
        sub = Submission(
            "text", "Old key. Gone now.", settings.show.slug, callback_url=receiver.url,
            key_id=key_fingerprint("retired-key"),
        )  # fmt: skip
        job, _ = queue.store.enqueue(sub)
        assert callbacks.prepared(job, None, settings) is None
        assert not callbacks.after_job(queue.store, queue.catalog, settings, job.id, "queued")
        assert deliver_as_scheduled(queue, job.id) == []
        assert receiver.received == []
    finally:
        queue.close()


def test_the_key_itself_is_not_stored(
    client: TestClient, settings: Settings, receiver: Receiver
) -> None:
    body = {"markdown": article("Stored"), "callback_url": receiver.url}
    answer = client.post("/v1/articles", json=body, headers=AUTH)
    queue: JobQueue = client.app.state.queue  # type: ignore[attr-defined]
    job = queue.store.get(answer.json()["id"])
    assert job is not None
    assert job.submission.key_id == key_fingerprint(KEY)
    assert KEY not in job.submission.payload()
    assert callbacks.secret_for(job.submission.key_id, settings) == KEY
    receiver.wait(1)


def test_a_job_failed_by_the_reaper_sends_its_callback(
    settings: Settings, receiver: Receiver
) -> None:
    from narration.store.jobs import MAX_ATTEMPTS
    from narration.store.tables import jobs

    queue = JobQueue(settings, immediate=True)
    try:
        sub = Submission(
            "text", "Never finished. Its worker died.", settings.show.slug,
            callback_url=receiver.url, key_id=key_fingerprint(KEY),
        )  # fmt: skip
        job, _ = queue.store.enqueue(sub)
        # Its last attempt's worker stopped answering: the lease ran out.
        with queue.db.begin() as conn:
            conn.execute(
                jobs.update()
                .where(jobs.c.id == job.id)
                .values(
                    status="running",
                    attempts=MAX_ATTEMPTS,
                    lease_owner="lost-worker",
                    lease_expires_at=queue.db.now(-1),
                )
            )
        queue.reap()
        failed = queue.store.get(job.id)
        assert failed is not None and failed.status == "failed"
        receiver.wait(1)
        headers, body = receiver.received[0]
        assert verify(headers, body, KEY)
        assert json.loads(body)["status"] == "failed" and json.loads(body)["id"] == job.id
    finally:
        queue.close()
