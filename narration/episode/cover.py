"""Generated square show covers (PNG) for podcast directories."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from narration.config import Settings
from narration.errors import PublishError
from narration.fsutil import write_atomic

if TYPE_CHECKING:
    # Pillow is imported when a cover is drawn, not to publish a feed that has one.
    from PIL import ImageDraw, ImageFont

    Font: TypeAlias = ImageFont.FreeTypeFont | ImageFont.ImageFont
_FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
)
# Pairs of (top, bottom) gradient colours, dark enough for white text.
_PALETTES = (
    ((32, 58, 96), (96, 44, 120)),
    ((20, 84, 92), (28, 44, 80)),
    ((120, 40, 60), (52, 32, 88)),
    ((36, 88, 60), (20, 52, 84)),
    ((140, 70, 30), (90, 30, 60)),
)


def _font(px: int) -> Font:
    # Lazy: Pillow's fonts (~35 ms) only when a cover is drawn, not when one is cached.
    from PIL import ImageFont

    for path in _FONT_FILES:
        if os.path.exists(path):
            return ImageFont.truetype(path, px)
    return ImageFont.load_default(size=px)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Font, width: float) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _fit(
    draw: ImageDraw.ImageDraw, text: str, px: int, width: float, max_lines: int
) -> tuple[Font, list[str]]:
    while True:
        font = _font(px)
        lines = _wrap(draw, text, font, width)
        widest = max((draw.textlength(line, font=font) for line in lines), default=0.0)
        if px <= 12 or (len(lines) <= max_lines and widest <= width):
            return font, lines
        px = int(px * 0.9)


def make_cover(title: str, subtitle: str | None, dest: Path, size: int = 1400) -> None:
    """Draw a ``size``×``size`` RGB PNG cover showing ``title`` (and ``subtitle``) at ``dest``."""
    if not 1400 <= size <= 3000:
        raise ValueError(f"cover size {size} is outside 1400..3000")
    digest = hashlib.sha256(title.encode("utf-8")).digest()
    top, bottom = _PALETTES[digest[0] % len(_PALETTES)]
    # Lazy: Pillow (~20 ms) only when a cover is drawn, not when one is cached.
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (size, size))
    draw = ImageDraw.Draw(image)
    for row in range(size):
        t = row / (size - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, row), (size, row)], fill=colour)

    width = size * 0.8
    title_font, title_lines = _fit(draw, title.strip() or "Podcast", size // 8, width, 4)
    blocks: list[tuple[Font, list[str], tuple[int, int, int]]] = [
        (title_font, title_lines, (255, 255, 255))
    ]
    if subtitle and subtitle.strip():
        sub_font, sub_lines = _fit(draw, subtitle.strip(), size // 22, width, 2)
        blocks.append((sub_font, sub_lines, (225, 225, 235)))

    spacing = size // 60
    heights = [[draw.textbbox((0, 0), "Ag", font=f)[3] for _ in ls] for f, ls, _ in blocks]
    total = sum(sum(h) + spacing * (len(h) - 1) for h in heights) + 3 * spacing * (len(blocks) - 1)
    y = (size - total) / 2
    for (font, lines, fill), line_heights in zip(blocks, heights, strict=True):
        for line, h in zip(lines, line_heights, strict=True):
            draw.text((size / 2, y), line, font=font, fill=fill, anchor="ma")
            y += h + spacing
        y += 2 * spacing

    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            image.save(fh, format="PNG", optimize=False)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def cover_name(settings: Settings) -> str:
    """The show cover's path in the output directory (beside the show's feed)."""
    if settings.show.cover is not None:
        return settings.show_prefix + "cover" + settings.show.cover.suffix.lower()
    return settings.show_prefix + "cover.png"


def ensure_cover(settings: Settings) -> Path:
    """The show cover inside the output directory: the configured one, or a generated one."""
    dest = settings.out_dir / cover_name(settings)
    source = settings.show.cover
    if source is not None:
        if source.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            raise PublishError(f"show cover {source} must be a .png or .jpg file")
        try:
            if not dest.exists() or dest.read_bytes() != source.read_bytes():
                dest.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(dest, source.read_bytes())
        except OSError as exc:
            raise PublishError(f"cannot copy the show cover {source}: {exc}") from exc
    elif not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        make_cover(settings.show.title, settings.show.description, dest)
    return dest
