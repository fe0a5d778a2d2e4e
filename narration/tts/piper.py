"""Piper neural voices: a VITS model run by onnxruntime through piper-tts (extra ``piper``).

A voice is the name of a packaged voice or the path of a ``.onnx`` model
(:mod:`narration.tts.piper_files` finds and checks its files).

The worker pool keeps one backend per process and runs one process per core, so the
onnxruntime session is given one intra-op thread by default; a second thread only helps a
process that has the machine to itself. The session is created on the first
``synthesize`` call, so a worker asked only for the backend's name and version (the
pipeline's parent process asks for cache keys) never loads the model.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Any

import numpy as np

from narration.errors import BadInput, SynthesisError
from narration.tts import piper_files as files
from narration.tts.onnx_voice import session_options, to_pcm16

NATURAL_WPM = 196.0
"""Words a minute at ``length_scale`` 1.0, measured on en_US-joe-medium reading news prose
sentence by sentence (bench/piper_speed.py prints the figure)."""

LENGTH_SCALE_RANGE = (0.5, 2.5)
"""Beyond these the voice slurs or drawls; covers roughly 80 to 390 words a minute."""

PHONEMES_PER_SECOND = 20.0
"""Phoneme symbols (stress marks and spaces included) per second at ``length_scale`` 1.0."""

MAX_PIECE_SECONDS = 7.0
"""Longest audio one model run makes. The model's working memory grows with its output
(some 20 MiB a second of audio), so a longer sentence is read in pieces split at clause
punctuation, or between words, to keep a worker's peak RSS under 500 MB (bench/piper_speed.py
measures it)."""

_CLAUSE_ENDS = frozenset(",;:")


def max_phonemes(length_scale: float) -> int:
    """How many phoneme symbols one model run may take at this ``length_scale``."""
    return max(20, int(MAX_PIECE_SECONDS * PHONEMES_PER_SECOND / length_scale))


def split_phonemes(phonemes: list[str], limit: int) -> list[list[str]]:
    """One sentence's phonemes in pieces of at most ``limit`` symbols.

    Pieces end after clause punctuation where possible, else between words; a single word
    longer than ``limit`` is cut where it must be.
    """
    if len(phonemes) <= limit:
        return [phonemes]
    clauses: list[list[str]] = [[]]
    for i, ph in enumerate(phonemes):
        clauses[-1].append(ph)
        if ph in _CLAUSE_ENDS and i + 1 < len(phonemes) and phonemes[i + 1] == " ":
            clauses.append([])
    units: list[list[str]] = []  # an empty unit: start a new piece here
    for clause in clauses:
        if len(clause) <= limit:
            units.append(clause)
            continue
        units.append([])
        word: list[str] = []
        for ph in clause:
            word.append(ph)
            if ph == " ":
                units.append(word)
                word = []
        if word:
            units.append(word)
    pieces: list[list[str]] = []
    current: list[str] = []
    for unit in units:
        if current and (not unit or len(current) + len(unit) > limit):
            pieces.append(current)
            current = []
        current += unit
        while len(current) > limit:
            pieces.append(current[:limit])
            current = current[limit:]
    if current:
        pieces.append(current)
    return [_strip_spaces(p) for p in pieces if _strip_spaces(p)]


def _strip_spaces(piece: list[str]) -> list[str]:
    start, end = 0, len(piece)
    while start < end and piece[start] == " ":
        start += 1
    while end > start and piece[end - 1] == " ":
        end -= 1
    return piece[start:end]


def length_scale_for(rate_wpm: int) -> float:
    """Piper's phoneme ``length_scale`` for a speaking rate in words a minute."""
    if rate_wpm <= 0:
        raise BadInput(f"speaking rate must be positive, not {rate_wpm} words a minute")
    low, high = LENGTH_SCALE_RANGE
    return min(high, max(low, NATURAL_WPM / rate_wpm))


class PiperBackend:
    name = "piper"

    def __init__(
        self, voice: str = "en_US-joe-medium", rate_wpm: int = 170, threads: int = 1
    ) -> None:
        files.check_installed()
        if threads < 1:
            raise BadInput(f"onnxruntime threads must be at least 1, not {threads}")
        self.voice = voice
        self.rate_wpm = rate_wpm
        self.threads = threads
        self.length_scale = length_scale_for(rate_wpm)
        self.model_path, self.config_path = files.resolve(voice)
        self._config = files.read_config(self.config_path)
        self.sample_rate = files.sample_rate(self._config, self.config_path)
        model_hash = _file_sha256(*_file_key(self.model_path))
        config_hash = _file_sha256(*_file_key(self.config_path))
        self.version = (
            f"piper-tts-{_piper_version()}+{self.model_path.stem}"
            f"-{model_hash[:16]}-{config_hash[:8]}"
        )
        self._piper: Any = None
        self._syn_config: Any = None

    def synthesize(self, text: str) -> bytes:
        if not text.strip():
            raise SynthesisError("cannot synthesise an empty string")
        voice = self._load()
        limit = max_phonemes(self.length_scale)
        parts = []
        try:
            for sentence in voice.phonemize(text):
                for piece in split_phonemes(sentence, limit):
                    ids = voice.phonemes_to_ids(piece)
                    parts.append(np.asarray(voice.phoneme_ids_to_audio(ids, self._syn_config)))
        except Exception as exc:  # onnxruntime and the phonemizer raise their own types
            raise SynthesisError(f"piper failed on {text[:60]!r}: {exc}") from exc
        audio = np.concatenate([p.reshape(-1) for p in parts]) if parts else np.zeros(0)
        return to_pcm16(audio, "piper", text)

    def _load(self) -> Any:
        """The PiperVoice with its onnxruntime session, created once per backend."""
        if self._piper is None:
            # Lazy: onnxruntime and piper come with the optional piper extra.
            import onnxruntime
            from piper import PiperVoice, SynthesisConfig  # lazy: as above
            from piper.config import PiperConfig  # lazy: as above

            options = session_options(self.threads)
            try:
                session = onnxruntime.InferenceSession(
                    str(self.model_path), sess_options=options, providers=["CPUExecutionProvider"]
                )
                config = PiperConfig.from_dict(self._config)
            except Exception as exc:  # onnxruntime raises its own exception types
                raise BadInput(f"cannot load Piper model {self.model_path}: {exc}") from exc
            self._piper = PiperVoice(session=session, config=config)
            self._syn_config = SynthesisConfig(length_scale=self.length_scale)
        return self._piper


def _piper_version() -> str:
    try:
        return dist_version("piper-tts")
    except PackageNotFoundError:
        return "unknown"


def _file_key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=16)
def _file_sha256(path: str, mtime_ns: int, size: int) -> str:
    """sha256 of a file, computed once per process for each (path, mtime, size)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
