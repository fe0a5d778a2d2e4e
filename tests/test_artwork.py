"""Lead images become square artwork when they are big enough, else the show cover stays."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from narration.artwork import square_artwork


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
