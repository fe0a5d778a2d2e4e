"""Episode audio, transcripts, chapters and the cover, at their paths in the output
directory (answered by ``api.files``: HEAD, byte ranges, ETag and 304).

Plain Starlette routes, like the feeds', to keep FastAPI's
per-request parameter solving off the path podcast apps hit most (``Range: bytes=0-1``
probes, then the audio).
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from api.files import serve_file
from api.site import EPISODE_CACHE_CONTROL, SITE_CACHE_CONTROL
from api.visibility import public_file, public_show


async def episode_file(request: Request) -> Response:
    """An episode's MP3, WebVTT transcript, chapters, peaks or image; not one of a
    private show's episodes (those are served under ``/private/<token>/`` alone)."""
    segments = ("episodes", request.path_params["name"])
    if not await public_file(request, "/".join(segments)):
        raise HTTPException(status_code=404)
    return serve_file(request, segments, EPISODE_CACHE_CONTROL)


async def site_file(request: Request) -> Response:
    """A file at the top of the site, such as the default show's cover."""
    if not await public_show(request, "default"):
        raise HTTPException(status_code=404)
    return serve_file(request, (request.path_params["name"],), SITE_CACHE_CONTROL)


async def show_file(request: Request) -> Response:
    """A file beside another show's feed, such as its cover."""
    params = request.path_params
    if not await public_show(request, params["slug"]):
        raise HTTPException(status_code=404)
    return serve_file(request, ("shows", params["slug"], params["name"]), SITE_CACHE_CONTROL)


# ``/{name}`` matches any top-level name: this router is the app's last.
router = APIRouter()
_METHODS = ["GET", "HEAD"]
router.add_route("/episodes/{name}", episode_file, methods=_METHODS, include_in_schema=False)
router.add_route("/shows/{slug}/{name}", show_file, methods=_METHODS, include_in_schema=False)
router.add_route("/{name}", site_file, methods=_METHODS, include_in_schema=False)
