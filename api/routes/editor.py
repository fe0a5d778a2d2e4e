"""The scripts and stylesheets of the editors' pages (the listening check, the listening
figures), served at ``/editor/{name}`` from ``api/static``."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from api.conditional import document_response
from api.rendering import STATIC
from api.site import DocumentCache

JS = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"
EDITOR_ASSETS = {
    # Loaded by every editors' page.
    "editor.js": JS,
    "editor.css": CSS,
    # The listening check's page (routes/checks.py).
    "checks.js": JS,
    "checks.css": CSS,
    # The listening figures' page (routes/stats.py).
    "stats.js": JS,
    "stats.css": CSS,
}
"""The files served, with their media types."""


async def editor_asset(request: Request) -> Response:
    """A script or stylesheet of the editors' pages: ``/editor/{name}``."""
    name = request.url.path.rsplit("/", 1)[-1]
    docs: DocumentCache = request.app.state.editor_asset_docs
    doc = docs.get(str(STATIC / name)) if name in EDITOR_ASSETS else None
    if doc is None:
        raise HTTPException(status_code=404)
    return document_response(request, doc, EDITOR_ASSETS[name], "public, max-age=300")


router = APIRouter()
for _name in EDITOR_ASSETS:
    router.add_route(f"/editor/{_name}", editor_asset, methods=["GET", "HEAD"])
