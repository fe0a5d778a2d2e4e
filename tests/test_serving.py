"""The service answers podcast apps the way they expect: HEAD, byte ranges, validators."""

from __future__ import annotations

import os
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from narration.config import Settings
from narration.model import Episode
from narration.prepare.load import load_article
from narration.publish.narrator import Narrator

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Episode]:
    tmp = tmp_path_factory.mktemp("serving")
    settings = Settings(out_dir=tmp / "out", voice="fake:tone", workers=2, clip_timeout_s=5)
    src = tmp / "a.md"
    src.write_text(
        "---\ntitle: Serving\n---\n\n# First\n\nOne sentence here. And another one.\n\n"
        "# Second\n\nA third sentence for the second chapter.\n"
    )
    with Narrator(settings) as narrator:
        (result,) = narrator.narrate([load_article(str(src), settings)])
    return settings, result.episode


@pytest.fixture(scope="module")
def client(site: tuple[Settings, Episode]) -> Iterator[TestClient]:
    with TestClient(create_app(site[0])) as test_client:
        yield test_client


def _files(site: tuple[Settings, Episode]) -> dict[str, str]:
    ep = site[1]
    return {
        ep.audio_name: "audio/mpeg",
        ep.transcript_name: "text/vtt",
        ep.chapters_name: "application/json+chapters",
        "cover.png": "image/png",
    }


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_every_file_type_answers_get_and_head(
    client: TestClient, site: tuple[Settings, Episode], method: str
) -> None:
    settings = site[0]
    for name, kind in _files(site).items():
        data = (settings.out_dir / name).read_bytes()
        response = client.request(method, "/" + name)
        assert response.status_code == 200, name
        assert response.headers["content-type"].split(";")[0] == kind
        assert int(response.headers["content-length"]) == len(data)
        assert response.headers["accept-ranges"] == "bytes"
        assert response.headers["etag"].startswith('"')
        assert response.headers["last-modified"].endswith("GMT")
        assert response.content == (data if method == "GET" else b"")


def _audio(site: tuple[Settings, Episode]) -> tuple[str, bytes]:
    settings, ep = site
    return "/" + ep.audio_name, (settings.out_dir / ep.audio_name).read_bytes()


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-1", 0, 1), ("bytes=100-", 100, None), ("bytes=-500", -500, None)],
)
def test_ranges_give_the_exact_bytes(
    client: TestClient, site: tuple[Settings, Episode], header: str, start: int, end: int | None
) -> None:
    url, data = _audio(site)
    size = len(data)
    expected = data[start : None if end is None else end + 1]
    first = start if start >= 0 else size + start
    last = (end if end is not None else size - 1) if start >= 0 else size - 1
    response = client.get(url, headers={"Range": header})
    assert response.status_code == 206
    assert response.content == expected
    assert response.headers["content-range"] == f"bytes {first}-{last}/{size}"
    assert int(response.headers["content-length"]) == len(expected)
    assert response.headers["content-type"] == "audio/mpeg"
    head = client.head(url, headers={"Range": header})
    assert head.status_code == 206 and head.content == b""
    assert head.headers["content-range"] == f"bytes {first}-{last}/{size}"


def test_range_on_a_transcript(client: TestClient, site: tuple[Settings, Episode]) -> None:
    settings, ep = site
    data = (settings.out_dir / ep.transcript_name).read_bytes()
    response = client.get("/" + ep.transcript_name, headers={"Range": "bytes=0-5"})
    assert response.status_code == 206 and response.content == data[:6] == b"WEBVTT"


@pytest.mark.parametrize("offset", [0, 10])
def test_unsatisfiable_range_is_416(
    client: TestClient, site: tuple[Settings, Episode], offset: int
) -> None:
    url, data = _audio(site)
    response = client.get(url, headers={"Range": f"bytes={len(data) + offset}-"})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{len(data)}"


def test_media_etag_gives_304(client: TestClient, site: tuple[Settings, Episode]) -> None:
    url, _ = _audio(site)
    etag = client.head(url).headers["etag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.content == b""
    assert response.headers["etag"] == etag
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_feed_headers(client: TestClient) -> None:
    for method in ("GET", "HEAD"):
        response = client.request(method, "/feed.xml")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/rss+xml; charset=utf-8"
        assert response.headers["cache-control"] == "public, max-age=60"
        assert response.headers["etag"].startswith('"')
        assert response.headers["last-modified"].endswith("GMT")
    get = client.get("/feed.xml")
    head = client.head("/feed.xml")
    assert b"<rss" in get.content and head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    plain = client.get("/feed.xml", headers={"Accept-Encoding": "identity"})
    assert int(plain.headers["content-length"]) == len(plain.content) == len(get.content)
    assert head.headers["etag"] == get.headers["etag"]


def test_feed_conditional_requests(client: TestClient) -> None:
    first = client.get("/feed.xml")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    for headers in (
        {"If-None-Match": etag},
        {"If-None-Match": f'"nope", W/{etag}'},
        {"If-None-Match": "*"},
        {"If-Modified-Since": modified},
        {"If-Modified-Since": formatdate(2_000_000_000, usegmt=True)},
    ):
        for method in ("GET", "HEAD"):
            response = client.request(method, "/feed.xml", headers=headers)
            assert response.status_code == 304, headers
            assert response.content == b""
            assert response.headers["etag"] == etag
            assert response.headers["cache-control"] == "public, max-age=60"
    for headers in (
        {"If-None-Match": '"nope"'},
        # If-None-Match wins over a matching If-Modified-Since.
        {"If-None-Match": '"nope"', "If-Modified-Since": modified},
        {"If-Modified-Since": formatdate(1_000_000_000, usegmt=True)},
        {"If-Modified-Since": "not a date"},
    ):
        assert client.get("/feed.xml", headers=headers).status_code == 200, headers


def test_feed_validators_follow_the_file(
    client: TestClient, site: tuple[Settings, Episode]
) -> None:
    settings = site[0]
    path = settings.out_dir / "feed.xml"
    original = path.read_bytes()
    before = client.get("/feed.xml").headers["etag"]
    assert client.get("/feed.xml").headers["etag"] == before
    try:
        changed = original.replace(b"</channel>", b"<!-- changed --></channel>")
        path.write_bytes(changed)
        os.utime(path, (1_900_000_000, 1_900_000_000))
        response = client.get("/feed.xml", headers={"If-None-Match": before})
        assert response.status_code == 200 and response.content == changed
        assert response.headers["etag"] != before
        assert response.headers["last-modified"] == formatdate(1_900_000_000, usegmt=True)
    finally:
        path.write_bytes(original)
    assert client.get("/feed.xml").headers["etag"] == before


@pytest.mark.parametrize(
    "url",
    [
        "/.narration/catalog.sqlite",
        "/.narration",
        "/episodes/.hidden.mp3",
        "/../etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/episodes/..%2f..%2fetc%2fpasswd",
        "/episodes/%2e%2e/.narration/catalog.sqlite",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/etc/passwd",
        "/episodes/../.narration/catalog.sqlite",
        "/missing.mp3",
        "/episodes/missing.mp3",
        "/missing.xml",
        "/.feed.xml",
        "/episodes",
    ],
)
def test_private_and_outside_paths_are_404(
    client: TestClient, site: tuple[Settings, Episode], url: str
) -> None:
    assert (site[0].out_dir / ".narration" / "catalog.sqlite").exists()
    for method in ("GET", "HEAD"):
        assert client.request(method, url).status_code == 404, url


def test_symlink_out_of_the_site_is_refused(
    client: TestClient, site: tuple[Settings, Episode], tmp_path: Path
) -> None:
    secret = tmp_path / "secret.mp3"
    secret.write_bytes(b"secret")
    link = site[0].out_dir / "episodes" / "link.mp3"
    link.symlink_to(secret)
    try:
        assert client.get("/episodes/link.mp3").status_code == 404
    finally:
        link.unlink()


def test_unknown_file_types_are_not_served(
    client: TestClient, site: tuple[Settings, Episode]
) -> None:
    (site[0].out_dir / "notes.txt").write_text("private")
    assert client.get("/notes.txt").status_code == 404


def test_health(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_feeds_and_player_files_are_gzipped_for_clients_that_take_it(client: TestClient) -> None:
    for path in ("/feed.xml", "/player.js"):
        plain = client.get(path, headers={"Accept-Encoding": "identity"})
        packed = client.get(path, headers={"Accept-Encoding": "gzip, deflate"})
        assert "content-encoding" not in plain.headers
        assert packed.headers["content-encoding"] == "gzip"
        assert packed.headers["vary"] == plain.headers["vary"] == "Accept-Encoding"
        # httpx undoes the encoding: the same bytes, sent in fewer.
        assert packed.content == plain.content
        assert int(packed.headers["content-length"]) < len(plain.content) / 2
        # One validator per representation; either names a current copy.
        assert packed.headers["etag"] != plain.headers["etag"]
        for etag in (packed.headers["etag"], plain.headers["etag"]):
            again = client.get(path, headers={"If-None-Match": etag, "Accept-Encoding": "gzip"})
            assert again.status_code == 304
