"""Callbacks and WebSub requests as they leave, on httpx.MockTransport: what is sent,
where to, and what each answer comes to. The end-to-end paths through the queue and a
receiver on 127.0.0.1 are in test_callbacks.py and test_follow_websub.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from narration.config import Settings
from narration.ingest.follow_rules import Rules
from narration.service import callbacks
from narration.service.queue import JobQueue
from narration.service.websub import LEASE_S, WebSub
from narration.store.sources import SourceStore

RECEIVER = "93.184.215.14"  # public, so no allow list is needed; never contacted
BODY = b'{"id": "ep-1", "status": "done"}'


class Answers:
    """A MockTransport answering ``status`` (or raising ``error``), recording requests."""

    def __init__(self, status: int = 200, error: Exception | None = None) -> None:
        self.requests: list[httpx.Request] = []

        def handle(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            if error is not None:
                raise error
            return httpx.Response(status)

        self.transport = httpx.MockTransport(handle)


def test_a_callback_is_posted_as_signed_json_to_the_checked_address() -> None:
    answers = Answers(204)
    headers = {callbacks.SIGNATURE_HEADER: callbacks.sign(BODY, "k"), callbacks.JOB_HEADER: "j1"}
    url = f"http://{RECEIVER}/hook"
    assert callbacks.attempt(url, BODY, headers, Settings(), answers.transport) == "delivered"
    (sent,) = answers.requests
    assert (sent.method, sent.url.host, sent.url.path) == ("POST", RECEIVER, "/hook")
    assert sent.content == BODY
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["x-narration-signature"] == callbacks.sign(BODY, "k")
    assert sent.headers["x-narration-job"] == "j1"


@pytest.mark.parametrize(
    "answers",
    [Answers(500), Answers(302), Answers(error=httpx.ConnectError("connection refused"))],
    ids=["server error", "redirect", "unreachable"],
)
def test_a_callback_not_taken_is_tried_again(answers: Answers) -> None:
    url = f"http://{RECEIVER}/hook"
    assert callbacks.attempt(url, BODY, {}, Settings(), answers.transport) == "again"
    assert len(answers.requests) == 1  # a redirect is not followed


@pytest.mark.parametrize(
    "url", ["http://10.0.0.1/hook", "http://169.254.169.254/", "file:///etc/passwd"]
)
def test_a_callback_to_a_refused_url_is_dropped_unsent(url: str) -> None:
    answers = Answers(200)
    assert callbacks.attempt(url, BODY, {}, Settings(), answers.transport) == "dropped"
    assert answers.requests == []


@pytest.fixture
def store(tmp_path: Path) -> Iterator[tuple[Settings, SourceStore]]:
    settings = Settings(out_dir=tmp_path / "out", base_url="https://pod.example.org")
    queue = JobQueue(settings, immediate=True)
    try:
        yield settings, SourceStore(queue.db)
    finally:
        queue.close()


def test_a_websub_subscription_is_a_form_post_to_the_hub(
    store: tuple[Settings, SourceStore],
) -> None:
    settings, sources = store
    source = sources.add("default", "https://news.example.org/feed", Rules())
    answers = Answers(202)
    assert WebSub(settings, sources, answers.transport).subscribe(source, f"http://{RECEIVER}/hub")
    (sent,) = answers.requests
    assert sent.url.host == RECEIVER
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    form = {k: v[0] for k, v in parse_qs(sent.content.decode("ascii")).items()}
    assert form["hub.mode"] == "subscribe" and form["hub.topic"] == source.url
    assert form["hub.callback"] == f"https://pod.example.org/v1/websub/{source.id}"
    assert form["hub.lease_seconds"] == str(LEASE_S)
    pending = sources.get(source.id)
    assert pending is not None and pending.websub_request_secret == form["hub.secret"]


@pytest.mark.parametrize(
    ("hub", "status"), [(f"http://{RECEIVER}/hub", 400), ("http://10.0.0.9/", 202)]
)
def test_a_hub_that_refuses_or_is_refused_is_no_subscription(
    store: tuple[Settings, SourceStore], hub: str, status: int
) -> None:
    settings, sources = store
    source = sources.add("default", "https://news.example.org/feed", Rules())
    answers = Answers(status)
    assert not WebSub(settings, sources, answers.transport).subscribe(source, hub)
    assert len(answers.requests) == (0 if hub.startswith("http://10.") else 1)
