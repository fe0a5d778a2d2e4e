"""WebSub: a feed naming a hub is subscribed to when our base URL is public; the hub's
check is answered only for our subscription, and pushes only with a valid signature."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from narration.config import Settings
from narration.ingest.follow_rules import Rules
from narration.service.follow import Follower
from narration.service.queue import JobQueue
from narration.service.websub import WebSub, public_base
from narration.store.catalog import Catalog
from tests.follow_site import Item, Site, serving

pytestmark = pytest.mark.slow


class Hub:
    """A WebSub hub on 127.0.0.1 that records subscription requests."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = parse_qs(self.rfile.read(length).decode())
                hub.requests.append({k: v[0] for k, v in form.items()})
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hub"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hub() -> Iterator[Hub]:
    running = Hub()
    yield running
    running.close()


@pytest.fixture
def site() -> Iterator[Site]:
    with serving() as running:
        yield running


def make_settings(tmp_path: Path, base_url: str) -> Settings:
    return Settings(
        out_dir=tmp_path / "out",
        voice="fake:tone",
        workers=1,
        fetch_allow=["127.0.0.1"],
        follow_min_interval_s=0,
        base_url=base_url,
    )


def hub_link(hub: Hub) -> str:
    return f"<atom:link xmlns:atom='http://www.w3.org/2005/Atom' rel='hub' href='{hub.url}'/>"


def test_public_base_urls() -> None:
    def public(url: str) -> bool:
        return public_base(Settings(base_url=url))

    assert public("https://pod.example.org") and public("http://8.8.8.8:8000")
    assert not public("http://127.0.0.1:8000") and not public("http://localhost")
    assert not public("http://10.1.2.3") and not public("http://narration.internal")
    assert not public("http://server")


def test_no_subscription_without_a_public_base_url(tmp_path: Path, site: Site, hub: Hub) -> None:
    settings = make_settings(tmp_path, "http://127.0.0.1:8000")
    site.rss("/feed", [Item("h1", "One")], channel=hub_link(hub))
    queue = JobQueue(settings, immediate=True)
    follower = Follower(settings, queue.db, lambda sub: queue.submit(sub)[0])
    source = follower.store.add("default", f"{site.base}/feed", Rules())
    follower.poll(source)
    assert hub.requests == []
    found = follower.store.get(source.id)
    assert found is not None and found.hub == hub.url  # named, not subscribed to
    queue.close()


def test_subscribe_verify_and_signed_pushes(tmp_path: Path, site: Site, hub: Hub) -> None:
    settings = make_settings(tmp_path, "https://pod.example.org")
    site.rss("/feed", [Item("h1", "First story")], channel=hub_link(hub))
    queue = JobQueue(settings, immediate=True)
    follower = Follower(settings, queue.db, lambda sub: queue.submit(sub)[0])
    source = follower.store.add("default", f"{site.base}/feed", Rules())
    follower.poll(source)
    [asked] = hub.requests
    assert asked["hub.mode"] == "subscribe" and asked["hub.topic"] == source.url
    assert asked["hub.callback"] == f"https://pod.example.org/v1/websub/{source.id}"
    secret = asked["hub.secret"]
    assert len(secret) >= 32
    fresh = follower.store.get(source.id)
    assert fresh is not None
    follower.poll(fresh)
    assert len(hub.requests) == 1  # asked once, not on every poll

    with TestClient(create_app(settings, queue)) as client:
        callback = f"/v1/websub/{source.id}"
        check = {"hub.mode": "subscribe", "hub.topic": source.url, "hub.challenge": "c-123"}
        wrong = client.get(callback, params={**check, "hub.topic": "https://else.example/f"})
        assert wrong.status_code == 404
        assert client.get("/v1/websub/nothing", params=check).status_code == 404
        verified = client.get(callback, params={**check, "hub.lease_seconds": "3600"})
        assert verified.status_code == 200 and verified.text == "c-123"
        state = follower.store.get(source.id)
        assert state is not None and state.websub_state == "verified"

        site.rss("/pushed", [Item("h2", "Pushed story"), Item("h1", "First story")])
        pushed = site.files["/pushed"][2]
        forged = hmac.new(b"not the secret", pushed, hashlib.sha256).hexdigest()
        ignored = client.post(
            callback, content=pushed, headers={"X-Hub-Signature": f"sha256={forged}"}
        )
        assert ignored.status_code == 202
        unsigned = client.post(callback, content=pushed)
        assert unsigned.status_code == 202
        catalog = Catalog(queue.db)
        assert [e.title for e in catalog.list("default")] == ["First story"]
        good = hmac.new(secret.encode(), pushed, hashlib.sha256).hexdigest()
        taken = client.post(callback, content=pushed, headers={"X-Hub-Signature": f"sha256={good}"})
        assert taken.status_code == 202
        assert sorted(e.title for e in catalog.list("default")) == ["First story", "Pushed story"]
        again = client.post(callback, content=pushed, headers={"X-Hub-Signature": f"sha256={good}"})
        assert again.status_code == 202 and len(catalog.list("default")) == 2
        state = follower.store.get(source.id)
        assert state is not None and state.last_result == "pushed"
    queue.close()


def test_only_an_answer_to_a_pending_request_verifies_or_denies(
    tmp_path: Path, site: Site, hub: Hub
) -> None:
    settings = make_settings(tmp_path, "https://pod.example.org")
    site.rss("/feed", [Item("h1", "First story")], channel=hub_link(hub))
    queue = JobQueue(settings, immediate=True)
    follower = Follower(settings, queue.db, lambda sub: queue.submit(sub)[0])
    source = follower.store.add("default", f"{site.base}/feed", Rules())
    callback = f"/v1/websub/{source.id}"
    check = {"hub.mode": "subscribe", "hub.topic": source.url, "hub.challenge": "c-1"}

    def state() -> tuple[object, ...]:
        found = follower.store.get(source.id)
        assert found is not None
        return (found.websub_state, found.websub_secret, found.websub_expires_at)

    with TestClient(create_app(settings, queue)) as client:
        # Nothing asked yet: no check or denial is taken.
        assert client.get(callback, params=check).status_code == 404
        assert client.get(callback, params={**check, "hub.mode": "denied"}).status_code == 404
        assert state() == (None, None, None)

        follower.poll(source)  # asked: the request is pending
        denied = client.get(callback, params={"hub.mode": "denied", "hub.topic": source.url})
        assert denied.status_code == 200 and denied.text == ""
        found = follower.store.get(source.id)
        assert found is not None and found.websub_request_until is None
        assert state() == (None, None, None)

        # Asked again (the hub's denial answered the last request), then verified.
        websub = WebSub(settings, follower.store)
        fresh = follower.store.get(source.id)
        assert fresh is not None and websub.subscribe(fresh, hub.url)
        first_secret = hub.requests[-1]["hub.secret"]
        assert client.get(callback, params=check).text == "c-1"
        in_force = state()
        assert in_force[:2] == ("verified", first_secret)
        for params in ({**check, "hub.lease_seconds": "0"}, {**check, "hub.mode": "denied"}):
            assert client.get(callback, params=params).status_code == 404
            assert state() == in_force

        # A renewal keeps the subscription in force until the hub verifies the new one.
        follower.store.record(source.id, websub_expires_at=dt.datetime.now(dt.UTC))
        renewing = follower.store.get(source.id)
        assert renewing is not None and websub.subscribe(renewing, hub.url)
        asked = follower.store.get(source.id)
        assert asked is not None and not websub.subscribe(asked, hub.url)  # within the hour
        second_secret = hub.requests[-1]["hub.secret"]
        assert second_secret != first_secret
        assert state()[:2] == ("verified", first_secret)
        renewed = client.get(callback, params={**check, "hub.lease_seconds": "600"})
        assert renewed.status_code == 200
        assert renewed.headers["x-content-type-options"] == "nosniff"
        assert state()[:2] == ("verified", second_secret)
    queue.close()
