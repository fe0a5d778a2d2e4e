"""The app publishes the output directory the way podcast apps fetch it."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from narration.config import Settings
from narration.prepare.load import load_article
from narration.publish.narrator import Narrator

pytestmark = pytest.mark.slow


def test_feed_and_audio_served_with_head_and_ranges(
    fake_settings: Settings, tmp_path: Path
) -> None:
    src = tmp_path / "a.md"
    src.write_text("---\ntitle: Ranges\n---\n\nOne sentence here. And another one.\n")
    with Narrator(fake_settings) as narrator:
        (result,) = narrator.narrate([load_article(str(src), fake_settings)])
    client = TestClient(create_app(fake_settings))
    feed = client.get("/feed.xml")
    assert feed.status_code == 200 and b"<rss" in feed.content
    url = "/" + result.episode.audio_name
    head = client.head(url)
    assert head.status_code == 200
    assert int(head.headers["content-length"]) == result.episode.bytes
    assert head.headers["content-type"] == "audio/mpeg"
    first = client.get(url, headers={"Range": "bytes=0-1"})
    assert first.status_code == 206
    assert first.content == (fake_settings.out_dir / result.episode.audio_name).read_bytes()[:2]
    assert first.headers["content-range"] == f"bytes 0-1/{result.episode.bytes}"
    assert (
        client.get(url, headers={"Range": f"bytes={result.episode.bytes + 10}-"}).status_code == 416
    )
