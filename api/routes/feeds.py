"""The podcast feed and its archive pages, with validators computed once per version.

Plain Starlette routes, rather than FastAPI path operations: podcast apps poll feeds
constantly, and FastAPI's per-request parameter and dependency solving costs several
times what answering from the in-memory copy does.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from api.conditional import document_response
from api.deps import site_of
from api.site import FEED_CACHE_CONTROL, FEED_MEDIA_TYPE
from api.visibility import public_show


async def feed(request: Request) -> Response:
    """``feed.xml`` or an archive page (``feed-archive-<n>.xml``) as RSS; under
    ``/shows/<slug>/`` the same for another show. Not a private show's: its subscribers
    read it under ``/private/<token>/``."""
    params = request.path_params
    if not await public_show(request, params.get("slug", "default")):
        raise HTTPException(status_code=404)
    name = params["name"] + ".xml"
    segments = ("shows", params["slug"], name) if "slug" in params else (name,)
    doc = site_of(request).feed(*segments)
    if doc is None:
        raise HTTPException(status_code=404)
    return document_response(request, doc, FEED_MEDIA_TYPE, FEED_CACHE_CONTROL)


router = APIRouter()
router.add_route("/{name}.xml", feed, methods=["GET", "HEAD"], include_in_schema=False)
router.add_route("/shows/{slug}/{name}.xml", feed, methods=["GET", "HEAD"], include_in_schema=False)
