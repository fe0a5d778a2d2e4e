"""A running ``narration serve`` over HTTP: HEAD wherever GET, Range headers as RFC 9110
reads them, redirects under the configured base URL, and a private show's files only
under a valid token."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from narration.keys import key_fingerprint
from tests.running import RunningService

pytestmark = pytest.mark.slow

BASE_URL = "https://pod.example.org/listen"
AUTH = {"Authorization": "Bearer k"}
OWNED_BY_K = f'owners = ["{key_fingerprint("k")}"]'
"""A shows file's line that makes the key ``k`` an owner of the show."""
ARTICLE = "---\ntitle: {title}\n---\n\nOne sentence here. And another one.\n"
# Headers that differ between any two answers, or by design between GET and HEAD.
VOLATILE = {"date", "content-type", "x-request-id"}


@dataclass
class Served:
    http: httpx.Client
    public: dict[str, object]
    """The JSON of an episode of the default (public) show."""
    members: dict[str, object]
    """The JSON of an episode of the private show ``members``."""
    token: str
    other_token: str
    out: Path


def narrated(http: httpx.Client, body: dict[str, str]) -> dict[str, object]:
    """Submit the article ``body``, wait until it is narrated; its episode's JSON (and
    ``job_id``)."""
    answer = http.post("/v1/articles", json=body, headers=AUTH)
    assert answer.status_code == 202, answer.text
    assert answer.json()["links"]["self"].startswith(BASE_URL + "/v1/episodes/")
    link = f"/v1/episodes/{answer.json()['id']}"
    deadline = time.monotonic() + 120
    while (episode := http.get(link, headers=AUTH).json()).get("status") in ("queued", "running"):
        assert time.monotonic() < deadline, episode
        time.sleep(0.2)
    assert episode["status"] == "done", (body, episode)
    episode["job_id"] = answer.json()["id"]
    return dict(episode)


def _narrate(http: httpx.Client, title: str, show: str) -> dict[str, object]:
    return narrated(http, {"markdown": ARTICLE.format(title=title), "show": show})


def path_of(url: object) -> str:
    assert isinstance(url, str) and url.startswith(BASE_URL), url
    return url.removeprefix(BASE_URL)


@contextmanager
def running_serve(tmp: Path, env: dict[str, str], base_url: str) -> Iterator[httpx.Client]:
    """``narration serve`` with the fake voice on a free port, ``env`` added to the
    environment, output in ``tmp/out``, published under ``base_url``; a client of it, once
    it answers. Stopped (and its exit checked) afterwards."""
    defaults = {"NARRATION_API_KEYS": '["k"]', "NARRATION_WORKERS": "1"}
    service = RunningService(tmp, {**defaults, **env}, base_url, launcher="tests.run_with_fake")
    service.start()
    try:
        yield service.http
    finally:
        code = service.stop(signal.SIGINT)
        service.http.close()
    assert code == 0, service.log()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("served")
    shows = tmp / "shows.toml"
    shows.write_text(f'[shows.members]\ntitle = "Members Only"\n{OWNED_BY_K}\n')
    env = {"NARRATION_VOICE": "fake:tone", "NARRATION_SHOWS_PATH": str(shows)}
    with running_serve(tmp, env, BASE_URL) as http:
        public = _narrate(http, "Open To All", "default")
        members = _narrate(http, "For Members", "members")
        tokens = [http.post("/v1/shows/members/tokens", json={}, headers=AUTH) for _ in range(2)]
        assert all(t.status_code == 201 for t in tokens), [t.text for t in tokens]
        token, other = (t.json()["token"] for t in tokens)
        private = http.put("/v1/shows/members/access", json={"private": True}, headers=AUTH)
        assert private.status_code == 200, private.text
        yield Served(http, public, members, token, other, tmp / "out")


def _get_routes(s: Served) -> list[str]:
    """A path for every GET route: pages, feeds, media, private, JSON, static; some that
    answer 404 or a redirect."""
    pub, mem = s.public, s.members
    episode_id = path_of(pub["page_url"]).rsplit("/", 1)[1]
    private = f"/private/{s.token}"
    return [
        "/",
        "/?theme=dark",
        f"/episodes/{episode_id}",
        f"/episodes/{episode_id}/embed",
        f"/episodes/{pub['job_id']}",  # a job id: redirected to the episode's page
        f"/episodes/{pub['job_id']}/embed",
        "/shows/members/",
        "/shows/members",
        "/shows/nobody/",
        "/feed.xml",
        "/shows/members/feed.xml",
        path_of(pub["audio_url"]),
        path_of(pub["transcript_url"]),
        path_of(pub["chapters_url"]),
        path_of(pub["peaks_url"]),
        path_of(pub["image_url"]),
        path_of(mem["audio_url"]),
        "/shows/members/cover.png",
        f"{private}/feed.xml",
        f"{private}/{path_of(mem['audio_url']).lstrip('/')}",
        f"{private}/cover.png",
        "/player.js",
        "/player.css",
        "/site.js",
        "/site.css",
        "/healthz",
        "/healthz/",
        "/v1/episodes",
        f"/v1/episodes/{pub['job_id']}",
        "/v1/shows/members/tokens",
        "/openapi.json",
        "/docs",
        "/episodes/missing.mp3",
    ]


def test_head_answers_like_get_on_every_route(served: Served) -> None:
    http = served.http
    for path in _get_routes(served):
        for headers in ({}, AUTH):
            got = http.get(path, headers=headers)
            head = http.head(path, headers=headers)
            assert head.status_code == got.status_code, path
            assert head.content == b"", path
            same = {k: v for k, v in got.headers.items() if k not in VOLATILE}
            assert {k: v for k, v in head.headers.items() if k not in VOLATILE} == same, path
            assert head.headers.get("content-type") == got.headers.get("content-type"), path
            if got.status_code == 200 and "content-encoding" not in got.headers:
                assert int(head.headers["content-length"]) == len(got.content), path
    # The routes reported broken: GET worked, HEAD answered 404 or 405.
    assert http.head("/").status_code == 200
    page = path_of(served.public["page_url"])
    assert http.head(page).status_code == 200
    assert http.head(page + "/embed").status_code == 200


def test_range_headers(served: Served) -> None:
    http = served.http
    path = path_of(served.public["audio_url"])
    data = http.get(path).content
    size = len(data)
    for ignored in ("bytes=5-2", "bytes=abc", "items=0-1", "bytes=0-1,abc", "bytes=", "bytes=,"):
        for method in ("GET", "HEAD"):
            answer = http.request(method, path, headers={"Range": ignored})
            assert answer.status_code == 200, (ignored, method)
            assert "content-range" not in answer.headers
            assert int(answer.headers["content-length"]) == size
            assert answer.content == (data if method == "GET" else b"")
    for header, first, last in (
        ("bytes=0-1", 0, 1),
        ("bytes=-5", size - 5, size - 1),
        (f"bytes=10-{size + 100}", 10, size - 1),
        ("bytes=0-1,3-4,2-2", 0, 4),  # overlapping and adjacent ranges coalesce
        (f"bytes=0-1,{size}-", 0, 1),  # the unsatisfiable one is left out
    ):
        answer = http.get(path, headers={"Range": header})
        assert answer.status_code == 206, header
        assert answer.headers["content-range"] == f"bytes {first}-{last}/{size}", header
        assert answer.content == data[first : last + 1]
    two = http.get(path, headers={"Range": "bytes=0-1, 100-103"})
    assert two.status_code == 206
    kind, _, boundary = two.headers["content-type"].partition("; boundary=")
    assert kind == "multipart/byteranges" and boundary
    parts = two.content.split(f"--{boundary}".encode())
    bodies = [p.split(b"\r\n\r\n", 1) for p in parts if b"Content-Range" in p]
    assert [h.split(b"Content-Range: ")[1] for h, _ in bodies] == [
        f"bytes 0-1/{size}".encode(),
        f"bytes 100-103/{size}".encode(),
    ]
    assert [b.removesuffix(b"\r\n") for _, b in bodies] == [data[0:2], data[100:104]]
    for header in (f"bytes={size}-", f"bytes={size}-{size + 5}", "bytes=-0"):
        answer = http.get(path, headers={"Range": header})
        assert answer.status_code == 416, header
        assert answer.headers["content-range"] == f"bytes */{size}"
    etag = http.head(path).headers["etag"]
    assert http.get(path, headers={"Range": "bytes=0-1", "If-Range": etag}).status_code == 206
    stale = http.get(path, headers={"Range": "bytes=0-1", "If-Range": '"old"'})
    assert stale.status_code == 200 and stale.content == data


def test_redirects_use_the_base_url_not_the_host_header(served: Served) -> None:
    http = served.http
    evil = {"Host": "evil.example"}
    job = served.public["job_id"]
    page = str(served.public["page_url"])
    expected = {
        "/healthz/": f"{BASE_URL}/healthz",
        "/v1/episodes/": f"{BASE_URL}/v1/episodes",
        "/shows/members": f"{BASE_URL}/shows/members/",
        f"/episodes/{job}": page,
        f"/episodes/{job}/embed?theme=dark": f"{page}/embed?theme=dark",
    }
    for path, location in expected.items():
        for method in ("GET", "HEAD"):
            answer = http.request(method, path, headers=evil)
            assert answer.status_code in (307, 308), (path, method)
            assert answer.headers["location"] == location, (path, method)


def test_a_private_show_is_served_to_valid_tokens_alone(served: Served) -> None:
    http, mem = served.http, served.members
    files = [path_of(mem[k]) for k in ("audio_url", "transcript_url", "chapters_url", "peaks_url")]
    members_page = path_of(mem["page_url"])
    public_paths = [
        *files,
        "/shows/members/feed.xml",
        "/shows/members/cover.png",
        "/shows/members/",
        members_page,
        members_page + "/embed",
    ]
    for path in public_paths:
        assert http.get(path).status_code == 404, path
        assert http.head(path).status_code == 404, path
    for url in (served.public["audio_url"], served.public["transcript_url"], "/feed.xml"):
        assert http.get(url if url == "/feed.xml" else path_of(url)).status_code == 200
    for token in (served.token, served.other_token):
        feed = http.get(f"/private/{token}/feed.xml")
        assert feed.status_code == 200 and b"For Members" in feed.content
        assert b"Open To All" not in feed.content
        for path in files:
            inside = http.get(f"/private/{token}{path}")
            assert inside.status_code == 200, path
            assert inside.content == (served.out / path.lstrip("/")).read_bytes()
        assert http.get(f"/private/{token}/cover.png").status_code == 200
        # Another show's files and names other than the cover's are not reachable here.
        assert http.get(f"/private/{token}{path_of(served.public['audio_url'])}").status_code == 404
        assert http.get(f"/private/{token}/anything.png").status_code == 404

    assert http.delete(f"/v1/tokens/{served.token}", headers=AUTH).status_code == 204
    for path in ["/feed.xml", "/cover.png", *files]:
        assert http.get(f"/private/{served.token}{path}").status_code == 404, path
    for path in public_paths:
        assert http.get(path).status_code == 404, path
    assert http.get(f"/private/{served.other_token}{files[0]}").status_code == 200
