"""Comparing what was heard with what the article says, sentence by sentence.

Each recognised word belongs to the sentence being read when it was heard: the renderer's
timeline (the transcript's cues) says when every sentence starts and ends, and a word in
the pause between two sentences goes to the nearer one. The sentence's display text (as
the article writes it, not the spoken form the voice was given) and the words heard are
normalised alike, by Whisper's English normaliser for English (numbers and money written
one way, so "£6.50" and "six pounds fifty" can agree) and its basic one otherwise.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from narration.check.report import Check, HeardWord, SentenceCheck
from narration.errors import CheckError
from narration.model import Cue
from narration.prepare.lexicon import Lexicon

Normaliser = Callable[[str], str]

_TOKEN = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?")
_VOWELS = re.compile(r"[aeiouyäöüàáâèéêìíîòóôùúû]+", re.IGNORECASE)


_PENCE = re.compile(r"([£$€]\d+)\.(\d\d)\b")
_SCALED = re.compile(r"([£$€]\d+(?:\.\d+)?)(bn|m|k)\b")
_SCALES = {"bn": " billion", "m": " million", "k": " thousand"}
_TIMES = re.compile(r"\b([ap]) m\b")


def _english(normalise: Normaliser) -> Normaliser:
    """Whisper's English normaliser, with what it leaves written two ways made one:
    "£1.7bn" as "£1.7 billion" (as it writes "1.7 billion pounds"), "£6.50" as "£6 50"
    (as it writes "six pounds fifty"), "6 a.m." as "6 am"."""

    def both(text: str) -> str:
        text = _SCALED.sub(lambda m: m.group(1) + _SCALES[m.group(2)], text)
        found = _PENCE.sub(r"\1 \2", normalise(text))
        return _TIMES.sub(r"\1m", found)

    return both


def normaliser(language: str) -> Normaliser:
    try:
        if language.split("-")[0].lower() == "en":
            from whisper_normalizer.english import EnglishTextNormalizer

            return _english(EnglishTextNormalizer())
        from whisper_normalizer.basic import BasicTextNormalizer

        return BasicTextNormalizer()  # type: ignore[no-any-return]
    except ImportError as exc:
        from narration.check.model import MISSING_EXTRA

        raise CheckError(MISSING_EXTRA) from exc


@dataclass(frozen=True)
class Scored:
    words: int
    errors: int


def score(reference: str, heard: str) -> Scored:
    """Word errors (substitutions, deletions, insertions) between two normalised texts."""
    import jiwer

    ref, hyp = reference.split(), heard.split()
    if not ref:
        return Scored(0, len(hyp))
    if not hyp:
        return Scored(len(ref), len(ref))
    out = jiwer.process_words(" ".join(ref), " ".join(hyp))
    return Scored(len(ref), out.substitutions + out.deletions + out.insertions)


def spoken(words: Sequence[HeardWord]) -> str:
    """Words as the recogniser wrote them: each token carries its own leading space, so
    "2" ",700" is "2,700" and "1" ".7" is "1.7"."""
    return "".join(w.text for w in words).strip()


def assign(cues: Sequence[Cue], words: Sequence[HeardWord]) -> list[list[HeardWord]]:
    """The words heard during each cue; a word in a pause goes to the nearer cue."""
    bounds = [(a.end_s + b.start_s) / 2 for a, b in itertools.pairwise(cues)]
    found: list[list[HeardWord]] = [[] for _ in cues]
    index = 0
    for word in sorted(words, key=lambda w: w.start_s):
        middle = (word.start_s + word.end_s) / 2
        while index < len(bounds) and middle >= bounds[index]:
            index += 1
        if found:
            found[index].append(word)
    return found


SHIFT = 3
"""Words a boundary between two sentences may move to undo the recogniser's timing drift."""


def settle(
    references: Sequence[list[str]],
    heard: list[list[HeardWord]],
    normalise: Normaliser,
) -> list[list[HeardWord]]:
    """Move each boundary between neighbouring sentences by up to :data:`SHIFT` words
    where that lowers their errors: word times drift by a few tenths of a second, the
    pauses between sentences can be shorter."""

    def errors(index: int, words: list[HeardWord]) -> int:
        said = normalise(spoken(words)).split()
        return score(" ".join(references[index]), " ".join(said)).errors

    groups = [list(g) for g in heard]
    for i in range(len(groups) - 1):
        left, right = groups[i], groups[i + 1]
        best = (errors(i, left) + errors(i + 1, right), 0)
        for shift in range(-min(SHIFT, len(left)), min(SHIFT, len(right)) + 1):
            if shift == 0:
                continue
            joined = left + right
            cut = len(left) + shift
            cost = errors(i, joined[:cut]) + errors(i + 1, joined[cut:])
            best = min(best, (cost, shift), key=lambda c: (c[0], abs(c[1])))
        if best[1]:
            joined = left + right
            cut = len(left) + best[1]
            groups[i], groups[i + 1] = joined[:cut], joined[cut:]
    return groups


def compare(
    cues: Sequence[Cue],
    words: Sequence[HeardWord],
    language: str,
    flag_below: float,
    lexicon: Lexicon | None = None,
) -> Check:
    """Score every cue (sentence) against what was heard during it."""
    normalise = normaliser(language)
    sentences: list[SentenceCheck] = []
    total_words = total_errors = 0
    suggestions: dict[str, str] = {}
    references = [normalise(cue.text).split() for cue in cues]
    groups = settle(references, assign(cues, words), normalise)
    for cue, reference_words, heard_words in zip(cues, references, groups, strict=True):
        heard = spoken(heard_words)
        reference = " ".join(reference_words)
        said = normalise(heard)
        scored = score(reference, said)
        if scored.words == 0:
            continue  # nothing to hear (a sentence of symbols)
        value = max(0.0, 1.0 - scored.errors / scored.words)
        missed = misheard_names(cue.text, said, normalise, lexicon)
        # A respelling from the lexicon that is not heard as the name it stands for is a
        # fault however long the sentence around it.
        flagged = value < flag_below or any(_listed(name, lexicon) for name in missed)
        total_words += scored.words
        total_errors += scored.errors
        sentences.append(
            SentenceCheck(
                text=cue.text,
                heard=heard,
                start_s=cue.start_s,
                end_s=cue.end_s,
                score=round(value, 3),
                words=scored.words,
                errors=scored.errors,
                flagged=flagged,
            )
        )
        if flagged:
            for name in missed:
                suggestions.setdefault(name, respell(name))
    wer = total_errors / total_words if total_words else 0.0
    return Check(
        wer=round(wer, 4),
        language=language,
        sentences=tuple(sentences),
        lexicon_suggestions=suggestions,
    )


def misheard_names(
    text: str, heard: str, normalise: Normaliser, lexicon: Lexicon | None
) -> list[str]:
    """Names in ``text`` (words with a capital, not the sentence's first unless the
    lexicon lists it; lexicon entries whatever their case) that are not among the words
    heard (``heard`` already normalised)."""
    heard_words = set(heard.split())
    listed = {key.lower(): key for key in (lexicon.entries if lexicon else {})}
    names: list[str] = []
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        in_lexicon = token.lower() in listed
        before = text[: match.start()].rstrip()
        opens = not before or before[-1] in '.!?:;"“‘«¿¡'
        capital = token[:1].isupper() and not token.isupper() and not opens
        if not (capital or in_lexicon):
            continue
        said = normalise(token).split()
        if said and not set(said) <= heard_words and token not in names:
            names.append(token)
    return names


def _listed(word: str, lexicon: Lexicon | None) -> bool:
    return lexicon is not None and lexicon.apply(word) != word


def respell(name: str) -> str:
    """A respelling to start from: the name cut into syllables at its vowels, with hyphens
    ("Sheinbaum" -> "Shein-baum"), which most voices read one syllable at a time. The
    editor hears it and adjusts it."""
    groups = list(_VOWELS.finditer(name))
    if len(groups) > 1 and groups[-1].group(0).lower() == "e" and groups[-1].end() == len(name):
        groups.pop()  # a silent final e ("Jane")
    if len(groups) < 2:
        return name
    cuts: list[int] = []
    for before, after in itertools.pairwise(groups):
        consonants = after.start() - before.end()
        # One consonant starts the next syllable; of a cluster, the last one does.
        cuts.append(after.start() - (1 if consonants >= 1 else 0))
    pieces = []
    start = 0
    for cut in cuts:
        if cut > start:
            pieces.append(name[start:cut])
            start = cut
    pieces.append(name[start:])
    return "-".join(p.lower() if i else p for i, p in enumerate(pieces))
