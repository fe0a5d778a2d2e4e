"""A listening check as the catalog keeps it: typed, read from and written to its JSON.

The JSON holds ``wer``, ``sentences`` (how many), ``flagged`` (each ``text``, ``heard``,
``start_s``, ``end_s``, ``score``), ``lexicon_suggestions`` and ``naturalness``, with
``language``, ``audio_s`` and ``checked_at`` beside them. Rows kept by older versions lack
what was added since: a flagged sentence's ``end_s`` and the episode's ``naturalness``.
Reading such a row and writing it again gives the same JSON, key for key (the API and
``narration check --json`` show it as kept)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from narration.check.report import Check, SentenceCheck

JSON = str | int | float | bool | None | list["JSON"] | dict[str, "JSON"]
"""A value of parsed JSON."""


@dataclass(frozen=True)
class FlaggedSentence:
    """A sentence the check flagged, as kept."""

    text: str
    """The sentence as the article writes it."""
    heard: str
    """What the recogniser heard while it was read."""
    start_s: float
    score: float
    """Agreement, 0 to 1 (1 minus the sentence's word error rate)."""
    end_s: float | None = None
    """When the sentence ends in the audio; None for checks kept before it was recorded."""

    @classmethod
    def of(cls, sentence: SentenceCheck) -> FlaggedSentence:
        return cls(sentence.text, sentence.heard, sentence.start_s, sentence.score, sentence.end_s)


@dataclass(frozen=True)
class NaturalnessScores:
    """DNSMOS over the episode (see narration.check.naturalness)."""

    mos: float
    """P.808 mean opinion score."""
    ovrl: float
    """P.835 overall quality."""


@dataclass(frozen=True)
class CheckResult:
    """An episode's listening check as the catalog keeps it."""

    wer: float
    """Word error rate of the whole episode."""
    sentences: int
    """How many sentences were heard."""
    flagged: tuple[FlaggedSentence, ...]
    lexicon_suggestions: dict[str, str]
    """Names heard wrong, each with a respelling to try in the show's lexicon."""
    naturalness: NaturalnessScores | None = None
    """None where speechmos is not installed, or for checks kept before it was measured."""
    naturalness_kept: bool = True
    """Whether the check's JSON has a ``naturalness`` key (older checks' have none)."""
    language: str | None = None
    audio_s: float | None = None
    """Length of the audio heard."""
    checked_at: dt.datetime | None = None

    @classmethod
    def of(cls, check: Check, checked_at: dt.datetime) -> CheckResult:
        """``check`` as it is kept, heard at ``checked_at``."""
        natural = check.naturalness
        return cls(
            wer=check.wer,
            sentences=len(check.sentences),
            flagged=tuple(FlaggedSentence.of(s) for s in check.flagged),
            lexicon_suggestions=dict(check.lexicon_suggestions),
            naturalness=NaturalnessScores(natural["mos"], natural["ovrl"]) if natural else None,
            language=check.language,
            audio_s=check.audio_s,
            checked_at=checked_at,
        )


class BadCheckJSON(ValueError):
    """A kept check's JSON lacks what every version wrote, or has a value of a wrong type."""


def read_result(data: Mapping[str, object]) -> CheckResult:
    """A kept check from its JSON, as any version wrote it."""
    natural = data.get("naturalness")
    suggestions = data.get("lexicon_suggestions", {})
    if not isinstance(suggestions, dict):
        raise BadCheckJSON(f"lexicon_suggestions is not an object: {suggestions!r}")
    return CheckResult(
        wer=_number(data.get("wer"), "wer"),
        sentences=_integer(data.get("sentences"), "sentences"),
        flagged=tuple(_flagged(item) for item in _list(data.get("flagged", []), "flagged")),
        lexicon_suggestions={str(k): _text(v, k) for k, v in suggestions.items()},
        naturalness=_naturalness(natural) if natural is not None else None,
        naturalness_kept="naturalness" in data,
        language=_text(data["language"], "language") if "language" in data else None,
        audio_s=_number(data["audio_s"], "audio_s") if "audio_s" in data else None,
        checked_at=(
            dt.datetime.fromisoformat(_text(data["checked_at"], "checked_at"))
            if "checked_at" in data
            else None
        ),
    )


def result_json(result: CheckResult) -> dict[str, JSON]:
    """The JSON ``result`` is kept as: what :func:`read_result` read, unchanged."""
    out: dict[str, JSON] = {
        "wer": result.wer,
        "sentences": result.sentences,
        "flagged": [_flagged_json(item) for item in result.flagged],
        "lexicon_suggestions": dict(result.lexicon_suggestions),
    }
    if result.naturalness_kept or result.naturalness is not None:
        natural = result.naturalness
        out["naturalness"] = None if natural is None else {"mos": natural.mos, "ovrl": natural.ovrl}
    if result.language is not None:
        out["language"] = result.language
    if result.audio_s is not None:
        out["audio_s"] = result.audio_s
    if result.checked_at is not None:
        out["checked_at"] = result.checked_at.isoformat()
    return out


def _flagged_json(item: FlaggedSentence) -> dict[str, JSON]:
    out: dict[str, JSON] = {"text": item.text, "heard": item.heard, "start_s": item.start_s}
    if item.end_s is not None:
        out["end_s"] = item.end_s
    out["score"] = item.score
    return out


def _flagged(item: object) -> FlaggedSentence:
    if not isinstance(item, dict):
        raise BadCheckJSON(f"a flagged sentence is not an object: {item!r}")
    end = item.get("end_s")
    return FlaggedSentence(
        text=_text(item.get("text"), "text"),
        heard=_text(item.get("heard", ""), "heard"),
        start_s=_number(item.get("start_s"), "start_s"),
        score=_number(item.get("score"), "score"),
        end_s=_number(end, "end_s") if end is not None else None,
    )


def _naturalness(value: object) -> NaturalnessScores:
    if not isinstance(value, dict):
        raise BadCheckJSON(f"naturalness is not an object: {value!r}")
    return NaturalnessScores(_number(value.get("mos"), "mos"), _number(value.get("ovrl"), "ovrl"))


def _number(value: object, name: str) -> float:
    # An int is kept an int, so that writing it again gives the same JSON.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadCheckJSON(f"{name} is not a number: {value!r}")
    return value


def _integer(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadCheckJSON(f"{name} is not an integer: {value!r}")
    return value


def _text(value: object, name: object) -> str:
    if not isinstance(value, str):
        raise BadCheckJSON(f"{name} is not a string: {value!r}")
    return value


def _list(value: object, name: str) -> list[object]:
    if not isinstance(value, list):
        raise BadCheckJSON(f"{name} is not a list: {value!r}")
    return value
