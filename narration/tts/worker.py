"""What runs inside a synthesis worker process: one backend, clips made, checked, levelled.

The main process imports this module only to name its functions for the pool; the audio
libraries (numpy, pedalboard, libebur128) load in the workers, on first use.
"""

from __future__ import annotations

import math
import os
import sys
import wave
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from narration.errors import NarrationError, SynthesisError
from narration.model import LevelTarget
from narration.prepare.language import script_of
from narration.tts.base import Backend, BackendFactory, BackendInfo, VoiceSpec

_backend: Backend | None = None
_failure: NarrationError | None = None
"""Why this worker has no backend: raised by every job, so the parent sees it (an
initializer that raised would make the pool restart the worker over and over)."""


class JobKind(StrEnum):
    SPEECH = "speech"
    CHIME_OPEN = "chime-open"
    CHIME_CLOSE = "chime-close"


@dataclass(frozen=True)
class ClipJob:
    text: str
    dest: Path
    target: LevelTarget
    kind: JobKind = JobKind.SPEECH


def init_worker(factory: BackendFactory, spec: VoiceSpec) -> None:
    """Build this worker's backend with ``factory``, which the parent resolved from its
    registry (so a backend registered in the parent works here without registering)."""
    global _backend, _failure
    # Drivers print on stdout (pyttsx3: "Audio saved to ..."); the parent's stdout is
    # for the CLI's own output, e.g. --json lines.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the worker
    try:
        _backend = factory(spec.voice, spec.rate_wpm)
    except NarrationError as exc:
        _failure = exc
    except Exception as exc:  # an engine's own error types; the parent gets the message
        _failure = SynthesisError(f"cannot start TTS backend {spec.label}: {exc}")


def _require() -> Backend:
    if _failure is not None:
        raise _failure
    if _backend is None:
        raise SynthesisError("worker has no backend")
    return _backend


def ping() -> bool:
    """A job that does nothing: scheduling it makes the pool start a worker."""
    return _backend is not None


def describe() -> BackendInfo:
    """The backend's name, version and sample rate, for the parent's cache keys."""
    backend = _require()
    return BackendInfo(backend.name, backend.version, backend.sample_rate)


LETTERS_PER_SYLLABLE: dict[str, int] = {
    "HAN": 1,
    "KANA": 1,
    "HANGUL": 1,
    "THAI": 3,
    "LAO": 3,
    "KHMER": 3,
    "MYANMAR": 3,
    "TIBETAN": 3,
}
"""Scripts read syllable by syllable, written without spaces between words (or, for
Hangul, with several syllables to a word): about how many of their letters make one
syllable. A Han, kana or Hangul character is one; the abugidas spell one in two to four."""


def spoken_units(text: str) -> int:
    """About how many words ``text`` says: its words between spaces, except that letters
    of the scripts of ``LETTERS_PER_SYLLABLE`` count as syllables, each one a word."""
    words = 0
    syllables = 0.0
    for token in text.split():
        rest = ""
        for char in token:
            script = script_of(char)
            per_syllable = LETTERS_PER_SYLLABLE.get(script) if script else None
            if per_syllable is None:
                rest += char
            else:
                syllables += 1 / per_syllable
                rest += " "
        if rest == token:
            words += 1  # no syllabic letters: one word, as between spaces
        else:
            words += sum(1 for part in rest.split() if any(c.isalnum() for c in part))
    return max(1, words + math.ceil(syllables))


def check_clip(pcm: bytes, sample_rate: int, text: str) -> None:
    """Refuse audio that cannot be the reading of ``text``: empty, silent or absurdly long
    for its words (or syllables, see :func:`spoken_units`)."""
    # Lazy: numpy, pedalboard, pyebur128 (~110 ms) in the workers; the main process imports this.
    from narration.audio.levels import pcm_to_float

    seconds = len(pcm) / 2 / sample_rate
    words = spoken_units(text)
    if seconds < 0.05 * words:
        raise SynthesisError(
            f"{seconds:.2f} s of audio is too short for {words} words or syllables: {text!r}"
        )
    if seconds > 2.0 * words + 3.0:
        raise SynthesisError(
            f"{seconds:.1f} s of audio is too long for {words} words or syllables: {text!r}"
        )
    x = pcm_to_float(pcm)
    if float((x.astype("float64") ** 2).mean()) ** 0.5 < 1e-3:
        raise SynthesisError(f"the audio for {text!r} is silent")


def synthesize(job: ClipJob) -> int:
    """Make, check and level one clip, write it to ``job.dest``; return its sample count."""
    # Lazy: numpy, pedalboard, pyebur128 (~110 ms) in the workers; the main process imports this.
    from narration.audio.chime import CHIME_UNDER_VOICE_LU, chime_pcm
    from narration.audio.levels import level_clip, trim_silence  # lazy: as above

    backend = _require()
    rate = backend.sample_rate
    if job.kind is JobKind.SPEECH:
        pcm = backend.synthesize(job.text)
        check_clip(pcm, rate, job.text)
        pcm = level_clip(trim_silence(pcm, rate), rate, job.target)
    else:
        quieter = LevelTarget(job.target.lufs - CHIME_UNDER_VOICE_LU, job.target.true_peak_dbtp)
        pcm = level_clip(chime_pcm(rate, job.kind is JobKind.CHIME_CLOSE), rate, quieter)
    write_wav(job.dest, pcm, rate)
    return len(pcm) // 2


def write_wav(dest: Path, pcm: bytes, sample_rate: int) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    with wave.open(str(tmp), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm)
    os.replace(tmp, dest)
