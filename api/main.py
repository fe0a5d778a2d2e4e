"""The FastAPI app: for now it publishes the output directory as the static site it is."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from narration.config import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for ``settings`` (from the environment when not given)."""
    settings = settings or Settings()
    settings.out_dir.mkdir(parents=True, exist_ok=True)
    app = FastAPI(title="Narration", version="0.1.0")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    # StaticFiles answers HEAD, byte ranges and conditional requests, as podcast apps expect.
    app.mount("/", StaticFiles(directory=settings.out_dir), name="site")
    return app
