"""The FastAPI app: the published output directory served the way podcast apps fetch it.

Feeds come from memory with validators computed once per file version; media files go
through Starlette's FileResponse (HEAD, byte ranges). Only published names are served:
nothing under a dot name (the ``.narration`` state directory, temporary files).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.routes import feeds, health, media
from api.schemas import Problem
from api.site import Site
from narration.config import Settings
from narration.errors import BadInput, NarrationError


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for ``settings`` (from the environment when not given)."""
    settings = settings or Settings()
    settings.out_dir.mkdir(parents=True, exist_ok=True)
    app = FastAPI(title="Narration", version="0.1.0")
    app.state.settings = settings
    app.state.site = Site(settings.out_dir)
    app.add_exception_handler(NarrationError, _narration_error)
    # The most requested first; the catch-all of top-level files last.
    feeds.register(app)
    app.include_router(health.router)
    media.register(app)
    return app


async def _narration_error(request: Request, exc: Exception) -> JSONResponse:
    status = 400 if isinstance(exc, BadInput) else 500
    return JSONResponse(Problem(detail=str(exc)).model_dump(), status_code=status)


def run(
    settings: Settings | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    access_log: bool = True,
    log_level: str = "info",
) -> None:
    """Serve the app with uvicorn in this process (one worker) until interrupted."""
    import uvicorn

    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        access_log=access_log,
        log_level=log_level,
    )
