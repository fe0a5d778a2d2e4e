"""Through the API: an article for another show lands in that show's feed; the voice field
picks the voice, and an unknown show or voice is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from narration.config import Settings
from narration.service.queue import JobQueue

pytestmark = pytest.mark.slow

AUTH = {"Authorization": "Bearer k"}
BODY = "---\ntitle: Rates Hold\n---\n\nThe bank held rates. Markets rose.\n"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[tuple[TestClient, Settings]]:
    shows = tmp_path / "shows.toml"
    shows.write_text('[shows.business]\ntitle = "Daily Business"\n')
    settings = Settings(
        out_dir=tmp_path / "out", voice="fake:tone", api_keys=["k"], shows_path=shows,
        clip_timeout_s=60,
    )  # fmt: skip
    queue = JobQueue(settings, immediate=True)
    with TestClient(create_app(settings, queue)) as test_client:
        yield test_client, settings
    queue.close()


def test_article_for_another_show_goes_to_its_feed(
    client: tuple[TestClient, Settings],
) -> None:
    http, _settings = client
    sent = http.post("/v1/articles", json={"markdown": BODY, "show": "business"}, headers=AUTH)
    assert sent.status_code == 202, sent.text
    episode = http.get(f"/v1/episodes/{sent.json()['id']}").json()
    assert episode["status"] == "done", episode
    feed = http.get("/shows/business/feed.xml")
    assert feed.status_code == 200 and b"Daily Business" in feed.content
    assert b"Rates Hold" in feed.content
    assert http.get("/feed.xml").status_code == 404  # nothing went to the default show
    refused = http.post("/v1/articles", json={"markdown": BODY, "show": "sport"}, headers=AUTH)
    assert refused.status_code == 422 and "unknown show 'sport'" in refused.text


@pytest.mark.espeak
def test_voice_field_picks_the_voice(client: tuple[TestClient, Settings]) -> None:
    http, _settings = client
    tone = http.post("/v1/articles", json={"markdown": BODY}, headers=AUTH).json()
    first = http.get(f"/v1/episodes/{tone['id']}").json()
    piper = http.post(
        "/v1/articles", json={"markdown": BODY, "voice": "piper:en_US-joe-medium"}, headers=AUTH
    )
    assert piper.status_code == 202, piper.text
    assert piper.json()["id"] != tone["id"]  # another voice is another reading
    second = http.get(f"/v1/episodes/{piper.json()['id']}").json()
    assert second["status"] == "done", second
    # The same article read again in another voice: a new audio file, another length.
    assert first["audio_url"] != second["audio_url"]
    assert first["duration_s"] != second["duration_s"]
    unknown = http.post(
        "/v1/articles", json={"markdown": BODY, "voice": "piper:xx_XX-nobody-low"}, headers=AUTH
    )
    assert unknown.status_code == 422 and "xx_XX-nobody-low" in unknown.text


def test_redirect_to_a_private_address_fails_the_job_with_the_reason(tmp_path: Path) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Redirect(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return None

        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.2:{self.server.server_address[1]}/x")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = Settings(
        out_dir=tmp_path / "out", voice="fake:tone", api_keys=["k"], fetch_allow=["127.0.0.1"]
    )
    queue = JobQueue(settings, immediate=True)
    try:
        with TestClient(create_app(settings, queue)) as http:
            url = f"http://127.0.0.1:{server.server_address[1]}/story"
            sent = http.post("/v1/articles", json={"url": url}, headers=AUTH)
            # The first hop is allowed, so the article is accepted; the redirect is refused
            # when the page is fetched, and the job says why.
            assert sent.status_code == 202, sent.text
            job = http.get(f"/v1/episodes/{sent.json()['id']}", headers=AUTH).json()
            assert job["status"] == "failed"
            assert "127.0.0.2" in job["error"] and "loopback" in job["error"]
            assert http.get("/healthz").status_code == 200
    finally:
        queue.close()
        server.shutdown()
