"""The article's language: declared by the source, or detected; and the voice that reads it.

A source's own declaration (``<html lang>``, front matter, JSON-LD) wins. Without one, the
body is identified with py3langid and the result is used only when it is confident; a
short or mixed text falls back to the show's language.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from narration.errors import BadInput
from narration.tts.base import VoiceSpec

MIN_CONFIDENCE = 0.9
SAMPLE_CHARS = 4000

_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


def normalise(tag: str | None) -> str | None:
    """``en-GB`` -> ``en``; anything that is not a language tag -> None."""
    if not tag:
        return None
    tag = tag.strip()
    if not _TAG.match(tag):
        return None
    return re.split(r"[-_]", tag)[0].lower()


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    # py3langid renamed its loader in 0.4; both name the same packaged model.
    load = (
        getattr(LanguageIdentifier, "from_model_file", None)
        or LanguageIdentifier.from_pickled_model
    )
    return load(MODEL_FILE, norm_probs=True)


def detect(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of the text's language."""
    lang, prob = _identifier().classify(text[:SAMPLE_CHARS])
    return str(lang), float(prob)


def resolve(declared: str | None, body: str, *, default: str, detect_missing: bool) -> str:
    found = normalise(declared)
    if found:
        return found
    if detect_missing and len(body.split()) >= 20:
        lang, prob = detect(body)
        if prob >= MIN_CONFIDENCE:
            return lang
    return normalise(default) or "en"


def voice_language(spec: VoiceSpec) -> str | None:
    """The language a voice reads, from its name where the backend's naming says it."""
    if spec.backend == "pyttsx3":
        return normalise(spec.voice.rsplit("/", 1)[-1])
    if spec.backend == "piper" and "_" in spec.voice and "/" not in spec.voice:
        return normalise(spec.voice.split("_")[0])
    return None


def voice_for(spec: VoiceSpec, language: str) -> VoiceSpec:
    """The voice that reads an article in ``language``.

    espeak-ng speaks many languages, so the pyttsx3 backend switches to the article's
    language. Any other voice must already speak it: reading French with English
    phonetics is worse than refusing.
    """
    reads = voice_language(spec)
    if reads is None or reads == language:
        return spec
    if spec.backend == "pyttsx3":
        return VoiceSpec(spec.backend, language, spec.rate_wpm)
    raise BadInput(
        f"the article is in {language!r} but voice {spec.label} reads {reads!r}; "
        f"choose a {language!r} voice with --voice"
    )
