"""Requests from the configured nginx in front of the app (``deploy/nginx.conf``): its
subrequests carry a mark and the shared secret ``NARRATION_PROXY_SECRET``, and name the
path they are about in ``X-Narration-Path``."""

from __future__ import annotations

import hmac

from fastapi import Request

MARK_HEADER = "x-narration-access"
PATH_HEADER = "x-narration-path"
PROXY_HEADER = "x-narration-proxy"


def from_proxy(request: Request, mark: str) -> bool:
    """Whether the request is the configured nginx's own, marked ``mark``: it carries the
    proxy secret (and a secret is set)."""
    secret: str | None = request.app.state.settings.proxy_secret
    if secret is None or request.headers.get(MARK_HEADER) != mark:
        return False
    given = request.headers.get(PROXY_HEADER, "").encode("latin-1", "replace")
    return hmac.compare_digest(given, secret.encode())
