"""The output directory as the service reads it: safe path lookup, media types, feed cache.

Nothing here knows HTTP; the routes turn these answers into responses.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import stat
import threading
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

MEDIA_TYPES: dict[str, str] = {
    ".mp3": "audio/mpeg",
    ".vtt": "text/vtt; charset=utf-8",
    # The type the Podcasting 2.0 namespace gives for chapters (and the feed declares).
    ".chapters.json": "application/json+chapters",
    ".json": "application/json",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
FEED_MEDIA_TYPE = "application/rss+xml; charset=utf-8"
FEED_CACHE_CONTROL = "public, max-age=60"
# Episode files never change in place (a new version gets a new name); covers may.
EPISODE_CACHE_CONTROL = "public, max-age=86400"
SITE_CACHE_CONTROL = "public, max-age=3600"

# One path segment of a published file: ASCII, no leading dot (temporary files and the
# state directory start with one), so no segment can be "." or "..".
_SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$")
_FEED_CACHE_SIZE = 256
_GZIP_MIN = 1024  # smaller answers gain less than the header costs


def media_type(name: str) -> str | None:
    """The Content-Type of a published file, or None for a name the site does not serve."""
    lowered = name.lower()
    for suffix, kind in MEDIA_TYPES.items():
        if lowered.endswith(suffix):
            return kind
    return None


@dataclass(frozen=True)
class Document:
    """A file served from memory (a feed, the player's script): its bytes, a gzipped copy
    when that saves something, and validators, computed once per file version."""

    body: bytes
    gzipped: bytes | None
    etag: str
    last_modified: str
    mtime: float
    """Seconds since the epoch, whole seconds, as Last-Modified states it."""

    @property
    def gzip_etag(self) -> str:
        """The validator of the gzipped representation (RFC 9110 8.8.3: one per encoding)."""
        return self.etag[:-1] + '-gz"'


class DocumentCache:
    """Documents by path, read, hashed and compressed again only when the file changes."""

    def __init__(self, size: int = _FEED_CACHE_SIZE) -> None:
        self._docs: dict[str, tuple[tuple[int, int, int], Document]] = {}
        self._lock = threading.Lock()
        self._size = size

    def get(self, path: str) -> Document | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        cached = self._docs.get(path)
        if cached is not None and cached[0] == (st.st_mtime_ns, st.st_size, st.st_ino):
            return cached[1]
        loaded = _load(path)
        if loaded is None:
            return None
        with self._lock:
            if len(self._docs) >= self._size:
                self._docs.pop(next(iter(self._docs)), None)
            self._docs[path] = loaded
        return loaded[1]


def _load(path: str) -> tuple[tuple[int, int, int], Document] | None:
    # The validators come from the same open file as the bytes, so a file replaced between
    # the stat and the read is never served under the old file's validators.
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                return None
            body = fh.read()
    except OSError:
        return None
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    packed = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= _GZIP_MIN else None
    gzipped = packed if packed is not None and len(packed) < len(body) else None
    mtime = float(int(st.st_mtime))
    doc = Document(body, gzipped, etag, formatdate(mtime, usegmt=True), mtime)
    return (st.st_mtime_ns, st.st_size, st.st_ino), doc


class Site:
    """The published files of one output directory."""

    def __init__(self, out_dir: Path) -> None:
        self.root = out_dir.resolve()
        self._prefix = str(self.root) + os.sep
        self._feeds = DocumentCache()

    def file(self, *segments: str) -> tuple[str, os.stat_result] | None:
        """The real path of the regular file at ``segments`` below the root and its stat.

        None for anything that is not a plain published name, or whose real path
        (symbolic links followed) leaves the root.
        """
        if not segments or not all(_SEGMENT.match(s) for s in segments):
            return None
        path = self.root.joinpath(*segments)
        real = os.path.realpath(path)
        if not real.startswith(self._prefix):
            return None
        try:
            st = os.stat(real)
        except (OSError, ValueError):
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        return real, st

    def feed(self, *segments: str) -> Document | None:
        """The feed document at ``segments`` below the root (``feed.xml``, or
        ``shows/<slug>/feed.xml``), read and hashed only when it changed."""
        if not segments or not segments[-1].endswith(".xml"):
            return None
        if not all(_SEGMENT.match(s) for s in segments):
            return None
        return self._feeds.get(self._prefix + "/".join(segments))
