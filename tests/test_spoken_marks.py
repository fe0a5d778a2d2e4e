"""No mark the voice would read by name survives into a spoken form.

`narration.prepare.spoken.unread` says what may not stay (see `marks.py`): "/", "\\",
"|", "^", "~", "_", "*" and the like, and stray clusters ("--", "::", '="'). The guard
runs over every case of the spoken-form tables and over the spoken text of every real
page in ``tests/realpages``, prepared as the service prepares it (its language resolved).
"""

from __future__ import annotations

import gzip
import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from narration.ingest.extract import extract
from narration.ingest.sources import read_source
from narration.prepare.article import prepare, sentence
from narration.prepare.language import resolve
from narration.prepare.spoken import Style, speak, unread
from tests.test_spoken import ALL_CASES, IDS

PAGES = Path(__file__).resolve().parent / "realpages"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("one dollar/d", ["/"]),
        ("three cc/s", ["/"]),
        ("ten P-M e.s.t", []),
        ("a | b", ["|"]),
        ("2^10", ["^"]),
        ("~5", ["~"]),
        ("name_of_file", ["_", "_"]),
        ("f*ck", ["*"]),
        ("C:\\temp", [":\\"]),
        ("--prefix", ["--"]),
        ("localhost::", ["::"]),
        ('width="4"', ['="']),
        ("dict()", ["()"]),
        ("What the $%! and", ["$%!"]),
        # Read as words or as pauses: these stay.
        ("two + two = four, 5% @ home & away: “yes.” (no!) ...” — ok?!", []),
        ("w w w dot bbc dot co dot uk slash news", []),
    ],
)
def test_unread_finds_marks_read_by_name(text: str, found: list[str]) -> None:
    assert unread(text) == found


@pytest.mark.parametrize(("written", "style", "spoken"), ALL_CASES, ids=IDS)
def test_no_table_case_keeps_a_mark(written: str, style: Style, spoken: str) -> None:
    assert unread(speak(written, style)) == []


def test_other_languages_lose_marks_too() -> None:
    said = sentence("Ihn/sie | der_Fotograf *lacht*", "uk", language="de").spoken
    assert said == "Ihn sie, der Fotograf lacht"
    assert unread(said) == []


def _spoken_page(path: Path) -> list[str]:
    doc = extract(read_source(str(path)))
    body = " ".join(block.text for block in doc.blocks)
    language = resolve(doc.language, body, default="en", detect_missing=True)
    article = prepare(doc, language=language, name=path.stem)
    spoken = [article.title.spoken]
    for section in article.sections:
        if not section.heading_is_title:
            spoken.append(section.heading.spoken)
        spoken.extend(s.spoken for s in section.sentences)
    return spoken


@pytest.mark.slow
def test_no_real_page_keeps_a_mark(tmp_path: Path) -> None:
    expected = json.loads((PAGES / "expect.json").read_text(encoding="utf-8"))
    paths = []
    for entry in sorted(expected.values(), key=lambda e: e["file"]):
        path = tmp_path / Path(entry["file"]).name.removesuffix(".gz")
        path.write_bytes(gzip.decompress((PAGES / entry["file"]).read_bytes()))
        paths.append(path)
    with ProcessPoolExecutor(max_workers=2) as pool:
        pages = dict(zip(paths, pool.map(_spoken_page, paths), strict=True))
    assert len(pages) == 108
    left = [
        f"{path.stem}: {found} in {said[:120]!r}"
        for path, sentences in pages.items()
        for said in sentences
        if (found := unread(said))
    ]
    assert not left, "\n".join(left)
