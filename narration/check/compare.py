"""Comparing what was heard with what the article says, sentence by sentence.

Each recognised word belongs to the sentence being read when it was heard: the renderer's
timeline (the transcript's cues) says when every sentence starts and ends, and a word in
the pause between two sentences goes to the nearer one. The sentence's display text (as
the article writes it, not the spoken form the voice was given) and the words heard are
written one way (:mod:`narration.check.forms`: for English, the spoken-form rules, then
Whisper's English normaliser, so "from 1 March" and "from March 1st", "1/3" and "one
third", "£6.50" and "six pounds fifty" agree; Whisper's basic normaliser otherwise). What
still differs is no error where it sounds the same (:mod:`narration.check.sounds`:
"fares" heard as "fairs", "rail fares" as "railfares").

A sentence is flagged when its agreement is below the threshold, when a name in it (a
word with a capital, not the sentence's first) was heard as other words and the sentence
has another error too, or when a word the lexicon respells was not heard as that word.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from narration.check.forms import Normaliser, english, spoken_form
from narration.check.model import MISSING_EXTRA
from narration.check.report import Check, HeardWord, SentenceCheck
from narration.check.sounds import Sounds
from narration.errors import CheckError
from narration.model import Cue
from narration.prepare.lexicon import Lexicon

_TOKEN = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?")
_VOWELS = re.compile(r"[aeiouyäöüàáâèéêìíîòóôùúû]+", re.IGNORECASE)


def normaliser(language: str) -> Normaliser:
    try:
        if language.split("-")[0].lower() == "en":
            # Lazy: whisper-normalizer comes with the optional check extra.
            from whisper_normalizer.english import EnglishTextNormalizer

            return functools.lru_cache(maxsize=4096)(english(EnglishTextNormalizer(), spoken_form))
        # Lazy: whisper-normalizer comes with the optional check extra.
        from whisper_normalizer.basic import BasicTextNormalizer

        return BasicTextNormalizer()  # type: ignore[no-any-return]
    except ImportError as exc:
        raise CheckError(MISSING_EXTRA) from exc


@dataclass(frozen=True)
class Scored:
    words: int
    errors: int


def score(reference: str, heard: str, sounds: Sounds | None = None) -> Scored:
    """Word errors (substitutions, deletions, insertions) between two normalised texts.

    With ``sounds``, a stretch the two texts write differently is no error where it sounds
    the same ("fares" heard as "fairs", "rail fares" as "railfares"): each stretch between
    words they share is compared whole, then word by word."""
    # Lazy: jiwer comes with the optional check extra.
    import jiwer

    ref, hyp = reference.split(), heard.split()
    if not ref:
        return Scored(0, len(hyp))
    if not hyp:
        return Scored(len(ref), len(ref))
    out = jiwer.process_words(" ".join(ref), " ".join(hyp))
    errors = out.substitutions + out.deletions + out.insertions
    if sounds is None or not errors:
        return Scored(len(ref), errors)
    return Scored(len(ref), _unlike(ref, hyp, out.alignments[0], sounds))


def _unlike(ref: list[str], hyp: list[str], chunks: Sequence[Any], sounds: Sounds) -> int:
    """Errors of an alignment's stretches that do not sound alike. A stretch is a run of
    chunks (substitutions, deletions, insertions) with no shared word between them."""
    stretches: list[tuple[list[str], list[str]]] = []
    last: tuple[list[str], list[str]] | None = None
    for chunk in chunks:
        if chunk.type == "equal":
            last = None
            continue
        if last is None:
            last = ([], [])
            stretches.append(last)
        last[0].extend(ref[chunk.ref_start_idx : chunk.ref_end_idx])
        last[1].extend(hyp[chunk.hyp_start_idx : chunk.hyp_end_idx])
    sounds.learn(word for said, heard in stretches for word in said + heard)
    return sum(_stretch_errors(said, heard, sounds) for said, heard in stretches)


def _stretch_errors(said: list[str], heard: list[str], sounds: Sounds) -> int:
    """Edit distance between two short runs of words where a word, or two words run
    together, that sounds like its counterpart costs nothing."""
    if said and heard and sounds.alike(said, heard):
        return 0
    inf = len(said) + len(heard) + 1
    cost = [[inf] * (len(heard) + 1) for _ in range(len(said) + 1)]
    cost[0] = list(range(len(heard) + 1))
    for i in range(1, len(said) + 1):
        cost[i][0] = i
        for j in range(1, len(heard) + 1):
            best = min(cost[i - 1][j] + 1, cost[i][j - 1] + 1)
            best = min(
                best, cost[i - 1][j - 1] + (not sounds.alike(said[i - 1 : i], heard[j - 1 : j]))
            )
            if i > 1 and sounds.alike(said[i - 2 : i], heard[j - 1 : j]):
                best = min(best, cost[i - 2][j - 1])
            if j > 1 and sounds.alike(said[i - 1 : i], heard[j - 2 : j]):
                best = min(best, cost[i - 1][j - 2])
            cost[i][j] = best
    return cost[len(said)][len(heard)]


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
    sounds = Sounds(language)
    references = [normalise(cue.text).split() for cue in cues]
    groups = settle(references, assign(cues, words), normalise)
    for cue, reference_words, heard_words in zip(cues, references, groups, strict=True):
        heard = spoken(heard_words)
        reference = " ".join(reference_words)
        said = normalise(heard)
        scored = score(reference, said, sounds)
        if scored.words == 0:
            continue  # nothing to hear (a sentence of symbols)
        value = max(0.0, 1.0 - scored.errors / scored.words)
        missed = misheard_names(cue.text, said, normalise, lexicon, sounds)
        # A respelling from the lexicon not heard as the name it stands for is a fault
        # however long the sentence around it; another name heard as other words is one
        # where it is not the sentence's only error (a recogniser alone mishears a name).
        flagged = (
            value < flag_below
            or any(_listed(name, lexicon) for name in missed)
            or (bool(missed) and scored.errors > 1)
        )
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
    text: str,
    heard: str,
    normalise: Normaliser,
    lexicon: Lexicon | None,
    sounds: Sounds | None = None,
) -> list[str]:
    """Names in ``text`` (words with a capital, not the sentence's first unless the
    lexicon lists it; lexicon entries whatever their case) that are not among the words
    heard (``heard`` already normalised). With ``sounds``, a name the lexicon does not
    list that was heard as a word or two of the same sound ("Lin" as "Lynn") was heard;
    one the lexicon respells must be heard as written."""
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
        if not said or set(said) <= heard_words or token in names:
            continue
        if sounds is None or in_lexicon or not _sounds_heard(said, heard.split(), sounds):
            names.append(token)
    return names


def _sounds_heard(said: list[str], heard: list[str], sounds: Sounds) -> bool:
    """Whether ``said`` sounds like a run of the ``heard`` words but for a final s ("Rikers"
    heard as "Ryker's", written "ryker is"), or (of four phonemes or more) like a part of
    them ("Correction" in "corrections")."""
    sounds.learn([*said, *heard])
    name = sounds.of(said)
    if not name:
        return False
    runs = [heard[i : i + n] for n in (1, 2, 3) for i in range(len(heard) - n + 1)]
    if any(_stem(sounds.of(run)) == _stem(name) for run in runs):
        return True
    return len(name) >= MIN_PART and name in sounds.of(heard)


def _stem(phonemes: str) -> str:
    return phonemes[:-1] if len(phonemes) > 2 and phonemes[-1] in "sz" else phonemes


MIN_PART = 4
"""Phonemes a name needs to be found inside what was heard rather than as whole words."""


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
