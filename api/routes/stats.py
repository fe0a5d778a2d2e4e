"""Listening figures: the player's events in (``POST /v1/events``), the figures out
(``GET /v1/stats``, JSON or CSV, with an API key) and the editors' page of charts
(``GET /editor/stats``, which holds no figures: its script asks ``/v1/stats`` with the key
the editor types)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import threading
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api.conditional import not_modified
from api.context import context_of
from api.counting import client_of, counter_of
from api.deps import KeyCallerDep, SettingsDep, db_of, site_of
from api.files import count_served
from api.proxy import PATH_HEADER, from_proxy
from api.rendering import Pages, security_headers
from api.schemas import ErrorBody, EventIn, StatsOut
from api.visibility import public_file
from narration.app.stats import listening_figures
from narration.config import Settings
from narration.service.stats.events import Outcome, PlayerEvent, PlayerEvents
from narration.service.stats.figures import Figures
from narration.service.views import episode_id_of
from narration.store.catalog import Catalog
from narration.store.jobs import JobStore

MAX_EVENT_BYTES = 1024
"""A player event is a few dozen bytes of JSON; anything much larger is refused."""
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.:\[\]-]{1,190}")
_opening = threading.Lock()

router = APIRouter(tags=["stats"])


def events_of(request: Request) -> PlayerEvents:
    state = request.app.state
    events: PlayerEvents | None = getattr(state, "player_events", None)
    if events is None:
        with _opening:
            events = getattr(state, "player_events", None)
            if events is None:
                counter = counter_of(request.app)
                events = state.player_events = PlayerEvents(
                    state.settings.stats, counter.store, counter.salts, clock=counter.clock
                )
    return events


@router.post(
    "/v1/events",
    status_code=202,
    responses={404: {"model": ErrorBody}, 413: {"model": ErrorBody}, 429: {"model": ErrorBody}},
)
async def take_event(request: Request, settings: SettingsDep) -> Response:
    """One event of the web player (sent with ``navigator.sendBeacon``, so the body is
    read as JSON whatever its content type)."""
    if not settings.stats.enabled:
        raise HTTPException(status_code=404, detail="listening figures are off")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_EVENT_BYTES:
        raise HTTPException(status_code=413, detail=f"an event is at most {MAX_EVENT_BYTES} bytes")
    body = await request.body()
    if len(body) > MAX_EVENT_BYTES:
        raise HTTPException(status_code=413, detail=f"an event is at most {MAX_EVENT_BYTES} bytes")
    try:
        given = EventIn.model_validate_json(body)
    except ValidationError as exc:
        problem = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()
        )
        raise HTTPException(status_code=422, detail=f"not a player event: {problem}") from None
    origin = given.origin if _ORIGIN.fullmatch(given.origin) else ""
    event = PlayerEvent(given.episode, given.event, given.rate, given.context, origin)
    events = events_of(request)
    address, agent = client_of(request), request.headers.get("user-agent", "")[:512]
    outcome = await run_in_threadpool(events.take, event, address, agent)
    if outcome is Outcome.UNKNOWN_EPISODE:
        # A job's id names the episode it published.
        db = db_of(request.app)
        found = await run_in_threadpool(episode_id_of, Catalog(db), JobStore(db), given.episode)
        if found is not None and found != given.episode:
            event = PlayerEvent(found, given.event, given.rate, given.context, origin)
            outcome = await run_in_threadpool(events.take, event, address, agent)
    if outcome is Outcome.UNKNOWN_EPISODE:
        raise HTTPException(status_code=404, detail=f"no episode {given.episode}")
    if outcome is Outcome.LIMITED:
        raise HTTPException(status_code=429, detail="too many events from this listener")
    return Response(status_code=202)


GroupQuery = Annotated[Literal["day", "app", "country", "episode"], Query()]


@router.get(
    "/v1/stats",
    response_model=StatsOut,
    responses={200: {"content": {"text/csv": {}}}, 401: {"model": ErrorBody}},
)
async def stats(
    request: Request,
    caller: KeyCallerDep,
    show: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")] = None,
    episode: Annotated[str | None, Query(pattern=r"^[0-9a-f]{32}$")] = None,
    first: Annotated[dt.date | None, Query(alias="from")] = None,
    last: Annotated[dt.date | None, Query(alias="to")] = None,
    by: GroupQuery = "day",
    format: Annotated[Literal["json", "csv"] | None, Query()] = None,
) -> Response:
    """Downloads (IAB-counted) in rows by day, app, country or episode, with the player's
    plays and completion, of the articles the key submitted (every article for an admin
    key); CSV with ``Accept: text/csv`` or ``format=csv``."""
    if first is not None and last is not None and first > last:
        raise HTTPException(status_code=422, detail="from is after to")
    figures = await run_in_threadpool(
        lambda: listening_figures(
            context_of(request, counter=True),
            caller,
            by,
            show=show,
            episode=episode,
            first=first,
            last=last,
        )
    )
    wants_csv = format == "csv" or (
        format is None and "text/csv" in request.headers.get("accept", "")
    )
    if wants_csv:
        return Response(
            _csv(figures, by),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="downloads-by-{by}.csv"'},
        )
    body = StatsOut.of(figures, by)
    return JSONResponse(body.model_dump(), headers={"cache-control": "no-store"})


def _csv(figures: Figures, by: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([by, "downloads", "flagged"] + (["title"] if by == "episode" else []))
    for row in figures.rows:
        # A title starting with = + - @ would be read as a formula by spreadsheets.
        title = [("'" + row.title if row.title[:1] in "=+-@" else row.title)] if row.title else [""]
        writer.writerow([row.key, row.downloads, row.flagged] + (title if by == "episode" else []))
    return out.getvalue()


def stats_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    """The editors' page: a key form and empty charts filled in by ``stats.js``."""
    pages: Pages = request.app.state.pages
    body = pages.env.get_template("stats.html").render(title=settings.show.title)
    return HTMLResponse(body, headers=security_headers(settings, embed=False))


COUNT_PATH = "/_narration/count"
COUNT_MARK = "count"
_EPISODE_AUDIO = re.compile(r"/episodes/([A-Za-z0-9_][A-Za-z0-9._-]{0,250}\.mp3)")


async def count_for_proxy(request: Request) -> Response:
    """A copy of an audio request that a web server in front of the app answered from
    the disk (nginx's ``mirror``: see ``deploy/nginx.conf``), with the client's headers,
    the path in ``X-Narration-Path`` and the client in ``X-Forwarded-For`` (read when
    nginx is one of ``NARRATION_TRUSTED_PROXIES``): counted as if the app had served it.
    Only requests marked ``X-Narration-Access: count`` that carry the proxy secret are
    taken, which the shipped configuration sets on its mirror alone; others get 404."""
    if not from_proxy(request, COUNT_MARK):
        raise HTTPException(status_code=404)
    found = _EPISODE_AUDIO.fullmatch(request.headers.get(PATH_HEADER, ""))
    settings: Settings = request.app.state.settings
    if found is None or request.method != "GET" or not settings.stats.enabled:
        return Response(status_code=204)
    name = "episodes/" + found.group(1)
    located = site_of(request).file("episodes", found.group(1))
    if located is None or not await public_file(request, name):
        return Response(status_code=204)
    st = located[1]
    # The validators the client holds are nginx's: its ETag is the file's time in
    # seconds and its size, in hex.
    etag = f'"{int(st.st_mtime):x}-{st.st_size:x}"'
    if not not_modified(request.headers, st.st_mtime, etag):
        count_served(request, name, st, etag)
    return Response(status_code=204)


router.add_api_route(
    "/editor/stats", stats_page, include_in_schema=False, response_class=HTMLResponse
)
router.add_route(COUNT_PATH, count_for_proxy, methods=["GET", "HEAD"], include_in_schema=False)
