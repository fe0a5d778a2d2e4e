"""``deploy/nginx.conf`` in a real nginx, in front of a real ``narration serve``: public
files from the disk with the app's headers, nothing under a dot name, a private show's
files never at public paths, the API and pages proxied with the forwarding headers."""

from __future__ import annotations

import gzip
import http.server
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import httpx
import pytest

from deploy.local_nginx import binary, running
from tests.running import free_port
from tests.test_http_faults import AUTH, OWNED_BY_K, narrated, path_of, running_serve

pytestmark = pytest.mark.slow

BASE_URL = "https://pod.example.org/listen"
HOST = "127.0.0.1"
EPISODE_FILES = ("audio_url", "transcript_url", "chapters_url", "peaks_url", "image_url")
ARTICLE = "---\ntitle: {title}\n---\n\nOne sentence here. And another one.\n"
SHOWS = (
    f'[shows.members]\ntitle = "Members Only"\n{OWNED_BY_K}\n\n'
    f'[shows.later]\ntitle = "Later"\n{OWNED_BY_K}\n'
)
SECRET = "nginx-and-the-app-share-this"


@dataclass
class Stack:
    app: httpx.Client
    """``narration serve`` itself."""
    web: httpx.Client
    """nginx with the shipped configuration, in front of it."""
    public: dict[str, object]
    members: dict[str, object]
    token: str
    out: Path
    prefix: Path


def _episode(http: httpx.Client, title: str, show: str) -> dict[str, object]:
    return narrated(http, {"markdown": ARTICLE.format(title=title), "show": show})


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    assert binary() is not None, "nginx is not installed (make install installs it)"
    tmp = tmp_path_factory.mktemp("nginx")
    shows = tmp / "shows.toml"
    shows.write_text(SHOWS)
    env = {
        "NARRATION_VOICE": "fake:tone",
        "NARRATION_SHOWS_PATH": str(shows),
        "NARRATION_PROXY_SECRET": SECRET,
        "NARRATION_TRUSTED_PROXIES": HOST,
    }
    with running_serve(tmp, env, BASE_URL) as app:
        public = _episode(app, "Open To All", "default")
        members = _episode(app, "For Members", "members")
        made = app.post("/v1/shows/members/tokens", json={}, headers=AUTH)
        assert made.status_code == 201, made.text
        private = app.put("/v1/shows/members/access", json={"private": True}, headers=AUTH)
        assert private.status_code == 200, private.text
        port = free_port()
        upstream = str(app.base_url.netloc.decode())
        prefix = tmp / "nginx"
        with (
            running(prefix, tmp / "out", upstream, HOST, port, proxy_secret=SECRET),
            httpx.Client(base_url=f"http://{HOST}:{port}", timeout=30, trust_env=False) as web,
        ):
            yield Stack(app, web, public, members, made.json()["token"], tmp / "out", prefix)
        errors = (prefix / "error.log").read_text()
        assert "[alert]" not in errors and "[emerg]" not in errors, errors


def _from_nginx(answer: httpx.Response) -> bool:
    """Whether nginx answered from the disk (the app names every answer's request id)."""
    return "x-request-id" not in answer.headers


def _size(path: Path) -> int:
    return path.stat().st_size


def test_nothing_under_a_dot_name(stack: Stack) -> None:
    web, out = stack.web, stack.out
    catalog = max((p for p in (out / ".narration").iterdir() if p.is_file()), key=_size)
    temporary = out / "episodes" / ".partial-0001.mp3"
    temporary.write_bytes(b"ID3 not finished")
    hidden_feed = out / ".feed.xml"
    hidden_feed.write_text("<rss/>")
    paths = [
        f"/.narration/{catalog.name}",
        "/.narration/",
        "/%2Enarration/" + catalog.name,
        "/episodes/../.narration/" + catalog.name,
        "/episodes/.partial-0001.mp3",
        "/.feed.xml",
        f"/private/{stack.token}/.feed.xml",
    ]
    for path in paths:
        for method in ("GET", "HEAD"):
            answer = web.request(method, path)
            assert answer.status_code == 404, (method, path)
            assert catalog.read_bytes()[:16] not in answer.content


def test_public_audio_from_the_disk_with_ranges(stack: Stack) -> None:
    web, app = stack.web, stack.app
    path = path_of(stack.public["audio_url"])
    data = (stack.out / path.lstrip("/")).read_bytes()
    size = len(data)
    whole = web.get(path)
    assert whole.status_code == 200 and _from_nginx(whole)
    assert whole.content == data
    mine = app.get(path)
    for name in ("content-type", "cache-control", "access-control-allow-origin"):
        assert whole.headers[name] == mine.headers[name], name
    assert whole.headers["content-type"] == "audio/mpeg"
    assert whole.headers["cache-control"] == "public, max-age=86400"
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["etag"] and whole.headers["last-modified"]

    probe = web.get(path, headers={"Range": "bytes=0-1"})
    assert probe.status_code == 206 and _from_nginx(probe)
    assert probe.content == data[:2]
    assert probe.headers["content-range"] == f"bytes 0-1/{size}"
    assert probe.headers["cache-control"] == "public, max-age=86400"
    tail = web.get(path, headers={"Range": "bytes=-5"})
    assert tail.status_code == 206 and tail.content == data[-5:]
    several = web.get(path, headers={"Range": "bytes=0-1,4-5"})
    assert several.status_code == 206
    assert several.headers["content-type"].startswith("multipart/byteranges")
    past = web.get(path, headers={"Range": f"bytes={size}-"})
    assert past.status_code == 416
    assert past.headers["content-range"] == f"bytes */{size}"
    head = web.head(path, headers={"Range": "bytes=0-1"})
    assert head.status_code == 206 and head.content == b""
    again = web.get(path, headers={"If-None-Match": whole.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["cache-control"] == "public, max-age=86400"
    since = web.get(path, headers={"If-Modified-Since": whole.headers["last-modified"]})
    assert since.status_code == 304


def test_public_episode_files_keep_the_app_s_types(stack: Stack) -> None:
    for key in EPISODE_FILES:
        path = path_of(stack.public[key])
        answer = stack.web.get(path)
        assert answer.status_code == 200 and _from_nginx(answer), path
        assert answer.content == (stack.out / path.lstrip("/")).read_bytes()
        mine = stack.app.get(path)
        for name in ("content-type", "cache-control", "access-control-allow-origin"):
            assert answer.headers[name] == mine.headers[name], (path, name)
    cover = stack.web.get("/cover.png")
    assert cover.status_code == 200 and _from_nginx(cover)
    mine = stack.app.get("/cover.png")
    for name in ("content-type", "cache-control", "access-control-allow-origin"):
        assert cover.headers[name] == mine.headers[name], name


def test_feed_headers_validators_and_gzip(stack: Stack) -> None:
    web = stack.web
    on_disk = (stack.out / "feed.xml").read_bytes()
    plain = web.get("/feed.xml", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and _from_nginx(plain)
    assert plain.content == on_disk == stack.app.get("/feed.xml").content
    assert plain.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert plain.headers["cache-control"] == "public, max-age=60"
    assert plain.headers["etag"] and plain.headers["last-modified"]
    assert web.get("/feed.xml", headers={"If-None-Match": plain.headers["etag"]}).status_code == 304
    since = {"If-Modified-Since": plain.headers["last-modified"]}
    assert web.get("/feed.xml", headers=since).status_code == 304

    assert len(on_disk) >= 1024  # large enough to be compressed, as the app does
    packed = web.get("/feed.xml", headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 200
    assert packed.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in packed.headers["vary"].lower()
    assert packed.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert packed.content == on_disk  # httpx decodes it
    fresh = {"Accept-Encoding": "gzip", "If-None-Match": packed.headers["etag"]}
    assert web.get("/feed.xml", headers=fresh).status_code == 304
    head = web.head("/feed.xml")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == "application/rss+xml; charset=utf-8"


def test_gzipped_feed_is_the_file(stack: Stack) -> None:
    with stack.web.stream("GET", "/feed.xml", headers={"Accept-Encoding": "gzip"}) as answer:
        body = b"".join(answer.iter_raw())
    assert gzip.decompress(body) == (stack.out / "feed.xml").read_bytes()


def test_private_show_files_never_at_public_paths(stack: Stack) -> None:
    web, app = stack.web, stack.app
    paths = [path_of(stack.members[key]) for key in EPISODE_FILES]
    paths += ["/shows/members/feed.xml", "/shows/members/cover.png"]
    for path in paths:
        assert (stack.out / path.lstrip("/")).is_file(), path  # there, and refused
        for method in ("GET", "HEAD"):
            for headers in ({}, {"Range": "bytes=0-1"}, {"X-Narration-Access": "check"}):
                answer = web.request(method, path, headers=headers)
                assert answer.status_code == 404, (method, path, headers)
                assert answer.status_code == app.request(method, path).status_code
    # Its subscribers read them under their token, through the app.
    private = f"/private/{stack.token}"
    feed = web.get(f"{private}/feed.xml")
    assert feed.status_code == 200 and not _from_nginx(feed)
    assert feed.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert (
        web.get(f"{private}/feed.xml", headers={"If-None-Match": feed.headers["etag"]}).status_code
        == 304
    )
    audio = f"{private}{path_of(stack.members['audio_url'])}"
    ranged = web.get(audio, headers={"Range": "bytes=0-1"})
    assert ranged.status_code == 206 and len(ranged.content) == 2
    assert web.head(f"{private}/cover.png").status_code == 200
    assert web.get(f"/private/not-a-token{path_of(stack.members['audio_url'])}").status_code == 404


def test_a_show_made_private_is_refused_within_seconds(stack: Stack) -> None:
    web, app = stack.web, stack.app
    # Submitted through nginx: the API's POST is proxied.
    answer = web.post(
        "/v1/articles", json={"markdown": ARTICLE.format(title="Soon Closed"), "show": "later"},
        headers=AUTH,
    )  # fmt: skip
    assert answer.status_code == 202, answer.text
    deadline = time.monotonic() + 120
    link = f"/v1/episodes/{answer.json()['id']}"
    while (episode := web.get(link, headers=AUTH).json()).get("status") in ("queued", "running"):
        assert time.monotonic() < deadline, episode
        time.sleep(0.2)
    assert episode["status"] == "done", episode
    audio = path_of(episode["audio_url"])
    assert web.get(audio, headers={"Range": "bytes=0-1"}).status_code == 206
    assert web.get("/shows/later/feed.xml").status_code == 200
    made = app.post("/v1/shows/later/tokens", json={}, headers=AUTH)
    assert made.status_code == 201, made.text
    time.sleep(2.5)
    # A token alone leaves the show public.
    assert web.get(audio, headers={"Range": "bytes=0-1"}).status_code == 206
    assert web.get("/shows/later/feed.xml").status_code == 200
    closed = app.put("/v1/shows/later/access", json={"private": True}, headers=AUTH)
    assert closed.status_code == 200, closed.text
    time.sleep(2.5)  # the app's and nginx's one-second memories of the answer
    for path in (audio, "/shows/later/feed.xml", "/shows/later/cover.png"):
        assert web.get(path, headers={"Range": "bytes=0-1"}).status_code == 404, path


def test_api_pages_and_player_are_proxied(stack: Stack) -> None:
    web, app = stack.web, stack.app
    job = str(stack.public["job_id"])
    page = path_of(stack.public["page_url"])
    paths = [
        "/",
        page,
        page + "/embed",
        "/shows/members/",
        "/healthz",
        "/docs",
        "/openapi.json",
        "/player.js",
        "/player.css",
        "/site.js",
        "/site.css",
        f"/v1/episodes/{job}",
        "/v1/episodes/nothing-here",
        "/episodes/missing.mp3",
        "/no-such-file.png",
    ]
    for path in paths:
        via, direct = web.get(path, headers=AUTH), app.get(path, headers=AUTH)
        assert via.status_code == direct.status_code, path
        assert not _from_nginx(via), path
        assert via.headers.get("content-type") == direct.headers.get("content-type"), path
    assert (
        web.get(f"/v1/episodes/{job}", headers=AUTH).json()
        == app.get(f"/v1/episodes/{job}", headers=AUTH).json()
    )
    assert web.get("/v1/shows/members/tokens").status_code == 401
    given = web.get("/healthz", headers={"X-Request-ID": "trace-abc123"})
    assert given.headers["x-request-id"] == "trace-abc123"
    made = web.get("/healthz").headers["x-request-id"]
    assert len(made) == 32 and int(made, 16) >= 0  # nginx's $request_id, passed on


def test_the_access_check_is_internal(stack: Stack) -> None:
    web, app = stack.web, stack.app
    public = path_of(stack.public["audio_url"])
    members = path_of(stack.members["audio_url"])
    check = {"X-Narration-Access": "check", "X-Narration-Proxy": SECRET}
    for path in ("/_narration/access", "/_narration_access"):
        for headers in ({}, {**check, "X-Narration-Path": public}):
            assert web.get(path, headers=headers).status_code == 404, (path, headers)
    # The app answers nginx's question only when it is asked as nginx asks it: marked,
    # and with the shared secret.
    for forged in (
        {"X-Narration-Path": public},
        {"X-Narration-Access": "check", "X-Narration-Path": public},
        {"X-Narration-Access": "check", "X-Narration-Path": public, "X-Narration-Proxy": "guess"},
        {"X-Narration-Access": "check", "X-Narration-Path": public, "X-Narration-Proxy": ""},
    ):
        assert app.get("/_narration/access", headers=forged).status_code == 404, forged
    for path, status in (
        (public, 204),
        (members, 403),
        ("/feed.xml", 204),
        ("/cover.png", 204),
        ("/shows/members/feed.xml", 403),
        ("/shows/members/cover.png", 403),
        (f"/private/{stack.token}/feed.xml", 403),
        ("/v1/episodes", 403),
        ("", 403),
    ):
        answer = app.get("/_narration/access", headers={**check, "X-Narration-Path": path})
        assert answer.status_code == status, path
        assert answer.content == b""


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, str]]] = []

    def do_GET(self) -> None:
        self.seen.append({k.lower(): v for k, v in self.headers.items()})
        body = json.dumps({"path": self.path}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_forwarding_headers_reach_the_app(tmp_path: Path) -> None:
    """What nginx sends upstream, seen by a recording server in the app's place."""
    assert binary() is not None
    recorder = http.server.ThreadingHTTPServer((HOST, 0), _Recorder)
    threading.Thread(target=recorder.serve_forever, daemon=True).start()
    port = free_port()
    upstream = f"{HOST}:{recorder.server_address[1]}"
    (tmp_path / "out").mkdir()
    try:
        with (
            running(
                tmp_path / "nginx", tmp_path / "out", upstream, HOST, port, proxy_secret=SECRET
            ),
            httpx.Client(base_url=f"http://{HOST}:{port}", timeout=10, trust_env=False) as web,
        ):
            forged = {
                "X-Narration-Access": "check",
                "X-Narration-Path": "/episodes/x.mp3",
                "X-Narration-Proxy": SECRET,
            }
            answer = web.get(
                "/v1/episodes?limit=1",
                headers={"Host": "audio.example.com", "X-Request-ID": "trace-1", **forged},
            )
            assert answer.status_code == 200
            assert answer.json() == {"path": "/v1/episodes?limit=1"}
            web.get("/episodes/0123456789abcdef0123456789abcdef/embed")
    finally:
        recorder.shutdown()
        recorder.server_close()
    first, second = _Recorder.seen[-2:]
    assert first["host"] == "audio.example.com"
    assert first["x-forwarded-host"] == "audio.example.com"
    assert first["x-forwarded-for"] == HOST
    assert first["x-real-ip"] == HOST
    assert first["x-forwarded-proto"] == "http"
    assert first["x-request-id"] == "trace-1"
    assert "x-narration-access" not in first and "x-narration-path" not in first
    assert "x-narration-proxy" not in first and SECRET not in json.dumps(first)
    assert len(second["x-request-id"]) == 32
