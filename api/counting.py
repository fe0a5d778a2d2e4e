"""The audio routes' side of counting downloads: each GET of an episode's audio handed to
the app's :class:`~narration.service.stats.counter.Counter` (a deque append; the
database is written by the counter's own thread)."""

from __future__ import annotations

import threading

from fastapi import FastAPI, Request

from api.deps import db_of
from narration.config import Settings
from narration.service.stats.counter import AudioRequest, Counter
from narration.service.stats.listeners import client_address

_opening = threading.Lock()


def counter_of(app: FastAPI) -> Counter:
    """The app's counter, made on first use (on the database the file routes opened)."""
    counter: Counter | None = getattr(app.state, "counter", None)
    if counter is None:
        with _opening:
            counter = getattr(app.state, "counter", None)
            if counter is None:
                counter = app.state.counter = Counter(app.state.settings, db_of(app))
    return counter


def client_of(request: Request) -> str:
    """The client's address, through a trusted proxy's ``X-Forwarded-For``."""
    settings: Settings = request.app.state.settings
    peer = request.client.host if request.client else None
    return client_address(peer, request.headers.get("x-forwarded-for"), settings.trusted_proxies)


def count_audio(
    request: Request,
    name: str,
    ranges: list[tuple[int, int]] | None,
    size: int,
) -> None:
    """Count a GET of the audio file ``name`` (output-relative) of ``size`` bytes, for the
    byte ``ranges`` served (None: the whole file). On the serving path of every audio
    request: reads the scope as it is and appends one tuple. The client is named by
    ``X-Forwarded-For`` only when the peer is one of ``NARRATION_TRUSTED_PROXIES``."""
    scope = request.scope
    settings: Settings = scope["app"].state.settings
    if not settings.stats.enabled or scope["method"] != "GET" or size <= 0 or ranges == []:
        return
    first, total = (0, size) if not ranges else (ranges[0][0], sum(e - f for f, e in ranges))
    agent = forwarded = None
    for key, value in scope["headers"]:
        if key == b"user-agent":
            agent = value
        elif key == b"x-forwarded-for":
            forwarded = value
    peer = scope.get("client")
    address = peer[0] if peer else ""
    if forwarded is not None and settings.trusted_proxies:
        address = client_address(address, forwarded.decode("latin-1"), settings.trusted_proxies)
    user_agent = agent.decode("latin-1")[:512] if agent else ""
    counter = counter_of(scope["app"])
    counter.hit(AudioRequest(counter.clock(), name, address, user_agent, first, first + total - 1))


def close_counter(app: FastAPI) -> None:
    """Write what the app's counter still holds (when the app stops)."""
    counter: Counter | None = getattr(app.state, "counter", None)
    if counter is not None:
        counter.close()
