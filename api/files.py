"""Published files answered the way podcast apps fetch them: HEAD, byte ranges (RFC 9110
14: read here, sent by Starlette's FileResponse), ETag and 304, and each audio request
counted."""

from __future__ import annotations

import os
import re
from email.utils import formatdate

from fastapi import HTTPException, Request, Response
from fastapi.responses import FileResponse, JSONResponse
from starlette.datastructures import Headers
from starlette.types import Receive, Scope, Send

from api.conditional import not_modified
from api.counting import count_audio
from api.deps import site_of
from api.site import media_type

MAX_RANGES = 16
"""More ranges than this in one request are not served piecemeal: the whole file is."""

# range-spec (RFC 9110 14.1.1): int-range (first-pos "-" [last-pos]) or suffix-range.
_RANGE_SPEC = re.compile(r"([0-9]+)-([0-9]*)|-([0-9]+)", re.ASCII)


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
    etag = file_etag(st)
    headers = {"etag": etag, "cache-control": cache_control}
    if public:
        headers["access-control-allow-origin"] = "*"
    if not_modified(request.headers, st.st_mtime, etag):
        headers["last-modified"] = formatdate(st.st_mtime, usegmt=True)
        return Response(status_code=304, headers=headers)
    if kind.startswith("audio/") and request.app.state.settings.stats.enabled:
        count_served(request, "/".join(segments), st, etag)
    return RangedFileResponse(path, media_type=kind, headers=headers, stat_result=st)


def file_etag(st: os.stat_result) -> str:
    """A file's ETag: cheap to compute per request and changed by any rewrite of it."""
    return f'"{st.st_mtime_ns:x}-{st.st_size:x}"'


def count_served(request: Request, name: str, st: os.stat_result, etag: str) -> None:
    """Count the request for the audio file ``name`` (of ``st``), which is answered with
    the file or the ranges of it that its headers ask for (not a 304)."""
    given = request.headers.get("range")
    ranges = None
    if given is not None and (
        "if-range" not in request.headers
        or _if_range_holds(request.headers, etag, formatdate(st.st_mtime, usegmt=True))
    ):
        ranges = byte_ranges(given, st.st_size)
    count_audio(request, name, ranges, st.st_size)


def byte_ranges(header: str, size: int) -> list[tuple[int, int]] | None:
    """The ranges of a ``Range`` header that a representation of ``size`` bytes can
    satisfy, as (first, last + 1), in the order asked.

    None when the header is to be ignored (RFC 9110 14.2): a unit other than ``bytes``, a
    ranges-specifier that does not parse (``bytes=abc``, ``bytes=5-2``: an int-range
    whose last-pos is below its first-pos is invalid), or more than ``MAX_RANGES``
    ranges. An empty list when it parses but no range overlaps the representation: 416.
    """
    unit, equals, range_set = header.partition("=")
    if not equals or unit.strip().lower() != "bytes":
        return None
    # A #rule list: empty elements and whitespace around the commas are allowed.
    specs = [part.strip() for part in range_set.split(",") if part.strip()]
    if not specs or len(specs) > MAX_RANGES:
        return None
    satisfiable = []
    for spec in specs:
        found = _RANGE_SPEC.fullmatch(spec)
        if found is None:
            return None
        first, last, suffix = found.groups()
        if suffix is not None:
            if int(suffix) > 0 and size > 0:
                satisfiable.append((max(size - int(suffix), 0), size))
            continue
        if last and int(last) < int(first):
            return None
        if int(first) < size:
            end = min(int(last) + 1, size) if last else size
            satisfiable.append((int(first), end))
    return satisfiable


def _if_range_holds(headers: Headers, etag: str, last_modified: str) -> bool:
    """Whether an ``If-Range`` (absent, or naming the current file by its strong ETag or
    its exact Last-Modified date) lets the ``Range`` apply (RFC 9110 13.1.5)."""
    given = headers.get("if-range")
    if given is None:
        return True
    given = given.strip()
    if given.startswith("W/"):
        return False
    return given in (etag, last_modified)


class RangedFileResponse(FileResponse):
    """A FileResponse whose ``Range`` header is read by ``byte_ranges``: one that cannot
    be parsed is ignored (200 and the whole file) rather than answered with 400, a set
    with at least one satisfiable range is answered with those ranges (206, one range or
    multipart/byteranges), and one with none gets 416."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        given = headers.get("range")
        if given is None or scope["method"] not in ("GET", "HEAD") or self.stat_result is None:
            await super().__call__(scope, receive, send)
            return
        size = self.stat_result.st_size
        ranges = None
        if _if_range_holds(headers, self.headers["etag"], self.headers["last-modified"]):
            ranges = byte_ranges(given, size)
        if ranges == []:
            await _not_satisfiable(size)(scope, receive, send)
            return
        others = [(k, v) for k, v in scope["headers"] if k != b"range"]
        if ranges:
            canonical = ",".join(f"{first}-{end - 1}" for first, end in ranges)
            others.append((b"range", f"bytes={canonical}".encode("latin-1")))
        await super().__call__({**scope, "headers": others}, receive, send)


def _not_satisfiable(size: int) -> Response:
    body = {"error": {"code": "range_not_satisfiable", "message": "no range overlaps the file"}}
    return JSONResponse(body, status_code=416, headers={"content-range": f"bytes */{size}"})
