"""The article's language: declared by the source, or detected; and the voice that reads it.

A source's own declaration (``<html lang>``, front matter, JSON-LD) wins. Without one,
the script of the body's letters decides first: a text mostly in Arabic letters is in a
language written in Arabic script, one in Hebrew letters is Hebrew, Han is Chinese (with
kana, Japanese), Hangul Korean, and so on, however short it is; within a script written
by several languages, py3langid's ranking chooses among those. A text in Latin letters
(or no clear script) is identified with py3langid and the result is used only when it is
confident; a short or mixed one falls back to the show's language.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Any

MIN_CONFIDENCE = 0.9
SAMPLE_CHARS = 4000

MAJORITY = 0.5
"""Share of the letters a script needs to decide the language."""

KANA_SHARE = 0.1
"""Share of kana among Han and kana letters that makes a text Japanese rather than Chinese."""

SCRIPT_LANGUAGES: dict[str, tuple[str, ...]] = {
    "ARABIC": ("ar", "fa", "ur", "ps", "ug", "ku", "sdh"),
    "HEBREW": ("he",),
    "HAN": ("zh",),
    "KANA": ("ja",),
    "HANGUL": ("ko",),
    "CYRILLIC": ("ru", "uk", "be", "bg", "mk", "sr", "kk", "ky", "mn", "tt", "ba", "tg"),
    "GREEK": ("el",),
    "THAI": ("th",),
    "DEVANAGARI": ("hi", "mr", "ne", "sa"),
    "BENGALI": ("bn", "as"),
    "GURMUKHI": ("pa",),
    "GUJARATI": ("gu",),
    "ORIYA": ("or",),
    "TAMIL": ("ta",),
    "TELUGU": ("te",),
    "KANNADA": ("kn",),
    "MALAYALAM": ("ml",),
    "SINHALA": ("si",),
    "GEORGIAN": ("ka",),
    "ARMENIAN": ("hy",),
    "ETHIOPIC": ("am",),
    "KHMER": ("km",),
    "LAO": ("lo",),
    "MYANMAR": ("my",),
}
"""The languages written in each script (the first is the usual reading), as py3langid
names them. Latin is missing on purpose: statistics alone decide among its many."""

ESPEAK_NAMES: dict[str, str] = {"zh": "cmn"}
"""espeak-ng voices named otherwise than the ISO 639-1 code: Mandarin is ``cmn``."""

_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


def normalise(tag: str | None) -> str | None:
    """``en-GB`` -> ``en``; anything that is not a language tag -> None."""
    if not tag:
        return None
    tag = tag.strip()
    if not _TAG.match(tag):
        return None
    return re.split(r"[-_]", tag)[0].lower()


def _identifier() -> Any:
    # Mapped from the unpacked model in milliseconds, and not kept: the pages it reads
    # would otherwise stay in the process (tens of MB) for the rest of its life.
    from narration.prepare.langid_model import load_identifier

    return load_identifier()


def detect(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of the text's language."""
    lang, prob = _identifier().classify(text[:SAMPLE_CHARS])
    return str(lang), float(prob)


def script_of(char: str) -> str | None:
    """The script of a letter as Unicode names it (``LATIN``, ``ARABIC``, ``CYRILLIC``...),
    ``HAN`` for ideographs and ``KANA`` for hiragana and katakana; None for anything that
    is not a letter."""
    if not unicodedata.category(char).startswith("L"):
        return None
    name = unicodedata.name(char, "")
    if name.startswith("CJK "):
        return "HAN"
    first = name.split(" ", 1)[0]
    if first in ("HIRAGANA", "KATAKANA") or name.startswith("HALFWIDTH KATAKANA"):
        return "KANA"
    return first or None


def dominant_script(text: str) -> str | None:
    """The script of most of the letters of ``text`` (more than ``MAJORITY``), Han and
    kana counted together (as ``KANA`` when kana make ``KANA_SHARE`` of them); None
    when no script has most of them."""
    counts = Counter(script for char in text if (script := script_of(char)) is not None)
    letters = sum(counts.values())
    if not letters:
        return None
    han, kana = counts.pop("HAN", 0), counts.pop("KANA", 0)
    if han + kana:
        counts["KANA" if kana >= KANA_SHARE * (han + kana) else "HAN"] = han + kana
    script, most = counts.most_common(1)[0]
    return script if most > MAJORITY * letters else None


def script_languages(text: str) -> tuple[str, ...]:
    """The languages written in the script most letters of ``text`` are in, when that
    script is the same at its start (which :func:`by_script` looks at), in its middle and
    at its end, so that a title, a menu or a footer in another script cannot decide it;
    none when they differ, have no letters or are Latin."""
    half = SAMPLE_CHARS // 2
    middle = len(text) // 2
    samples = {
        text[:SAMPLE_CHARS],
        text[max(0, middle - half) : middle + half],
        text[-SAMPLE_CHARS:],
    }
    scripts = {dominant_script(sample) for sample in samples}
    return SCRIPT_LANGUAGES.get(scripts.pop() or "", ()) if len(scripts) == 1 else ()


def by_script(text: str, default: str | None = None) -> str | None:
    """The language of ``text`` from its script (``SCRIPT_LANGUAGES``): the only one
    written in it, else the one py3langid ranks first among them; the show's language
    ``default`` when it is one of them and py3langid is not confident of another. None for Latin
    letters or no clear script."""
    script = dominant_script(text[:SAMPLE_CHARS])
    languages = SCRIPT_LANGUAGES.get(script or "")
    if not languages:
        return None
    if len(languages) == 1:
        return languages[0]
    # The probabilities of the script's languages alone, out of their sum.
    scores = {str(lang): float(p) for lang, p in _identifier().rank(text[:SAMPLE_CHARS])}
    total = sum(scores.get(lang, 0.0) for lang in languages)
    best = max(languages, key=lambda lang: scores.get(lang, 0.0))
    prob = scores.get(best, 0.0) / total if total > 0 else 0.0
    if default in languages and prob < MIN_CONFIDENCE:
        return default
    return best


def resolve(declared: str | None, body: str, *, default: str, detect_missing: bool) -> str:
    found = normalise(declared)
    if found:
        return found
    show = normalise(default) or "en"
    if not detect_missing:
        return show
    scripted = by_script(body, show)
    if scripted is not None:
        return scripted
    if len(body.split()) >= 20:
        lang, prob = detect(body)
        if prob >= MIN_CONFIDENCE:
            return lang
    return show


def espeak_name(language: str) -> str:
    """The espeak-ng voice that reads ``language`` (``zh`` is read by ``cmn``)."""
    return ESPEAK_NAMES.get(language, language)
