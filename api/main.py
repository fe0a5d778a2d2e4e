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
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.limits import BodyLimit
from api.routes import articles, episodes, feeds, health, media, pages, private, tokens
from api.schemas import ErrorBody, ErrorDetail
from api.site import Site
from narration.config import Settings
from narration.errors import BadInput, ConflictError, NarrationError

if TYPE_CHECKING:
    from narration.tasks import JobQueue

# Site pages read the public routes (episodes, feeds, audio); writes are for servers.
CORS_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_REQUEST_HEADERS = ["Range", "If-None-Match", "If-Modified-Since"]
CORS_EXPOSED_HEADERS = ["Content-Length", "Content-Range", "Accept-Ranges", "ETag", "Last-Modified"]

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_request",
}


def create_app(settings: Settings | None = None, queue: JobQueue | None = None) -> FastAPI:
    """Build the app for ``settings`` (from the environment when not given).

    ``queue`` takes the submitted articles; one on ``settings`` is opened on first use.
    """
    settings = settings or Settings()
    settings.out_dir.mkdir(parents=True, exist_ok=True)
    # Starlette's own trailing-slash redirect builds its Location from the Host header;
    # SlashRedirect answers the same requests from the configured base URL.
    app = FastAPI(title="Narration", version="0.1.0", redirect_slashes=False)
    app.state.settings = settings
    app.state.site = Site(settings.out_dir)
    app.state.queue = queue
    app.add_exception_handler(NarrationError, _narration_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_middleware(BodyLimit, max_bytes=settings.max_text_bytes)
    app.add_middleware(HeadLikeGet, routes=app.router.routes)
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
    # The most requested first; the catch-all of top-level files last.
    feeds.register(app)
    app.include_router(health.router)
    app.include_router(articles.router)
    app.include_router(episodes.router)
    app.include_router(tokens.router)
    private.register(app)
    pages.register(app)
    media.register(app)
    app.router.default = SlashRedirect(app.router, settings)
    return app


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


def _error(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    body = ErrorBody(error=ErrorDetail(code=code, message=message))
    return JSONResponse(body.model_dump(), status_code=status, headers=dict(headers or {}))


async def _narration_error(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, ConflictError):
        return _error(409, "conflict", str(exc))
    if isinstance(exc, BadInput):
        return _error(422, "bad_input", str(exc))
    return _error(500, "failed", str(exc))


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for err in exc.errors():
        where = ".".join(str(part) for part in err.get("loc", ()) if part != "body")
        message = str(err.get("msg", "invalid"))
        problems.append(f"{where}: {message}" if where else message)
    return _error(422, "invalid_request", "; ".join(problems) or "invalid request")


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = _CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    return _error(exc.status_code, code, message, exc.headers)


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
    import uvicorn

    settings = settings or Settings()
    app = create_app(settings) if not embedded_worker else None
    if app is not None:
        with _stop_signals():
            uvicorn.run(app, host=host, port=port, access_log=access_log, log_level=log_level)
        return
    from narration.tasks import JobQueue, Service

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
