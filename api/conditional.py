"""HTTP validators: does a conditional GET or HEAD get 304 Not Modified (RFC 9110 13.1)?
And answering with a document held in memory, gzipped when the client takes it."""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import parsedate_to_datetime

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response

from api.site import Document


def not_modified(headers: Headers, mtime: float, *etags: str) -> bool:
    """True when the client's copy, named by ``If-None-Match`` (any of ``etags``: one per
    representation) or dated by ``If-Modified-Since``, is current. ``If-None-Match`` wins
    when both are sent."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        return any(etag_matches(if_none_match, etag) for etag in etags)
    if_modified_since = headers.get("if-modified-since")
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:
        return False
    return int(mtime) <= since.timestamp()


def etag_matches(header: str, etag: str) -> bool:
    """Weak comparison of ``etag`` with an ``If-None-Match`` list (or ``*``)."""
    if header.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in header.split(","))


def document_response(
    request: Request,
    doc: Document,
    media_type: str,
    cache_control: str,
    extra: Mapping[str, str] | None = None,
) -> Response:
    """``doc`` as GET or HEAD, 304 when the client's copy is current, gzipped when the
    client accepts it and that is smaller (with its own ETag, and ``Vary``)."""
    packed = doc.gzipped is not None and "gzip" in request.headers.get("accept-encoding", "")
    headers = {
        "etag": doc.gzip_etag if packed else doc.etag,
        "last-modified": doc.last_modified,
        "cache-control": cache_control,
        **(extra or {}),
    }
    if doc.gzipped is not None:
        headers["vary"] = "Accept-Encoding"
    # Either representation's validator names a current copy.
    etags = (doc.etag, doc.gzip_etag) if doc.gzipped is not None else (doc.etag,)
    if not_modified(request.headers, doc.mtime, *etags):
        return Response(status_code=304, headers=headers)
    body = doc.gzipped if packed and doc.gzipped is not None else doc.body
    if packed:
        headers["content-encoding"] = "gzip"
    if request.method == "HEAD":
        headers["content-length"] = str(len(body))
        return Response(headers=headers, media_type=media_type)
    return Response(body, headers=headers, media_type=media_type)
