"""Private feeds and their files, at ``/private/<token>/...``: 404 once revoked.

Plain Starlette routes like the public feed's. The feed is built from the catalog on
request (subscribers are few next to public listeners) and answered with an ETag.
"""

from __future__ import annotations

import hashlib

from fastapi import FastAPI, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from api.conditional import etag_matches
from api.routes.media import serve_file
from api.site import EPISODE_CACHE_CONTROL, FEED_MEDIA_TYPE, SITE_CACHE_CONTROL
from narration.config import Settings
from narration.private import TokenStore, private_feed
from narration.publish import cover_name
from narration.shows import settings_for


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _show_settings(request: Request) -> Settings:
    from narration.pipeline import open_catalog

    base = _settings(request)
    catalog = open_catalog(base)
    try:
        found = TokenStore(catalog.engine).active(request.path_params["token"])
    finally:
        catalog.close()
    if found is None:
        raise HTTPException(status_code=404)
    return settings_for(base, found.show)


async def feed(request: Request) -> Response:
    def build() -> bytes:
        from narration.pipeline import open_catalog

        show = _show_settings(request)
        catalog = open_catalog(show)
        try:
            return private_feed(catalog, show, request.path_params["token"])
        finally:
            catalog.close()

    body = await run_in_threadpool(build)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"etag": etag, "cache-control": "private, max-age=60"}
    if etag_matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    if request.method == "HEAD":
        headers["content-length"] = str(len(body))
        return Response(headers=headers, media_type=FEED_MEDIA_TYPE)
    return Response(body, headers=headers, media_type=FEED_MEDIA_TYPE)


async def episode_file(request: Request) -> Response:
    await run_in_threadpool(_show_settings, request)
    return serve_file(
        request, ("episodes", request.path_params["name"]), EPISODE_CACHE_CONTROL, public=False
    )


async def cover(request: Request) -> Response:
    show = await run_in_threadpool(_show_settings, request)
    segments = tuple(cover_name(show).split("/"))
    return serve_file(request, segments, SITE_CACHE_CONTROL, public=False)


def register(app: FastAPI) -> None:
    methods = ["GET", "HEAD"]
    app.add_route("/private/{token}/feed.xml", feed, methods=methods, include_in_schema=False)
    app.add_route(
        "/private/{token}/episodes/{name}", episode_file, methods=methods, include_in_schema=False
    )
    app.add_route("/private/{token}/{name}", cover, methods=methods, include_in_schema=False)
