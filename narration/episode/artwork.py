"""Episode artwork from the article's lead image, when it is good enough for podcast apps.

Apple asks for square artwork of 1400 to 3000 px. A lead image at least 1400 px on its
short side is centre-cropped to a square, scaled to at most 3000 px and saved as JPEG;
anything smaller, or an image that cannot be fetched, leaves the episode with the show
cover, which is what listeners would otherwise see.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

from narration.config import FetchLimits
from narration.errors import SourceError

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

MIN_PX = 1400
MAX_PX = 3000
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
_IMAGE_ACCEPT = "image/jpeg,image/png;q=0.9"
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def square_artwork(data: bytes) -> bytes | None:
    """The image as square RGB JPEG artwork, or None when it is too small or unreadable."""
    # Lazy: Pillow (~20 ms) only for a lead image; the API server imports this at start-up.
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            width, height = img.size
            side = min(width, height)
            if side < MIN_PX:
                log.info(
                    "lead image is %dx%d, under %d px: using the show cover", width, height, MIN_PX
                )
                return None
            left, top = (width - side) // 2, (height - side) // 2
            square = img.convert("RGB").crop((left, top, left + side, top + side))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        log.info("lead image unreadable (%s): using the show cover", exc)
        return None
    if side > MAX_PX:
        square = square.resize((MAX_PX, MAX_PX), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    square.save(out, format="JPEG", quality=88, optimize=True)
    return out.getvalue()


def lead_artwork(image_url: str | None, limits: FetchLimits) -> bytes | None:
    """Fetch the lead image under the same rules as pages; None falls back to the cover."""
    if not image_url:
        return None
    try:
        data = fetch_image(image_url, limits)
    except SourceError as exc:
        log.info("lead image not used: %s", exc)
        return None
    return square_artwork(data)


def fetch_image(
    url: str, limits: FetchLimits, transport: httpx.BaseTransport | None = None
) -> bytes:
    """Fetch a JPEG or PNG image under the rules pages are fetched by."""
    from narration.net.client import Client  # the HTTP client, only when a page has an image

    body = Client(limits, transport).get(
        url, {"Accept": _IMAGE_ACCEPT}, IMAGE_TYPES, "a JPEG or PNG image"
    )
    if not body.data.startswith(_IMAGE_MAGIC):
        raise SourceError(f"{body.url}: declared {body.content_type} but is not a JPEG or PNG")
    return body.data
