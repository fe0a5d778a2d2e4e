"""Downloads are counted behind ``deploy/nginx.conf`` with its mirror turned on: nginx
sends public audio files from the disk and mirrors each request to the app, which counts
it as if it had served it, with the client's address from nginx's ``X-Forwarded-For``.

Episode A lasts 600 s in 600,000 bytes (a minute is 60,000 bytes); every request below
comes from 127.0.0.1, so listeners differ by their user agents.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from deploy import local_nginx
from deploy.local_nginx import binary, running
from narration.config import Settings
from narration.model import Episode
from tests.running import RunningService, free_port
from tests.stats_fixtures import add_episode, sized

pytestmark = pytest.mark.slow

KEY = "stats-nginx-key"
HOST = "127.0.0.1"
SECRET = "stats-nginx-proxy-secret"


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@dataclass
class Stack:
    app: RunningService
    web: httpx.Client
    episode: Episode


def _mirrored(tmp: Path) -> Path:
    """The shipped configuration with its mirror turned on, as its comment says."""
    shipped = local_nginx.TEMPLATE.read_text()
    turned_on = shipped.replace("# mirror ", "mirror ").replace("# mirror_", "mirror_")
    assert turned_on.count("mirror /_narration_count;") == 1
    template = tmp / "nginx-mirrored.conf"
    template.write_text(turned_on)
    return template


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: pytest.MonkeyPatch
) -> Iterator[Stack]:
    assert binary() is not None, "nginx is not installed (make install installs it)"
    tmp: Path = tmp_path_factory.mktemp("stats-nginx")
    template = _mirrored(tmp)
    render = local_nginx.render
    monkeypatch_module.setattr(
        local_nginx, "render", lambda values, template=template: render(values, template)
    )
    out = tmp / "out"
    episode = add_episode(Settings(out_dir=out), "a", duration_s=600, audio=sized(600_000))
    for path in (tmp, out, out / "episodes"):
        path.chmod(0o755)  # nginx's workers may run as another user
    (out / episode.audio_name).chmod(0o644)
    env = {
        "NARRATION_ADMIN_KEYS": KEY,
        "NARRATION_PROXY_SECRET": SECRET,
        "NARRATION_TRUSTED_PROXIES": HOST,
    }
    app = RunningService(tmp, env).start()
    port = free_port()
    try:
        with (
            running(tmp / "nginx", out, f"{HOST}:{app.port}", HOST, port, proxy_secret=SECRET),
            httpx.Client(base_url=f"http://{HOST}:{port}", timeout=30, trust_env=False) as web,
        ):
            yield Stack(app, web, episode)
    finally:
        app.close()


def _downloads(stack: Stack) -> dict[str, int]:
    for _ in range(50):
        answer = stack.app.http.get(
            "/v1/stats", params={"by": "app"}, headers={"authorization": f"Bearer {KEY}"}
        )
        assert answer.status_code == 200, answer.text
        rows = {row["key"]: row["downloads"] for row in answer.json()["rows"]}
        if rows.get("Overcast") and rows.get("Pocket Casts"):
            return rows
        time.sleep(0.1)  # the mirror may still be on its way
    return rows


def test_audio_sent_by_nginx_is_counted_by_the_app(stack: Stack) -> None:
    audio = "/" + stack.episode.audio_name
    whole = stack.web.get(audio, headers={"user-agent": "Overcast/3.0 (+http://overcast.fm/)"})
    assert whole.status_code == 200 and len(whole.content) == 600_000
    assert "x-request-id" not in whole.headers  # sent by nginx from the disk
    pocket = {"user-agent": "Pocket Casts"}
    assert stack.web.get(audio, headers={**pocket, "range": "bytes=0-1"}).status_code == 206
    assert stack.web.get(audio, headers={**pocket, "range": "bytes=0-59999"}).status_code == 206
    # A probe alone, a HEAD and a 304 are no downloads.
    apple = {"user-agent": "Podcasts/1650.20 CFNetwork/1410.0.3 Darwin/22.6.0"}
    assert stack.web.get(audio, headers={**apple, "range": "bytes=0-1"}).status_code == 206
    assert stack.web.head(audio, headers={"user-agent": "AntennaPod/3.2.0"}).status_code == 200
    current = {"user-agent": "Spotify/8.8.0 iOS/17.0", "if-none-match": whole.headers["etag"]}
    assert stack.web.get(audio, headers=current).status_code == 304
    assert _downloads(stack) == {"Overcast": 1, "Pocket Casts": 1}


def test_the_count_endpoint_is_nginx_own(stack: Stack) -> None:
    path = {"x-narration-path": "/" + stack.episode.audio_name}
    # Through nginx, the app's internal paths are not reachable, marked or not.
    for headers in ({}, {**path, "x-narration-access": "count"}):
        assert stack.web.get("/_narration/count", headers=headers).status_code == 404
        assert stack.web.get("/_narration_count", headers=headers).status_code == 404
    # At the app, a request without the mark and nginx's secret is refused.
    assert stack.app.http.get("/_narration/count", headers=path).status_code == 404
    marked = {**path, "x-narration-access": "count"}
    assert stack.app.http.get("/_narration/count", headers=marked).status_code == 404
    wrong = {**marked, "x-narration-proxy": SECRET[:-1] + "x"}
    assert stack.app.http.get("/_narration/count", headers=wrong).status_code == 404
