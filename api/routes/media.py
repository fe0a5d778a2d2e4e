"""Episode audio, transcripts, chapters and the cover, at their paths in the output
directory: HEAD, byte ranges (Starlette's FileResponse), ETag and 304.

Plain Starlette routes added straight to the app, like the feeds, to keep FastAPI's
per-request parameter solving off the path podcast apps hit most (``Range: bytes=0-1``
probes, then the audio).
"""

from __future__ import annotations

from email.utils import formatdate

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.responses import FileResponse

from api.conditional import not_modified
from api.deps import site_of
from api.site import EPISODE_CACHE_CONTROL, SITE_CACHE_CONTROL, media_type


async def episode_file(request: Request) -> Response:
    """An episode's MP3, WebVTT transcript or chapters JSON."""
    return serve_file(request, ("episodes", request.path_params["name"]), EPISODE_CACHE_CONTROL)


async def site_file(request: Request) -> Response:
    """A file at the top of the site, such as the cover."""
    return serve_file(request, (request.path_params["name"],), SITE_CACHE_CONTROL)


async def show_file(request: Request) -> Response:
    """A file beside another show's feed, such as its cover."""
    params = request.path_params
    return serve_file(request, ("shows", params["slug"], params["name"]), SITE_CACHE_CONTROL)


def serve_file(
    request: Request, segments: tuple[str, ...], cache_control: str, *, public: bool = True
) -> Response:
    """A published file. ``public`` ones may be read by pages of any origin (the player
    on a publisher's site reads the transcript, chapters and peaks)."""
    kind = media_type(segments[-1])
    found = site_of(request).file(*segments) if kind is not None else None
    if kind is None or found is None:
        raise HTTPException(status_code=404)
    path, st = found
    # Cheap to compute per request and changes with any rewrite of the file.
    etag = f'"{st.st_mtime_ns:x}-{st.st_size:x}"'
    headers = {"etag": etag, "cache-control": cache_control}
    if public:
        headers["access-control-allow-origin"] = "*"
    if not_modified(request.headers, st.st_mtime, etag):
        headers["last-modified"] = formatdate(st.st_mtime, usegmt=True)
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type=kind, headers=headers, stat_result=st)


def register(app: FastAPI) -> None:
    """Add the file routes; ``/{name}`` matches any top-level name, so it goes last."""
    methods = ["GET", "HEAD"]
    app.add_route("/episodes/{name}", episode_file, methods=methods, include_in_schema=False)
    app.add_route("/shows/{slug}/{name}", show_file, methods=methods, include_in_schema=False)
    app.add_route("/{name}", site_file, methods=methods, include_in_schema=False)
