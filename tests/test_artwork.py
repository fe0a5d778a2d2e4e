"""Lead images become square artwork when they are big enough, else the show cover stays."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from mutagen.id3 import ID3
from PIL import Image

from narration.config import Settings
from narration.episode.artwork import square_artwork
from narration.prepare.load import load_article
from narration.publish.narrator import Narrator


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("size", "expected"),
    [((1600, 1400), 1400), ((1400, 2000), 1400), ((4000, 3500), 3000), ((3000, 3000), 3000)],
)
def test_big_images_become_square_jpeg(size: tuple[int, int], expected: int) -> None:
    art = square_artwork(_png(*size))
    assert art is not None
    with Image.open(io.BytesIO(art)) as img:
        assert img.format == "JPEG" and img.mode == "RGB"
        assert img.size == (expected, expected)


def test_small_or_broken_images_fall_back() -> None:
    assert square_artwork(_png(1399, 2000)) is None
    assert square_artwork(b"not an image at all") is None


def _page(image_path: str) -> bytes:
    body = " ".join(
        f"Sentence number {n} of the report on the new ferry service." for n in range(12)
    )
    return (
        "<!doctype html><html lang='en'><head><title>Ferry Returns</title>"
        f"<meta property='og:title' content='Ferry Returns'>"
        f"<meta property='og:image' content='{image_path}'></head>"
        f"<body><article><h1>Ferry Returns</h1><p>{body}</p><p>{body}</p></article></body></html>"
    ).encode()


@pytest.mark.slow
@pytest.mark.parametrize(("image_size", "becomes_artwork"), [(1600, True), (800, False)])
def test_lead_image_of_a_fetched_page_becomes_episode_artwork(
    tmp_path: Path, image_size: int, becomes_artwork: bool
) -> None:
    image = _png(image_size, image_size)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return None

        def do_GET(self) -> None:
            port = self.server.server_address[1]
            body, ctype = (
                (image, "image/png")
                if self.path == "/lead.png"
                else (_page(f"http://127.0.0.1:{port}/lead.png"), "text/html; charset=utf-8")
            )
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings = Settings(out_dir=tmp_path / "out", voice="fake:tone", fetch_allow=["127.0.0.1"])
        url = f"http://127.0.0.1:{server.server_address[1]}/ferry"
        with Narrator(settings) as narrator:
            (result,) = narrator.narrate([load_article(url, settings)])
    finally:
        server.shutdown()
    ep = result.episode
    apic = ID3(str(settings.out_dir / ep.audio_name)).getall("APIC")[0]
    feed = (settings.out_dir / "feed.xml").read_text()
    if becomes_artwork:
        assert ep.image_name is not None and ep.image_name.endswith(".jpg")
        assert apic.mime == "image/jpeg"
        with Image.open(io.BytesIO(apic.data)) as img:
            assert img.size == (1600, 1600)  # square already, within 1400 to 3000 px
        assert (settings.out_dir / ep.image_name).read_bytes() == apic.data
        assert f'<itunes:image href="{settings.url_for(ep.image_name)}"/>' in feed
    else:
        assert ep.image_name is None
        assert apic.mime == "image/png"  # the show cover
        assert apic.data == (settings.out_dir / "cover.png").read_bytes()
