"""HTTP validators: does a conditional GET or HEAD get 304 Not Modified (RFC 9110 13.1)?"""

from __future__ import annotations

from email.utils import parsedate_to_datetime

from starlette.datastructures import Headers


def not_modified(headers: Headers, etag: str, mtime: float) -> bool:
    """True when the client's copy, named by ``If-None-Match`` or dated by
    ``If-Modified-Since``, is current. ``If-None-Match`` wins when both are sent."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        return etag_matches(if_none_match, etag)
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
