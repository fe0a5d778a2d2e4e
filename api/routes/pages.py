"""The listener-facing pages and the player's files: ``/`` and ``/shows/<slug>/`` (a
show), ``/episodes/<id>`` (an episode), ``/episodes/<id>/embed`` (the player for an
``<iframe>``), and ``/player.js``, ``/player.css``, ``/site.js``, ``/site.css``.

Episode ids in these paths are catalog ids (32 hex digits), so they never clash with the
episode files served under ``/episodes/<name>.<ext>``. A job id is sent on to its
episode's page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.convertors import Convertor, register_url_convertor

from api.conditional import document_response
from api.deps import CatalogDep, JobsDep, SettingsDep
from api.rendering import (
    SHOW_PAGE_EPISODES,
    STATIC,
    Pages,
    accent_of,
    security_headers,
    theme_of,
)
from api.site import DocumentCache
from api.visibility import access_of
from narration.config import Settings
from narration.model import Episode
from narration.publish.shows import load_shows
from narration.store.catalog import Catalog
from narration.store.jobs import JobStore

ThemeQuery = Annotated[str | None, Query(max_length=10)]
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
STATIC_NAMES = ("player.js", "player.css", "site.js", "site.css")
# Short: a new player reaches embedded pages within minutes; ETags make rechecks cheap.
STATIC_CACHE_CONTROL = "public, max-age=300"


class EpisodeIdConvertor(Convertor[str]):
    """A catalog or job id: 32 lowercase hex digits."""

    regex = "[0-9a-f]{32}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


def _pages(request: Request) -> Pages:
    pages: Pages = request.app.state.pages
    return pages


def default_show_page(
    request: Request, catalog: CatalogDep, settings: SettingsDep, theme: ThemeQuery = None
) -> HTMLResponse:
    """The default show: its latest episodes and how to subscribe."""
    return _show_page(request, catalog, settings, "default", theme)


def show_page(
    slug: str,
    request: Request,
    catalog: CatalogDep,
    settings: SettingsDep,
    theme: ThemeQuery = None,
) -> HTMLResponse:
    """Another show of the shows file; ``/shows/default/`` is the default show, as at ``/``."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", slug):
        raise HTTPException(status_code=404)
    if slug != "default" and slug not in load_shows(settings):
        raise HTTPException(status_code=404, detail=f"no show {slug}")
    return _show_page(request, catalog, settings, slug, theme)


def _show_page(
    request: Request, catalog: Catalog, settings: Settings, slug: str, theme: str | None
) -> HTMLResponse:
    _refuse_private(request, slug)
    episodes = catalog.page(slug, SHOW_PAGE_EPISODES, 0)
    body = _pages(request).show(settings, slug, episodes, theme_of(theme))
    return HTMLResponse(body, headers=security_headers(settings, embed=False))


def episode_page(
    episode_id: str,
    request: Request,
    catalog: CatalogDep,
    jobs: JobsDep,
    settings: SettingsDep,
    theme: ThemeQuery = None,
) -> Response:
    """An episode: the player, transcript, chapters, download, subscribe and embed code."""
    ep = _episode(catalog, jobs, episode_id)
    _refuse_private(request, ep.show)
    if ep.id != episode_id:
        return _moved(request, settings, f"episodes/{ep.id}")
    body = _pages(request).episode(settings, ep, theme_of(theme))
    return HTMLResponse(body, headers=security_headers(settings, embed=False))


def embed_page(
    episode_id: str,
    request: Request,
    catalog: CatalogDep,
    jobs: JobsDep,
    settings: SettingsDep,
    theme: ThemeQuery = None,
    accent: Annotated[str | None, Query(max_length=16)] = None,
) -> Response:
    """The player alone, for an ``<iframe>`` on the publisher's article page;
    ``?theme=light|dark`` and ``?accent=rrggbb`` (a brand colour) style it."""
    ep = _episode(catalog, jobs, episode_id)
    _refuse_private(request, ep.show)
    if ep.id != episode_id:
        return _moved(request, settings, f"episodes/{ep.id}/embed")
    body = _pages(request).embed(settings, ep, theme_of(theme), accent_of(accent))
    return HTMLResponse(body, headers=security_headers(settings, embed=True))


def _refuse_private(request: Request, show: str) -> None:
    """404 for a private show's pages: they would show its transcripts and audio."""
    if not access_of(request).public_show(show):
        raise HTTPException(status_code=404)


def _moved(request: Request, settings: Settings, path: str) -> RedirectResponse:
    """A permanent redirect to ``path`` under the configured base URL (never the request's
    ``Host``), keeping the query string."""
    query = request.url.query
    location = settings.url_for(path) + (f"?{query}" if query else "")
    return RedirectResponse(location, status_code=308)


def _episode(catalog: Catalog, jobs: JobStore, episode_id: str) -> Episode:
    ep = catalog.get(episode_id)
    if ep is None:
        job = jobs.get(episode_id)
        ep = catalog.get(job.episode_id) if job and job.episode_id else None
    if ep is None:
        raise HTTPException(status_code=404, detail=f"no episode {episode_id}")
    return ep


async def static_file(request: Request) -> Response:
    """The player's script and styles, and the pages' own, from memory and gzipped when
    the browser takes it: readable from any origin (a module script loaded from another
    site is fetched with CORS)."""
    name = request.url.path.lstrip("/")
    kind = STATIC_TYPES.get(Path(name).suffix)
    assets: DocumentCache = request.app.state.page_assets
    doc = assets.get(str(STATIC / name)) if kind is not None else None
    if kind is None or doc is None:
        raise HTTPException(status_code=404)
    return document_response(
        request, doc, kind, STATIC_CACHE_CONTROL, {"access-control-allow-origin": "*"}
    )


# The pages and the static files; before the file routes, whose ``/{name}`` would take
# any top-level name. The paths below are compiled as they are added, so the convertor
# their episode ids use is registered (with Starlette, for the process) first.
register_url_convertor("episode_id", EpisodeIdConvertor())
router = APIRouter()
_HTML: dict[str, Any] = {"include_in_schema": False, "response_class": HTMLResponse}
router.add_api_route("/", default_show_page, **_HTML)
router.add_api_route("/shows/{slug}/", show_page, **_HTML)
router.add_api_route("/episodes/{episode_id:episode_id}", episode_page, **_HTML)
router.add_api_route("/episodes/{episode_id:episode_id}/embed", embed_page, **_HTML)
for _name in STATIC_NAMES:
    router.add_route(f"/{_name}", static_file, methods=["GET", "HEAD"], include_in_schema=False)
