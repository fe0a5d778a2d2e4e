"""Real-world feeds and sitemaps from public parsers' test data (tests/feeds/<source>/,
each with its licence and a manifest of where the files came from and the Content-Type
each is served with), served on 127.0.0.1 and followed once.

What each document lists is counted as others read it: feedparser's entries for RSS,
RDF and Atom, a JSON Feed's items, a sitemap's ``<url>`` elements (lxml, recover mode).
Only the narration code of whatever ``narration`` package is imported runs, so the
same harness measures an older checkout (``PYTHONPATH``).
"""

from __future__ import annotations

import gzip
import json
import tarfile
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

CORPUS = Path(__file__).resolve().parent / "feeds"


@dataclass(frozen=True)
class Feed:
    source: str
    path: str
    content_type: str
    data: bytes

    @property
    def url_path(self) -> str:
        return "/" + quote(f"{self.source}/{self.path}")


@dataclass
class Outcome:
    feed: Feed
    format: str
    expected: int
    """Entries others find in it."""
    seen: int
    """Entries the follower queued for narration (one per key)."""
    failed_entries: int
    """Entries recorded but refused when queued (named in the source's last error)."""
    result: str
    error: str | None
    skipped: int | None
    """None: the code measured does not count skipped entries on the source."""
    reasons: dict[str, int]


def load(sources: tuple[str, ...] | None = None) -> list[Feed]:
    feeds = []
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        if sources is not None and folder.name not in sources:
            continue
        manifest = json.loads((folder / "manifest.json").read_text())
        with tarfile.open(folder / "feeds.tar.gz") as tar:
            members = {m.name: m for m in tar.getmembers()}
            for item in manifest["feeds"]:
                handle = tar.extractfile(members[item["path"]])
                assert handle is not None
                feeds.append(Feed(folder.name, item["path"], item["content_type"], handle.read()))
    return feeds


def format_and_count(feed: Feed) -> tuple[str, int]:
    """What the document is, and how many entries others find in it."""
    data = feed.data
    if data.startswith(b"\x1f\x8b"):
        data = gzip.decompress(data)
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        doc = json.loads(data)
        items = doc.get("items") if isinstance(doc, dict) else None
        return "JSON Feed", len(items) if isinstance(items, list) else 0
    if b"urlset" in head or b"sitemapindex" in head:
        from lxml import etree

        root = etree.fromstring(data, etree.XMLParser(recover=True, resolve_entities=False))
        name = etree.QName(root).localname
        urls = [n for n in root if isinstance(n.tag, str) and etree.QName(n).localname == "url"]
        return ("sitemap index" if name == "sitemapindex" else "sitemap"), len(urls)
    import feedparser

    parsed = feedparser.parse(data)
    version = str(parsed.get("version") or "unknown")
    if version.startswith("atom"):
        kind = "Atom 0.3" if version == "atom03" else "Atom 1.0"
    elif version in ("rss090", "rss10"):
        kind = "RSS 1.0 / RDF"
    elif version.startswith("rss"):
        kind = "RSS 2.0" if version == "rss20" else "RSS 0.9x"
        if parsed.feed.get("itunes_explicit") is not None or "itunes" in parsed.namespaces:
            kind = "podcast RSS"
    else:
        kind = f"other ({version})"
    return kind, len(parsed.entries)


class _Handler(BaseHTTPRequestHandler):
    files: ClassVar[dict[str, Feed]] = {}

    def do_GET(self) -> None:
        feed = self.files.get(self.path)
        if feed is None:
            self.send_error(404)
            return
        self.send_response(200)
        if feed.content_type:
            self.send_header("Content-Type", feed.content_type)
        self.send_header("Content-Length", str(len(feed.data)))
        self.end_headers()
        self.wfile.write(feed.data)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serving(feeds: list[Feed]) -> Iterator[str]:
    """The feeds on 127.0.0.1, each at its source and path: the base URL."""
    handler = type("Handler", (_Handler,), {"files": {f.url_path: f for f in feeds}})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def follow_all(feeds: list[Feed]) -> list[Outcome]:
    """Each feed followed once by a follower of a new database: what it recorded."""
    from narration.config import Settings
    from narration.ingest.follow_rules import Rules
    from narration.service.follow import Follower
    from narration.store.database import Database

    outcomes = []
    with tempfile.TemporaryDirectory() as tmp, serving(feeds) as base:
        settings = Settings(
            out_dir=Path(tmp) / "out",
            voice="fake:tone",
            fetch_allow=["127.0.0.1"],
            follow_min_interval_s=0,
            follow_jitter=0,
        )
        db = Database.open(settings)
        try:
            follower = Follower(settings, db, lambda sub: uuid.uuid4().hex)
            for feed in feeds:
                kind, expected = format_and_count(feed)
                source = follower.store.add("default", base + feed.url_path, Rules())
                poll = follower.poll(source)
                state = follower.store.get(source.id)
                assert state is not None
                counts = follower.store.counts(source.id)
                outcomes.append(
                    Outcome(
                        feed,
                        kind,
                        expected,
                        counts.queued,
                        counts.failed,
                        poll.result,
                        state.last_error,
                        getattr(state, "skipped", None),
                        dict(getattr(state, "skipped_reasons", None) or {}),
                    )
                )
        finally:
            db.close()
    return outcomes


def unexplained(outcome: Outcome) -> bool:
    """Fewer entries seen than others find, with no reason given on the source."""
    if outcome.seen >= outcome.expected:
        return False
    if outcome.result in ("failed", "over budget"):
        return not outcome.error
    missing = outcome.expected - outcome.seen
    stated = (outcome.skipped or 0) if outcome.reasons else 0
    if outcome.error:
        stated += outcome.failed_entries
    return stated < missing
