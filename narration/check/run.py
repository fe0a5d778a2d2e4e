"""A listening check of one episode: hear its audio, compare it with its sentences."""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from pathlib import Path

import webvtt
from webvtt.errors import MalformedFileError

from narration.check.compare import compare
from narration.check.listen import hear
from narration.check.model import model_dir
from narration.check.naturalness import episode_naturalness
from narration.check.report import Check
from narration.config import Settings
from narration.errors import BadInput
from narration.model import Cue, Episode
from narration.prepare.load import show_lexicon


def check_audio(audio: Path, cues: Sequence[Cue], language: str, settings: Settings) -> Check:
    """Hear ``audio`` in ``language`` and score each of ``cues`` (the sentences, with when
    the renderer placed them) against what was heard."""
    started = time.monotonic()
    words, duration = hear(audio, language, settings, window_cuts(cues))
    found = compare(cues, words, language, settings.check.flag_below, show_lexicon(settings.show))
    return Check(
        wer=found.wer,
        language=found.language,
        sentences=found.sentences,
        lexicon_suggestions=found.lexicon_suggestions,
        model=model_dir(settings).name,
        audio_s=round(duration, 3),
        naturalness=episode_naturalness(audio, settings.check.threads),
        seconds=round(time.monotonic() - started, 3),
    )


WINDOW_S = 120.0
"""Audio heard at once, at most (unless one sentence is longer)."""


def window_cuts(cues: Sequence[Cue], window_s: float = WINDOW_S) -> list[float]:
    """Where to cut the audio into windows of at most ``window_s``: in the middle of the
    pause between two sentences, so no word is cut."""
    cuts: list[float] = []
    last = 0.0
    for before, after in itertools.pairwise(cues):
        if after.end_s - last > window_s:
            last = (before.end_s + after.start_s) / 2
            cuts.append(round(last, 3))
    return cuts


def check_episode(episode: Episode, settings: Settings, language: str | None = None) -> Check:
    """Check a published episode from its files: the audio, and its transcript for the
    sentences and their times. The language is the one the audio's tags name unless
    given."""
    out = settings.out_dir
    audio = out / episode.audio_name
    cues = read_cues(out / episode.transcript_name)
    return check_audio(audio, cues, language or audio_language(audio), settings)


def read_cues(path: Path) -> list[Cue]:
    """The sentences of a WebVTT transcript with their times."""
    try:
        captions = webvtt.read(str(path)).captions
    except (OSError, MalformedFileError) as exc:
        raise BadInput(f"{path.name}: cannot read the transcript: {exc}") from exc
    return [
        Cue(_seconds(c.start), _seconds(c.end), _unescape(" ".join(c.text.split())))
        for c in captions
    ]


def _seconds(stamp: str) -> float:
    hours, minutes, seconds = stamp.split(":")
    return round(int(hours) * 3600 + int(minutes) * 60 + float(seconds), 3)


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def audio_language(audio: Path) -> str:
    """The ISO 639-1 code of the language an episode's ID3 ``TLAN`` frame names."""
    # Lazy: mutagen (~10 ms); the API server loads this module at start-up.
    from mutagen.id3 import ID3, ID3NoHeaderError

    # Lazy: loads mutagen, which the API server's start-up does not need.
    from narration.episode.tags import ISO639_2

    try:
        frame = ID3(str(audio)).get("TLAN")  # type: ignore[no-untyped-call]
    except (ID3NoHeaderError, OSError) as exc:
        raise BadInput(f"{audio.name}: cannot read the episode's tags: {exc}") from exc
    code = str(frame.text[0]) if frame is not None and frame.text else ""
    for short, long in ISO639_2.items():
        if long == code:
            return short
    raise BadInput(f"{audio.name}: the episode does not say its language (TLAN {code!r})")
