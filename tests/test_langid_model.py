"""py3langid's model unpacked once into a cache and mapped: the same answers as the
packaged model, made atomically, and never needed for detection to work."""

from __future__ import annotations

from pathlib import Path

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from narration.prepare.langid_model import load_identifier

TEXTS = [
    "The council said the new tunnel would open in the spring, months later than planned.",
    "Der Stadtrat teilte mit, der neue Tunnel werde im Frühjahr eröffnet, Monate später.",
    "El ayuntamiento dijo que el nuevo túnel se abriría en primavera, meses después.",
    "Le conseil a déclaré que le nouveau tunnel ouvrirait au printemps, des mois plus tard.",
    "Городской совет заявил, что новый тоннель откроется весной.",
]


@pytest.fixture(scope="module")
def packaged() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _unpacked(root: Path) -> list[Path]:
    return [p for p in root.iterdir() if p.name.startswith("langid-")]


def test_the_unpacked_model_answers_as_the_packaged_one(
    tmp_path: Path, packaged: LanguageIdentifier
) -> None:
    first = load_identifier(tmp_path)
    (made,) = _unpacked(tmp_path)
    assert (made / "ok").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".langid-")]
    again = load_identifier(tmp_path)
    assert _unpacked(tmp_path) == [made]
    for text in TEXTS:
        expected = packaged.rank(text)
        for ident in (first, again):
            ranked = ident.rank(text)
            assert [lang for lang, _ in ranked[:5]] == [lang for lang, _ in expected[:5]]
            assert ranked[0][1] == pytest.approx(expected[0][1], abs=1e-6)
    assert [first.classify(t)[0] for t in TEXTS] == ["en", "de", "es", "fr", "ru"]


def test_an_interrupted_unpacking_is_done_again(tmp_path: Path) -> None:
    load_identifier(tmp_path)
    (made,) = _unpacked(tmp_path)
    (made / "ok").unlink()
    (made / "ptc.npy").write_bytes(b"truncated")
    ident = load_identifier(tmp_path)
    assert ident.classify(TEXTS[1])[0] == "de"
    assert (made / "ok").is_file()
    assert (made / "ptc.npy").stat().st_size > 1_000_000


def test_a_cache_that_cannot_be_written_falls_back_to_the_packaged_model(
    tmp_path: Path,
) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the cache would go")
    ident = load_identifier(blocked)
    assert ident.classify(TEXTS[2])[0] == "es"
