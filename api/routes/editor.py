"""The scripts and stylesheets of the editors' pages (the listening check, the listening
figures), served at ``/editor/{name}`` from ``api/static``, with the ones they share."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI, HTTPException, Request, Response

from api.conditional import document_response
from api.rendering import STATIC
from api.site import DocumentCache

JS = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"
EDITOR_ASSETS = {"editor.js": JS, "editor.css": CSS}
"""The script and stylesheet every editors' page loads."""


async def editor_asset(request: Request) -> Response:
    """A script or stylesheet of the editors' pages: ``/editor/{name}``."""
    name = request.url.path.rsplit("/", 1)[-1]
    served: dict[str, str] = request.app.state.editor_assets
    docs: DocumentCache = request.app.state.editor_asset_docs
    doc = docs.get(str(STATIC / name)) if name in served else None
    if doc is None:
        raise HTTPException(status_code=404)
    return document_response(request, doc, served[name], "public, max-age=300")


def serve_editor_assets(app: FastAPI, assets: Mapping[str, str]) -> None:
    """Serve ``assets`` (names of files in ``api/static``, with their media types) at
    ``/editor/{name}``, and the editors' pages' shared ones with them, once."""
    served: dict[str, str] | None = getattr(app.state, "editor_assets", None)
    if served is None:
        served = app.state.editor_assets = {}
        # Room for every editors' page's files.
        app.state.editor_asset_docs = DocumentCache(size=16)
    for name, media_type in {**EDITOR_ASSETS, **assets}.items():
        if name not in served:
            served[name] = media_type
            app.add_route(f"/editor/{name}", editor_asset, methods=["GET", "HEAD"])
