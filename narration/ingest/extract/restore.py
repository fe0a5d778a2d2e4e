"""Never lose what trafilatura keeps: paragraphs of its own reading of the page that our
furniture removal took away come back, unless a verified rule says they are furniture.

The page is read twice by trafilatura: once as it is (the baseline) and once with our
furniture removed. Our reading is kept in full; each baseline paragraph that it does not
already contain is put back where the baseline had it, unless the element it came from
was removed for a reason in :data:`FURNITURE_REASONS`, which were checked against real
pages (``tests/realpages``) rather than taken on trust.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher

from narration.ingest.extract import _key
from narration.ingest.extract.furniture import Removed
from narration.model import Block, BlockKind

_SHINGLE = 4
_PRESENT_SHARE = 0.6
_MAX_GLUED_WORDS = 40
_MIN_GLUED_PIECES = 2


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[i : i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)}


def _covered(text: str, shingles: set[tuple[str, ...]]) -> float:
    """The share of the words of ``text`` that lie in one of ``shingles``."""
    words = re.findall(r"\w+", text.casefold())
    covered = [False] * len(words)
    for i in range(len(words) - _SHINGLE + 1):
        if tuple(words[i : i + _SHINGLE]) in shingles:
            covered[i : i + _SHINGLE] = [True] * _SHINGLE
    return sum(covered) / len(words) if words else 0.0


class _Text:
    """Find whether a paragraph is already said somewhere in a body of text."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.keys: set[str] = set()
        self.shingles: set[tuple[str, ...]] = set()
        joined: list[str] = []
        for text in texts:
            key = _key(text)
            self.keys.add(key)
            joined.append(key)
            self.shingles |= _shingles(text)
        self.joined = "\n".join(joined)

    def says(self, text: str) -> bool:
        key = _key(text)
        if not key or key in self.keys:
            return True
        if len(re.findall(r"\w+", text)) >= _SHINGLE:
            return _covered(text, self.shingles) >= _PRESENT_SHARE
        return key in self.joined


def restore(
    ours: Sequence[Block],
    baseline: Sequence[Block],
    removed: Sequence[Removed],
    furniture: frozenset[str],
) -> list[Block]:
    """``ours`` with the baseline paragraphs it lacks put back in the baseline's order.

    A heading comes back only to lead paragraphs that come back with it, even when a
    removed element (a table of contents) named it.
    """
    said = _Text(b.text for b in ours)
    doomed = _Text(r.text for r in removed if r.reason in furniture)
    pieces = sorted({_key(r.text) for r in removed} - {""}, key=len, reverse=True)
    # A heading named in a removed table of contents still heads the paragraphs that
    # come back under it; a heading comes back only with them.
    missing = [
        b
        for b in baseline
        if not said.says(b.text)
        and (b.kind is BlockKind.HEADING or not _inside(doomed, b.text))
        and not _glued(pieces, b.text)
    ]
    if not missing:
        return list(ours)
    wanted = {id(b) for b in missing}
    keep = [b for b in baseline if id(b) in wanted or said.says(b.text)]
    matcher = SequenceMatcher(
        None, [_key(b.text) for b in ours], [_key(b.text) for b in keep], autojunk=False
    )
    out: list[tuple[Block, bool]] = []
    for _, i1, i2, j1, j2 in matcher.get_opcodes():
        out.extend((b, False) for b in ours[i1:i2])
        out.extend((b, True) for b in keep[j1:j2] if id(b) in wanted)
    return [
        block
        for i, (block, restored) in enumerate(out)
        if not (restored and block.kind is BlockKind.HEADING)
        or (i + 1 < len(out) and out[i + 1][1] and out[i + 1][0].kind is BlockKind.PARAGRAPH)
    ]


def said_in_furniture(text: str, removed: Sequence[Removed], furniture: frozenset[str]) -> bool:
    """``text`` was said in an element removed for one of the ``furniture`` reasons."""
    return _inside(_Text(r.text for r in removed if r.reason in furniture), text)


def _inside(doomed: _Text, text: str) -> bool:
    """``text`` was said in an element removed as furniture."""
    key = _key(text)
    return bool(key) and (key in doomed.joined or (doomed.says(text) and bool(_shingles(text))))


def _glued(pieces: Sequence[str], text: str) -> bool:
    """``text`` is nothing but the texts of several removed elements run together
    ("Home News Share on X Newsletter"): furniture that trafilatura read as one line."""
    rest = _key(text)
    if len(text.split()) > _MAX_GLUED_WORDS:
        return False
    used = 0
    for piece in pieces:
        if len(piece) <= len(rest) and piece in rest:
            rest = rest.replace(piece, "", 1)
            used += 1
            if not rest:
                return used >= _MIN_GLUED_PIECES
    return False
