"""Fixtures and helpers shared by the tests of the API: settings with the fake voice and
an API key, a job queue that narrates at once, a test client, and small helpers."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from narration.config import Settings
from narration.service.queue import JobQueue

KEY = "test-key"
AUTH = {"Authorization": f"Bearer {KEY}"}


def article(title: str, body: str = "One sentence here. And another one.") -> str:
    return f"---\ntitle: {title}\n---\n\n{body}\n"


def make_settings(tmp_path: Path, **changes: object) -> Settings:
    values: dict[str, object] = {
        "out_dir": tmp_path / "out",
        "voice": "fake:tone",
        "workers": 2,
        "clip_timeout_s": 5,
        "api_keys": [KEY],
    }
    values.update(changes)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def queue(settings: Settings) -> Iterator[JobQueue]:
    # Immediate mode: a queued job is narrated in the thread that queues it.
    q = JobQueue(settings, immediate=True)
    yield q
    q.close()


@pytest.fixture
def client(settings: Settings, queue: JobQueue) -> Iterator[TestClient]:
    with TestClient(create_app(settings, queue)) as test_client:
        yield test_client


def error_of(response: httpx.Response) -> dict[str, str]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}, body
    error: dict[str, str] = body["error"]
    return error


def narrate(client: TestClient, body: dict[str, str]) -> dict[str, object]:
    answer = client.post("/v1/articles", json=body, headers=AUTH)
    assert answer.status_code == 202, answer.text
    episode: dict[str, object] = client.get(answer.json()["links"]["self"]).json()
    assert episode["status"] == "done", episode
    return episode


def local(settings: Settings, url: object) -> Path:
    assert isinstance(url, str)
    return settings.out_dir / url.removeprefix(settings.base_url).lstrip("/")


def resolve_literals_only(host: object, port: object, *args: object, **kwargs: object) -> object:
    """A stand-in for ``socket.getaddrinfo``: generated URLs name made-up hosts, so only
    address literals resolve and nothing is asked of a DNS server."""
    try:
        addr = ipaddress.ip_address(str(host))
    except ValueError:
        raise socket.gaierror(socket.EAI_NONAME, "not resolved in this test") from None
    family = socket.AF_INET6 if addr.version == 6 else socket.AF_INET
    return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (str(addr), port))]
