"""Health: 200 when the service can do its work, 503 naming what it cannot use."""

from __future__ import annotations

import logging
import os

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.deps import queue_of
from narration.config import Settings
from narration.errors import NarrationError

log = logging.getLogger(__name__)

router = APIRouter(tags=["health"])


@router.get("/healthz", include_in_schema=False)
async def healthz(request: Request) -> JSONResponse:
    """``{"status": "ok"}``, or 503 with the parts that cannot be used (the database, the
    queue, the output directory); their errors go to the log, not the answer."""
    problems = await run_in_threadpool(_problems, request)
    if problems:
        return JSONResponse({"status": "unavailable", "problems": problems}, status_code=503)
    return JSONResponse({"status": "ok"})


def _problems(request: Request) -> list[str]:
    settings: Settings = request.app.state.settings
    problems = []
    if not (settings.out_dir.is_dir() and os.access(settings.out_dir, os.W_OK | os.X_OK)):
        problems.append("the output directory cannot be written")
    try:
        queue = queue_of(request.app)
    except NarrationError as exc:
        log.error("health: cannot open the catalog: %s", exc)
        return [*problems, "the database cannot be used"]
    problems.extend(queue.problems())
    return problems
