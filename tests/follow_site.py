"""A site on 127.0.0.1 that publishes feeds the tests change between polls: RSS, Atom,
JSON Feed and sitemaps, each answered conditionally (ETag), or with a status forced."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


@dataclass
class Item:
    guid: str
    title: str
    body: str = "A short sentence to read. Then another one."
    path: str | None = None
    published: str = "2026-11-20T10:00:00+00:00"
    author: str = "Ann Writer"
    categories: Sequence[str] = ("News",)
    full: bool = True
    """Carry the full content in the feed; else the page is fetched."""

    @property
    def link_path(self) -> str:
        return self.path or f"/articles/{self.guid}"


@dataclass
class Site:
    """What the site serves, by path: (status, content type, body, extra headers)."""

    files: dict[str, tuple[int, str, bytes, dict[str, str]]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    base: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def put(
        self,
        path: str,
        body: bytes | str,
        content_type: str = "application/xml",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode() if isinstance(body, str) else body
        with self.lock:
            self.files[path] = (status, content_type, data, dict(headers or {}))

    def hits(self, path: str) -> list[dict[str, str]]:
        with self.lock:
            return [h for p, h in self.requests if p == path]

    def page(self, item: Item) -> None:
        html = (
            f"<!doctype html><html lang='en'><head><title>{escape(item.title)}</title></head>"
            f"<body><article><h1>{escape(item.title)}</h1><p>{escape(item.body)}</p>"
            "</article></body></html>"
        )
        self.put(item.link_path, html, "text/html; charset=utf-8")

    def rss(self, path: str, items: Sequence[Item], extra: str = "", channel: str = "") -> None:
        for item in items:
            self.page(item)
        body = "".join(
            f"<item><title>{escape(i.title)}</title><guid isPermaLink='false'>{i.guid}</guid>"
            f"<link>{self.base}{i.link_path}</link><pubDate>{_rfc822(i.published)}</pubDate>"
            f"<dc:creator>{escape(i.author)}</dc:creator>"
            + "".join(f"<category>{escape(c)}</category>" for c in i.categories)
            + (
                f"<content:encoded><![CDATA[<p>{escape(i.body)}</p>]]></content:encoded>"
                if i.full
                else f"<description>{escape(i.body[:40])}</description>"
            )
            + "</item>"
            for i in items
        )
        self.put(
            path,
            "<?xml version='1.0' encoding='utf-8'?>"
            "<rss version='2.0' xmlns:content='http://purl.org/rss/1.0/modules/content/'"
            " xmlns:dc='http://purl.org/dc/elements/1.1/'"
            " xmlns:sy='http://purl.org/rss/1.0/modules/syndication/'>"
            f"<channel><title>Site</title><link>{self.base}/</link>{channel}"
            f"{body}{extra}</channel></rss>",
            "application/rss+xml",
        )

    def atom(self, path: str, items: Sequence[Item]) -> None:
        for item in items:
            self.page(item)
        body = "".join(
            f"<entry><id>{i.guid}</id><title>{escape(i.title)}</title>"
            f"<link rel='alternate' href='{self.base}{i.link_path}'/>"
            f"<published>{i.published}</published><updated>{i.published}</updated>"
            f"<author><name>{escape(i.author)}</name></author>"
            + "".join(f"<category term='{escape(c)}'/>" for c in i.categories)
            + (
                f"<content type='html'>{escape(f'<p>{escape(i.body)}</p>')}</content>"
                if i.full
                else f"<summary>{escape(i.body[:40])}</summary>"
            )
            + "</entry>"
            for i in items
        )
        self.put(
            path,
            "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
            f"<title>Site</title><id>{self.base}/</id><updated>2026-11-20T10:00:00Z</updated>"
            f"{body}</feed>",
            "application/atom+xml",
        )

    def json_feed(self, path: str, items: Sequence[Item], extra: Sequence[object] = ()) -> None:
        for item in items:
            self.page(item)
        doc = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "Site",
            "items": [
                {
                    "id": i.guid,
                    "url": self.base + i.link_path,
                    "title": i.title,
                    "date_published": i.published,
                    "authors": [{"name": i.author}],
                    "tags": list(i.categories),
                    **({"content_html": f"<p>{escape(i.body)}</p>"} if i.full else {}),
                }
                for i in items
            ]
            + list(extra),
        }
        self.put(path, json.dumps(doc), "application/feed+json")

    def news_sitemap(self, path: str, items: Sequence[Item]) -> None:
        for item in items:
            self.page(item)
        body = "".join(
            f"<url><loc>{self.base}{i.link_path}</loc><lastmod>{i.published}</lastmod>"
            "<news:news><news:publication><news:name>Site</news:name>"
            "<news:language>en</news:language></news:publication>"
            f"<news:publication_date>{i.published}</news:publication_date>"
            f"<news:title>{escape(i.title)}</news:title>"
            f"<news:keywords>{escape(', '.join(i.categories))}</news:keywords></news:news></url>"
            for i in items
        )
        self.put(
            path,
            "<?xml version='1.0' encoding='utf-8'?>"
            "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'"
            " xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'>"
            f"{body}</urlset>",
        )


def _rfc822(iso: str) -> str:
    import datetime as dt
    import email.utils

    return email.utils.format_datetime(dt.datetime.fromisoformat(iso))


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            with site.lock:
                site.requests.append((path, {k.lower(): v for k, v in self.headers.items()}))
                found = site.files.get(path)
            if found is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status, content_type, data, headers = found
            etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
            if status == 200 and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            if status == 200:
                self.send_header("ETag", etag)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            return None

    return Handler


@contextmanager
def serving() -> Iterator[Site]:
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
