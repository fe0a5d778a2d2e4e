"""Body rules shared by every extractor: what is never read, and how lists and tables are read.

Never read: footnote markers, reference lists, image captions and credits, and the second
copy of a pull quote. Tables are replaced by a sentence that says where they were; list
items end with a full stop so that each is read as a sentence.
"""

from __future__ import annotations

import re

from narration.model import Block, BlockKind

TABLE_NOTE = "A table follows in the text version"

# "[1]", "[12]", "[^note]", and superscript digits after punctuation or a word of three
# letters or more ("said.¹", "growth²"); "km²" and "m³" are units and stay.
_FOOTNOTE_MARKERS = re.compile(
    r"\s?\[(?:\d{1,3}|\^[^\]\s]+)\]|(?<=[.,;:!?\"”’)])[¹²³⁴-⁹⁰]+|(?<=[^\W\d_]{3})[¹²³⁴-⁹⁰]+"
)
# Headings of the lists that close academic or explanatory pieces.
_REFERENCE_HEADINGS = re.compile(
    r"(?:references?|bibliography|footnotes?|end ?notes|notes(?: and references)?|sources?"
    r"(?: and notes)?|works cited|citations|literature cited)[:.]?",
    re.I,
)
# A caption or credit: "Photo: ...", "... Photograph: Name/Agency", "(AP Photo/Name)".
_CAPTION = re.compile(
    r"(?:^|.*[.)]\s+|.*\s[-–—|]\s*)"
    r"(?:photo(?:graph)?s?|pictures?|images?|illustrations?|credits?|source|video|graphic)"
    r"(?: by)?\s*:\s*\S.{0,80}"
    r"|.*\((?:AP|AFP|Reuters|Getty|PA|EPA)\b[^)]{0,60}\)|.*\b(?:Getty Images|Shutterstock)",
    re.I,
)
_MAX_CAPTION_WORDS = 45
_TERMINAL = (".", "!", "?", "…", ";", ":")
_CLOSERS = "\"'”’)»]"
_SHINGLE = 5
_REPEAT_RATIO = 0.7
# A copy dropped from the body is near-verbatim: citations that share a template
# ("in Smith (ed.), Title, 2012, p. 426") are not copies of one another.
_COPY_RATIO = 0.8


def table_note(caption: str | None = None) -> Block:
    """The sentence read where a table was."""
    caption = " ".join((caption or "").split()).rstrip(".:")
    return Block(BlockKind.PARAGRAPH, f"{TABLE_NOTE}: {caption}." if caption else f"{TABLE_NOTE}.")


def strip_footnote_markers(text: str) -> str:
    return _FOOTNOTE_MARKERS.sub("", text)


def is_caption(text: str) -> bool:
    """A photo caption or credit line, which is never part of the article."""
    return len(text.split()) <= _MAX_CAPTION_WORDS and bool(_CAPTION.fullmatch(text.strip()))


def as_list_item(text: str) -> str:
    """A list item as a sentence: with a full stop when it has no closing punctuation."""
    text = text.strip()
    core = text.rstrip(_CLOSERS)
    if not core or core.endswith(_TERMINAL):
        return text
    if core.endswith(","):
        return core[:-1] + "." + text[len(core) :]
    if text.endswith((")", "]")):
        return text + "."  # "noodles (flat rice)." : the stop closes the item, not the aside
    return core + "." + text[len(core) :]


def drop_reference_sections(blocks: list[Block]) -> list[Block]:
    """A "References" or "Notes" heading and everything under it until the next heading."""
    out: list[Block] = []
    skipping = False
    for block in blocks:
        if block.kind is BlockKind.HEADING:
            skipping = bool(_REFERENCE_HEADINGS.fullmatch(block.text.strip()))
            if skipping:
                continue
        if not skipping:
            out.append(block)
    return out


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[i : i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)}


def is_repeated_later(text: str, rest: str) -> bool:
    """True when most of ``text`` is said again, maybe re-punctuated, in ``rest``."""
    mine = _shingles(text)
    if not mine:
        return False
    return len(mine & _shingles(rest)) >= _REPEAT_RATIO * len(mine)


def drop_repeated(blocks: list[Block]) -> list[Block]:
    """A pull quote repeats a passage of the body: the copy is dropped, the body kept.

    Of two paragraphs that say the same thing, the shorter is the copy; of two equal
    ones, the first.
    """
    paragraphs = [b for b in blocks if b.kind is BlockKind.PARAGRAPH]
    shingles = [_shingles(b.text) for b in paragraphs]
    where: dict[tuple[str, ...], list[int]] = {}
    for j, theirs in enumerate(shingles):
        for shingle in theirs:
            where.setdefault(shingle, []).append(j)
    # Longest paragraphs first: the search for another copy stops at once, however
    # many paragraphs share a common phrase.
    for found in where.values():
        found.sort(key=lambda j: -len(shingles[j]))
    dropped: set[int] = set()
    for i, mine in enumerate(shingles):
        said_elsewhere = sum(
            any(j != i and j not in dropped and len(shingles[j]) >= len(mine) for j in where[s])
            for s in mine
        )
        if mine and said_elsewhere >= _COPY_RATIO * len(mine):
            dropped.add(i)
    doomed = {id(paragraphs[i]) for i in dropped}
    return [b for b in blocks if id(b) not in doomed]
