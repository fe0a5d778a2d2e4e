"""Tests for the generated show cover."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from narration.episode.cover import make_cover


def test_cover_is_a_square_rgb_png(tmp_path: Path) -> None:
    dest = tmp_path / "cover.png"
    make_cover("Morning Papers", "News articles, read aloud", dest)
    with Image.open(dest) as image:
        assert image.format == "PNG"
        assert image.mode == "RGB"
        assert image.size == (1400, 1400)


def test_cover_size_can_be_chosen(tmp_path: Path) -> None:
    dest = tmp_path / "big.png"
    make_cover("Morning Papers", None, dest, size=2000)
    with Image.open(dest) as image:
        assert image.size == (2000, 2000)


@pytest.mark.parametrize("size", [1399, 3001, 600])
def test_cover_size_outside_apple_limits_is_rejected(tmp_path: Path, size: int) -> None:
    with pytest.raises(ValueError):
        make_cover("Morning Papers", None, tmp_path / "cover.png", size=size)
    assert not (tmp_path / "cover.png").exists()


def test_cover_has_text_drawn(tmp_path: Path) -> None:
    dest = tmp_path / "cover.png"
    make_cover("Morning Papers", None, dest)
    with Image.open(dest) as image:
        colours = image.getcolors(maxcolors=1_000_000)
        assert colours is not None and len(colours) > 50
        # The title is drawn in white on a dark background.
        centre = image.crop((200, 500, 1200, 900)).getcolors(maxcolors=1_000_000) or []
        white = sum(n for n, rgb in centre if isinstance(rgb, tuple) and min(rgb) > 240)
        assert white > 1000


def test_cover_is_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    title = "A rather long show title that needs several lines to fit on the cover"
    make_cover(title, "With a subtitle", a)
    make_cover(title, "With a subtitle", b)
    assert a.read_bytes() == b.read_bytes()
    c = tmp_path / "c.png"
    make_cover("Another show", "With a subtitle", c)
    assert c.read_bytes() != a.read_bytes()


def test_cover_replaces_existing_file_without_leftovers(tmp_path: Path) -> None:
    dest = tmp_path / "covers" / "cover.png"
    make_cover("First", None, dest)
    first = dest.read_bytes()
    make_cover("Second", "Subtitle", dest)
    assert dest.read_bytes() != first
    assert [p.name for p in dest.parent.iterdir()] == ["cover.png"]
