"""Private feeds and their files, at ``/private/<token>/...``: 404 once revoked.

Plain Starlette routes like the public feed's. The feed is built from the catalog on
request (subscribers are few next to public listeners) and answered with an ETag. A file
is served here only to an active token of the show it belongs to (the public routes
never serve a private show's files: see ``api.visibility``).
"""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from api.conditional import etag_matches
from api.deps import db_of
from api.files import serve_file
from api.site import EPISODE_CACHE_CONTROL, FEED_MEDIA_TYPE, SITE_CACHE_CONTROL
from api.visibility import access_of
from narration.config import Settings
from narration.episode.cover import cover_name
from narration.publish.private import private_feed
from narration.publish.shows import settings_for
from narration.store.catalog import Catalog


def _show_settings(request: Request) -> Settings:
    found = access_of(request).store.active(request.path_params["token"])
    if found is None:
        raise HTTPException(status_code=404)
    settings: Settings = request.app.state.settings
    return settings_for(settings, found.show)


async def feed(request: Request) -> Response:
    def build() -> bytes:
        show = _show_settings(request)
        catalog = Catalog(db_of(request.app))
        return private_feed(catalog, show, request.path_params["token"])

    body = await run_in_threadpool(build)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    # A subscriber's feed is no one else's: never indexed by a search engine.
    headers = {"etag": etag, "cache-control": "private, max-age=60", "x-robots-tag": "noindex"}
    if etag_matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    if request.method == "HEAD":
        headers["content-length"] = str(len(body))
        return Response(headers=headers, media_type=FEED_MEDIA_TYPE)
    return Response(body, headers=headers, media_type=FEED_MEDIA_TYPE)


async def episode_file(request: Request) -> Response:
    """An episode file of the token's show (audio, transcript, chapters, peaks, image)."""
    segments = ("episodes", request.path_params["name"])
    token = request.path_params["token"]
    found = await run_in_threadpool(
        lambda: access_of(request).token_file(token, "/".join(segments))
    )
    if found is None:
        raise HTTPException(status_code=404)
    return serve_file(request, segments, EPISODE_CACHE_CONTROL, public=False)


async def cover(request: Request) -> Response:
    """The cover of the token's show, under the name its private feed gives it."""
    show = await run_in_threadpool(_show_settings, request)
    segments = tuple(cover_name(show).split("/"))
    if request.path_params["name"] != segments[-1]:
        raise HTTPException(status_code=404)
    return serve_file(request, segments, SITE_CACHE_CONTROL, public=False)


router = APIRouter()
_METHODS = ["GET", "HEAD"]
router.add_route("/private/{token}/feed.xml", feed, methods=_METHODS, include_in_schema=False)
router.add_route(
    "/private/{token}/episodes/{name}", episode_file, methods=_METHODS, include_in_schema=False
)
router.add_route("/private/{token}/{name}", cover, methods=_METHODS, include_in_schema=False)
