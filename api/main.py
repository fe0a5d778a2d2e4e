"""The FastAPI app: the article API, and the published output directory served the way
podcast apps fetch it.

Feeds come from memory with validators computed once per file version; media files go
through Starlette's FileResponse (HEAD, byte ranges). Only published names are served:
nothing under a dot name (the ``.narration`` state directory, temporary files).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import RedirectResponse
from starlette.routing import BaseRoute, Match, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import deps, errors
from api.counting import close_counter
from api.errors import RequestId
from api.limits import BodyLimit
from api.rendering import Pages
from api.routes import (
    access,
    articles,
    checks,
    editor,
    episodes,
    feeds,
    health,
    media,
    pages,
    private,
    sources,
    stats,
    tokens,
    websub,
)
from api.site import DocumentCache, Site
from narration.config import Settings
from narration.service.queue import JobQueue
from narration.service.runtime import Service

# Site pages read the public routes (episodes, feeds, audio); writes are for servers.
CORS_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_REQUEST_HEADERS = ["Range", "If-None-Match", "If-Modified-Since"]
CORS_EXPOSED_HEADERS = ["Content-Length", "Content-Range", "Accept-Ranges", "ETag", "Last-Modified"]

ROUTERS: tuple[APIRouter, ...] = (
    # The most requested first.
    feeds.router,
    health.router,
    access.router,
    articles.router,
    episodes.router,
    checks.router,
    editor.router,
    tokens.router,
    sources.router,
    websub.router,
    private.router,
    pages.router,
    stats.router,
    # Last: its ``/{name}`` takes any top-level name.
    media.router,
)
"""The app's routes, in the order they are matched."""


def create_app(settings: Settings | None = None, queue: JobQueue | None = None) -> FastAPI:
    """Build the app for ``settings`` (from the environment when not given).

    ``queue`` takes the submitted articles; one on ``settings`` is opened on first use.
    """
    settings = settings or Settings()
    settings.out_dir.mkdir(parents=True, exist_ok=True)
    # Starlette's own trailing-slash redirect builds its Location from the Host header;
    # SlashRedirect answers the same requests from the configured base URL.
    app = FastAPI(
        title="Narration", version="0.1.0", redirect_slashes=False, lifespan=_lifespan(queue)
    )
    app.state.settings = settings
    app.state.site = Site(settings.out_dir)
    app.state.queue = queue
    # The HTML pages' templates (show, episode, embed and the editors' pages) and the
    # static files they load, read once per file version.
    app.state.pages = Pages()
    app.state.page_assets = DocumentCache(size=len(pages.STATIC_NAMES))
    app.state.editor_asset_docs = DocumentCache(size=len(editor.EDITOR_ASSETS))
    errors.register(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_text_bytes)
    app.add_middleware(HeadLikeGet, routes=app.router.routes)
    app.add_middleware(RequestId)
    if settings.cors_origins:
        # Added last, so outermost: error answers carry the CORS headers too.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=CORS_METHODS,
            allow_headers=CORS_REQUEST_HEADERS,
            expose_headers=CORS_EXPOSED_HEADERS,
            allow_credentials=False,
            max_age=600,
        )
    for router in ROUTERS:
        app.include_router(router)
    app.router.default = SlashRedirect(app.router, settings)
    return app


def _lifespan(
    given: JobQueue | None,
) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    """What the app does when it stops: write the download counter's last figures, then
    close the queue and database it opened itself (not ``given``'s)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        # In this order: the counter's final write needs the database.
        close_counter(app)
        deps.close_opened(app, given)

    return lifespan


def _route_path(scope: Scope) -> str:
    """The request path below the app's root path."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _first_full_match(routes: list[BaseRoute], scope: Scope) -> BaseRoute | None:
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route
    return None


class HeadLikeGet:
    """Answer ``HEAD`` wherever ``GET`` is answered (RFC 9110 9.3.2): same status and
    headers, no body.

    Starlette's plain routes take HEAD with GET; FastAPI's path operations take only the
    methods they list. A HEAD request whose GET would reach a route that does not take
    HEAD is handed on as a GET, and the body of the answer is dropped.
    """

    def __init__(self, app: ASGIApp, routes: list[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        as_get = {**scope, "method": "GET"}
        route = _first_full_match(self.routes, as_get)
        if route is None or route.matches(scope)[0] is Match.FULL:
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] != "http.response.body":
                await send(message)
            elif not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app(as_get, receive, headers_only)


class SlashRedirect:
    """What the router does when no route matches: redirect to the same path with its
    trailing slash added or removed when a route matches that (as Starlette's
    ``redirect_slashes`` does), with a ``Location`` under the configured base URL (never
    the request's ``Host``); else 404."""

    def __init__(self, router: Router, settings: Settings) -> None:
        self.router = router
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = _route_path(scope)
        if scope["type"] == "http" and path not in ("", "/"):
            other = path.rstrip("/") if path.endswith("/") else path + "/"
            toggled = {**scope, "path": other, "root_path": ""}
            if any(route.matches(toggled)[0] is not Match.NONE for route in self.router.routes):
                query = scope.get("query_string", b"").decode("latin-1")
                location = self.settings.url_for(other) + (f"?{query}" if query else "")
                await RedirectResponse(location, status_code=307)(scope, receive, send)
                return
        await self.router.not_found(scope, receive, send)


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's handling of ``X-Forwarded-*``: only from ``NARRATION_TRUSTED_PROXIES``,
    and not at all when none is set (uvicorn's own default trusts 127.0.0.1)."""
    trusted = settings.trusted_proxies
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": list(trusted) or None}


def run(
    settings: Settings | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    access_log: bool = True,
    log_level: str = "info",
    embedded_worker: bool = False,
) -> None:
    """Serve the app with uvicorn in this process until interrupted; with
    ``embedded_worker`` this process also narrates the submitted articles."""
    # Lazy: uvicorn (~35 ms over FastAPI) only serves; create_app's users (tests) never need it.
    import uvicorn

    settings = settings or Settings()
    app = create_app(settings) if not embedded_worker else None
    if app is not None:
        with _stop_signals():
            uvicorn.run(
                app,
                host=host,
                port=port,
                access_log=access_log,
                log_level=log_level,
                log_config=None,
                **proxy_options(settings),
            )
        return
    queue = JobQueue(settings)
    service = Service(queue)
    service.start()
    try:
        with _stop_signals():
            uvicorn.run(
                create_app(settings, queue),
                host=host,
                port=port,
                access_log=access_log,
                log_level=log_level,
                # Logging is configured by narration.logs (JSON lines with request ids).
                log_config=None,
                **proxy_options(settings),
            )
    finally:
        # Bounded: a job not finished within drain_timeout_s goes back to the queue.
        queue.close(wait=service.stop())


class _Stopped(Exception):
    """SIGINT or SIGTERM arrived: the server has shut down, the service stops next."""


@contextlib.contextmanager
def _stop_signals() -> Iterator[None]:
    """uvicorn handles SIGINT and SIGTERM while it serves, then raises the signal again
    once it has shut down. Our handler turns that into an exception caught here, so the
    worker is stopped and the process exits cleanly rather than dying of the signal."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stopped(signum: int, frame: object) -> None:
        raise _Stopped

    previous = {sig: signal.signal(sig, stopped) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    except _Stopped:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
