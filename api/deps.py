"""Typed dependencies the routes declare: the settings, the published site, the job queue
and the API key check.

The settings and site dependencies are coroutines on purpose: FastAPI runs a plain
function dependency in a worker thread, which costs more than the whole feed answer.
"""

from __future__ import annotations

import hmac
import threading
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request

from api.site import Site
from narration.config import Settings
from narration.keys import Caller, submitting_keys
from narration.service.queue import JobQueue
from narration.store.catalog import Catalog
from narration.store.database import Database
from narration.store.jobs import JobStore


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_queue(request: Request) -> JobQueue:
    return queue_of(request.app)


def db_of(app: FastAPI) -> Database:
    """The process's database: the job queue's when the app was given one, else opened
    on first use and closed with the app."""
    db: Database | None = getattr(app.state, "db", None)
    if db is None:
        with _opening:
            db = getattr(app.state, "db", None)
            if db is None:
                queue: JobQueue | None = app.state.queue
                db = queue.db if queue is not None else Database.open(app.state.settings)
                app.state.db = db
    return db


def close_opened(app: FastAPI, given: JobQueue | None) -> None:
    """Close the job queue and database the app opened itself (not ``given``, the queue
    it was made with, whose owner closes it), when the app stops."""
    queue: JobQueue | None = app.state.queue
    db: Database | None = getattr(app.state, "db", None)
    if queue is not None and queue is not given:
        queue.close()
        app.state.queue = None
    if db is not None and (given is None or db is not given.db):
        db.close()
        app.state.db = None


def queue_of(app: FastAPI) -> JobQueue:
    """The app's job queue, opened on first use: serving files alone never touches it."""
    queue: JobQueue | None = app.state.queue
    if queue is None:
        db = db_of(app)
        with _opening:
            queue = app.state.queue
            if queue is None:
                queue = app.state.queue = JobQueue(app.state.settings, db=db)
    return queue


async def get_catalog(request: Request) -> Catalog:
    return Catalog(db_of(request.app))


async def get_jobs(request: Request) -> JobStore:
    return JobStore(db_of(request.app))


async def get_db(request: Request) -> Database:
    return db_of(request.app)


_opening = threading.RLock()


async def require_key(request: Request) -> str:
    """The API key of the request; 401 without one, 403 when it is not a known key."""
    key = _given_key(request)
    if key is None:
        raise HTTPException(
            status_code=401,
            detail="an API key is required: Authorization: Bearer <key>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return key


async def get_caller(request: Request) -> Caller:
    """Who asks: anonymous without an ``Authorization`` header, else the key's owner
    (403 for a key that is not known)."""
    return Caller.of(_given_key(request), request.app.state.settings)


async def require_caller(request: Request) -> Caller:
    """The caller of a route that needs an API key (401 without one)."""
    return Caller.of(await require_key(request), request.app.state.settings)


def _given_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if not header:
        return None
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise HTTPException(
            status_code=401,
            detail="an API key is required: Authorization: Bearer <key>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    settings: Settings = request.app.state.settings
    given = key.strip().encode()
    # Every configured key is compared, so the time taken does not tell which one is close.
    matches = [hmac.compare_digest(given, known.encode()) for known in submitting_keys(settings)]
    if not any(matches):
        raise HTTPException(status_code=403, detail="the API key is not valid")
    return key.strip()


SettingsDep = Annotated[Settings, Depends(get_settings)]
QueueDep = Annotated[JobQueue, Depends(get_queue)]
DatabaseDep = Annotated[Database, Depends(get_db)]
CatalogDep = Annotated[Catalog, Depends(get_catalog)]
JobsDep = Annotated[JobStore, Depends(get_jobs)]
ApiKeyDep = Annotated[str, Depends(require_key)]
CallerDep = Annotated[Caller, Depends(get_caller)]
KeyCallerDep = Annotated[Caller, Depends(require_caller)]


def site_of(request: Request) -> Site:
    """The site, for the plain Starlette routes that serve files without FastAPI's
    dependency solving."""
    site: Site = request.app.state.site
    return site
