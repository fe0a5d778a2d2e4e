"""Whether a path of the output directory may be served publicly, for a web server in
front of the app (nginx's ``auth_request``: see ``deploy/nginx.conf``).

``GET /_narration/access`` with the path in ``X-Narration-Path`` answers 204 when the
app would serve that file at that public path, 403 when it would not (a private show's
feed, cover or episode files; a path that is no published file's). Only requests that
carry ``X-Narration-Access: check`` are answered, which the shipped configuration sets
on its own subrequests and clears on every request it passes on; any other request gets
404, like a path the app does not have. The answer tells no more than a GET of the path
itself would.

Both endpoints for nginx (this one and ``/_narration/count``) answer only requests that
prove they come from the configured nginx: ``X-Narration-Proxy`` must carry the shared
secret ``NARRATION_PROXY_SECRET`` (compared in constant time). Without that setting they
answer 404 to everyone.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, HTTPException, Request, Response

from api.proxy import PATH_HEADER, from_proxy
from api.visibility import public_file, public_show

PATH = "/_narration/access"
MARK_VALUE = "check"

_SEG = r"[A-Za-z0-9_][A-Za-z0-9._-]{0,254}"
_EPISODE_FILE = re.compile(rf"/episodes/({_SEG})")
_SHOW_FILE = re.compile(rf"/shows/({_SEG})/{_SEG}")
_SITE_FILE = re.compile(rf"/{_SEG}")


async def is_public(request: Request, path: str) -> bool:
    """Whether the file at the URL path ``path`` is served at that public path."""
    if found := _EPISODE_FILE.fullmatch(path):
        return await public_file(request, "episodes/" + found.group(1))
    if found := _SHOW_FILE.fullmatch(path):
        return await public_show(request, found.group(1))
    if _SITE_FILE.fullmatch(path):
        return await public_show(request, "default")
    return False


async def access(request: Request) -> Response:
    if not from_proxy(request, MARK_VALUE):
        raise HTTPException(status_code=404)
    allowed = await is_public(request, request.headers.get(PATH_HEADER, ""))
    return Response(status_code=204 if allowed else 403)


router = APIRouter()
router.add_route(PATH, access, methods=["GET"], include_in_schema=False)
