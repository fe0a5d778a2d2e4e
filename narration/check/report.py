"""What a listening check finds: per sentence and per episode, as plain data (kept as JSON
by narration.check.result)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class HeardWord:
    """One word the recogniser heard, and when (seconds from the start of the audio)."""

    text: str
    """As the recogniser wrote it, with a leading space where a new word starts."""
    start_s: float
    end_s: float


@dataclass(frozen=True)
class SentenceCheck:
    """One sentence of the episode as written and as heard."""

    text: str
    """The sentence as the article writes it (its display form)."""
    heard: str
    """The words heard while it was read, as the recogniser wrote them."""
    start_s: float
    """When it starts in the audio."""
    end_s: float
    score: float
    """Agreement: 1 minus the sentence's word error rate, at least 0; 1 is heard exactly."""
    words: int
    """Words of the sentence after normalisation (the weight of its errors)."""
    errors: int
    """Substitutions, deletions and insertions between the two normalised texts."""
    flagged: bool = False


@dataclass(frozen=True)
class Check:
    """An episode heard back."""

    wer: float
    """Word error rate of the whole episode: errors over the words of every sentence."""
    language: str
    sentences: tuple[SentenceCheck, ...]
    lexicon_suggestions: dict[str, str] = field(default_factory=dict)
    """Names heard wrong, each with a respelling to try, as ``[words]`` lines take them."""
    model: str = ""
    """The model directory's name, for the record."""
    audio_s: float = 0.0
    """Length of the audio heard."""
    seconds: float = 0.0
    """How long hearing it took."""
    naturalness: dict[str, float] | None = None
    """DNSMOS ``{"mos": P.808, "ovrl": P.835 overall}`` (see narration.check.naturalness);
    None where speechmos is not installed."""

    @property
    def flagged(self) -> tuple[SentenceCheck, ...]:
        return tuple(s for s in self.sentences if s.flagged)

    def lexicon_lines(self) -> list[str]:
        """The suggestions as lines of a lexicon's ``[words]`` table."""
        return [lexicon_line(word, said) for word, said in self.lexicon_suggestions.items()]


def lexicon_line(word: str, respelling: str) -> str:
    """``word = "respelling"`` with TOML quoting (a key with spaces is quoted too)."""
    key = word if word.replace("-", "").replace("_", "").isalnum() and word.isascii() else None
    quoted = json.dumps(respelling, ensure_ascii=False)
    return f"{key or json.dumps(word, ensure_ascii=False)} = {quoted}"
