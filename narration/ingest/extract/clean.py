"""Characters that must not be shown or read: controls, zero-width and bidi marks, emoji.

Display text keeps emoji (a transcript may show them) but loses every invisible or
control character; spoken text loses emoji as well, since a voice either skips them
or reads out their long Unicode names.
"""

from __future__ import annotations

import re
import unicodedata

# Emoji and pictographs, with the pieces that build emoji sequences: variation
# selectors, skin tones (inside the 1F300 block), keycaps, regional-indicator flags
# and tag characters.
_EMOJI_RANGES = (
    "\U0001f000-\U0001faff"
    "\u2600-\u27bf"
    "\u2b00-\u2bff"
    "\u2300-\u23ff"
    "\ufe00-\ufe0f"
    "\u20e3"
    "\U000e0000-\U000e007f"
)
_EMOJI = re.compile(f"[{_EMOJI_RANGES}]")
_ZWJ = "\u200d"
_SPACE_BEFORE_STOP = re.compile(r"(?<=\w) +(?=[,.;:!?](?:\s|$))")
# Whitespace characters that str.split() does not treat as such, or that should be one space.
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")


def _invisible(ch: str) -> bool:
    category = unicodedata.category(ch)
    if category == "Cc":
        return ch not in "\t\n\r\f"
    # Cf: zero-width spaces and joiners, bidi embeddings and isolates, soft hyphen, BOM,
    # tag characters. Cs/Co/Cn: surrogates, private use and unassigned code points.
    return category in {"Cf", "Cs", "Co", "Cn"}


def clean_display(text: str) -> str:
    """``text`` without control, zero-width or bidi characters; emoji sequences stay whole."""
    if text.isascii() and text.isprintable():
        return text
    chars = _SPACES.sub(" ", text)
    # Judge each distinct character once: a long text has few of them.
    invisible = {ord(ch): None for ch in set(chars) if _invisible(ch)}
    if not invisible:
        return chars
    if ord(_ZWJ) not in invisible:
        return chars.translate(invisible)
    out: list[str] = []
    for i, ch in enumerate(chars):
        # A joiner inside an emoji sequence (a family, a profession) is part of it.
        inside_emoji = (
            ch == _ZWJ
            and 0 < i < len(chars) - 1
            and bool(_EMOJI.match(chars[i - 1]) and _EMOJI.match(chars[i + 1]))
        )
        if inside_emoji or not _invisible(ch):
            out.append(ch)
    return "".join(out)


def clean_spoken(text: str) -> str:
    """What a voice may be given: display-clean text without emoji, spaces tidied."""
    cleaned = _EMOJI.sub(" ", clean_display(text)).replace(_ZWJ, "")
    return _SPACE_BEFORE_STOP.sub("", " ".join(cleaned.split()))
