"""Which published files and shows may be served at their public paths: the app's
``Access`` (private shows and their tokens), opened on first use and asked from memory
while it knows the answer."""

from __future__ import annotations

import threading

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from api.deps import db_of
from narration.publish.private import Access
from narration.store.tokens import TokenStore

_opening = threading.Lock()


def access_of(request: Request) -> Access:
    """The app's ``Access``, on the process's database. Blocks on the database: call it
    from a worker thread."""
    state = request.app.state
    with _opening:
        access: Access | None = getattr(state, "access", None)
        if access is None:
            access = state.access = Access(TokenStore(db_of(request.app)))
    return access


def _cached_access(request: Request) -> Access | None:
    access: Access | None = getattr(request.app.state, "access", None)
    return access


async def public_show(request: Request, show: str) -> bool:
    """Whether ``show``'s feed, pages and cover may be served at public paths (from
    memory while that is known; else the catalog is read in a worker thread)."""
    access = _cached_access(request)
    known = access.public_show(show, cached_only=True) if access else None
    if known is None:
        return await run_in_threadpool(lambda: access_of(request).public_show(show) is True)
    return known


async def public_file(request: Request, name: str) -> bool:
    """Whether the episode file ``name`` may be served at its public path."""
    access = _cached_access(request)
    known = access.public_file(name, cached_only=True) if access else None
    if known is None:
        return await run_in_threadpool(lambda: access_of(request).public_file(name) is True)
    return known
