"""Extraction quality over a fixed corpus: fails the build when quality drops.

Each page in ``tests/fixtures/`` (and each sample in ``samples/``) has a sidecar
``NAME.expect.json`` listing ``must_read`` (every body sentence, verbatim) and
``must_not_read`` (the page's furniture). A sentence is kept when it appears in the
prepared article's display text, whitespace-normalised; a furniture string leaks when it
appears there at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from narration.ingest.extract import extract
from narration.ingest.sources import read_source
from narration.prepare.article import prepare

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
SAMPLES = HERE.parent / "samples"
MIN_KEPT_SHARE = 0.98


@dataclass
class Score:
    name: str
    kept: int
    total: int
    leaked: list[str]
    missing: list[str]

    @property
    def share(self) -> float:
        return self.kept / self.total if self.total else 1.0


def corpus() -> list[tuple[Path, Path]]:
    """(page, expectations) for every fixture and sample with a sidecar."""
    pairs: list[tuple[Path, Path]] = []
    for folder, pages in ((FIXTURES, FIXTURES), (FIXTURES / "samples", SAMPLES)):
        for sidecar in sorted(folder.glob("*.expect.json")):
            stem = sidecar.name.removesuffix(".expect.json")
            found = [p for p in pages.glob(f"{stem}.*") if not p.name.endswith(".expect.json")]
            assert len(found) == 1, f"{sidecar.name}: expected one page named {stem}.*"
            pairs.append((found[0], sidecar))
    return pairs


def normalise(text: str) -> str:
    return " ".join(text.split())


def read_pieces(page: Path) -> list[str]:
    """Everything the article would read, piece by piece: title, headings and sentences,
    as displayed."""
    article = prepare(extract(read_source(str(page))), name=page.stem)
    parts = [article.title.display]
    for section in article.sections:
        if not section.heading_is_title:
            parts.append(section.heading.display)
        parts.extend(s.display for s in section.sentences)
    return parts


def read_text(page: Path) -> str:
    """Everything the article would read: title, headings and sentences, as displayed."""
    return normalise(" ".join(read_pieces(page)))


def score(page: Path, sidecar: Path) -> Score:
    expected = json.loads(sidecar.read_text(encoding="utf-8"))
    text = read_text(page)
    must = [normalise(s) for s in expected["must_read"]]
    missing = [s for s in must if s not in text]
    leaked = [s for s in expected["must_not_read"] if s in text]
    return Score(page.name, len(must) - len(missing), len(must), leaked, missing)


def report(scores: list[Score]) -> str:
    def line(name: str, kept: int, total: int, leaked: int) -> str:
        share = kept / total if total else 1.0
        return (
            f"{name:<36} body sentences kept: {kept}/{total} ({share:.1%}), chrome leaked: {leaked}"
        )

    lines = [line(s.name, s.kept, s.total, len(s.leaked)) for s in scores]
    kept = sum(s.kept for s in scores)
    total = sum(s.total for s in scores)
    lines.append(line("TOTAL", kept, total, sum(len(s.leaked) for s in scores)))
    for s in scores:
        lines += [f"  {s.name}: missing {m!r}" for m in s.missing]
        lines += [f"  {s.name}: leaked {m!r}" for m in s.leaked]
    return "\n".join(lines)


def test_corpus_is_large_enough() -> None:
    pages = corpus()
    assert len([p for p, _ in pages if p.parent == FIXTURES]) >= 12
    kinds = {p.suffix for p, _ in pages}
    assert kinds == {".html", ".md", ".txt"}


def test_extraction_quality(capsys: pytest.CaptureFixture[str]) -> None:
    scores = [score(page, sidecar) for page, sidecar in corpus()]
    text = report(scores)
    with capsys.disabled():
        print("\n" + text)
    kept = sum(s.kept for s in scores)
    total = sum(s.total for s in scores)
    leaked = sum(len(s.leaked) for s in scores)
    assert kept / total >= MIN_KEPT_SHARE, text
    assert leaked == 0, text
