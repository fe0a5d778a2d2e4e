"""How natural an episode sounds: DNSMOS, Microsoft's predictor of listeners' opinion scores.

Two ONNX models from the PyPI package ``speechmos`` (in the ``check`` extra, weights inside
the wheel, nothing downloaded) score 9.01 s windows of 16 kHz audio: P.808 (``mos``, the
overall opinion of ITU-T P.808 listening tests) and P.835's overall quality (``ovrl``).
Each is averaged over the episode's whole 9.01 s windows, one after another (P.808 every
window, P.835 every third: its model costs ten times as much); a shorter episode is repeated
to fill one, as DNSMOS does. The audio is decoded as a stream: memory is one window's.

DNSMOS was trained on noise-suppressed speech, not synthetic voices: it is a coarse,
comparative figure (one voice against another on the same text), not a listening test.

The P.808 model's input is a log-mel spectrogram, computed here with numpy as DNSMOS
computes it with librosa (120 Slaney mel bands, 321-point periodic Hann window, hop 160,
centred with zero padding, power in dB against the window's maximum, floored 80 dB below
it, then ``(dB + 40) / 40``; the same as librosa 0.11 gives, within 1e-6), so the
listening check does not need librosa.
"""

from __future__ import annotations

import functools
import importlib.util
import subprocess
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from narration.errors import CheckError

SAMPLE_RATE = 16000
WINDOW = int(9.01 * SAMPLE_RATE)
"""Samples DNSMOS scores at once."""
N_FFT = 321
HOP = 160
N_MELS = 120

OVRL_STRIDE = 3
"""P.835's model costs ten times P.808's: it scores every third window (the first, fourth,
...), P.808 every one."""

MISSING = "the naturalness figure needs speechmos: pip install 'narration[check]'"

# P.835 scores are mapped by DNSMOS's own polynomial (not personalised).
_OVRL_POLY = (-0.06766283, 1.11546468, 0.04602535)


@dataclass(frozen=True)
class Naturalness:
    """An episode's DNSMOS scores, 1 (bad) to 5 (excellent)."""

    mos: float
    """P.808 overall opinion score."""
    ovrl: float
    """P.835 overall quality."""
    windows: int
    """9.01 s windows scored."""

    def to_json(self) -> dict[str, float]:
        return {"mos": self.mos, "ovrl": self.ovrl}


@functools.lru_cache(maxsize=1)
def _sessions(threads: int) -> tuple[Any, Any]:
    """(P.808, P.835) onnxruntime sessions, loaded once per process."""
    try:
        # Lazy: onnxruntime comes with the optional check extra.
        import onnxruntime

        models = files("speechmos") / "dnsmos_models"
    except ModuleNotFoundError as exc:
        raise CheckError(MISSING) from exc
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    try:
        return tuple(
            onnxruntime.InferenceSession(
                str(models / name), sess_options=options, providers=["CPUExecutionProvider"]
            )
            for name in ("model_v8.onnx", "sig_bak_ovr.onnx")
        )
    except Exception as exc:  # onnxruntime raises its own exception types
        raise CheckError(f"the DNSMOS models cannot be loaded: {exc}") from exc


def available() -> bool:
    return importlib.util.find_spec("speechmos") is not None


def _hz_to_mel(hz: Any) -> Any:
    # Lazy: numpy (~120 ms); the API server imports this module at start-up.
    import numpy as np

    hz = np.asarray(hz, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0
    mel = hz / f_sp
    log_part = min_log_mel + np.log(np.maximum(hz, min_log_hz) / min_log_hz) / logstep
    return np.where(hz >= min_log_hz, log_part, mel)


def _mel_to_hz(mel: Any) -> Any:
    # Lazy: numpy (~120 ms); the API server imports this module at start-up.
    import numpy as np

    mel = np.asarray(mel, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0
    return np.where(
        mel >= min_log_mel, min_log_hz * np.exp(logstep * (mel - min_log_mel)), mel * f_sp
    )


@functools.lru_cache(maxsize=1)
def _mel_filters() -> Any:
    """librosa.filters.mel(sr=16000, n_fft=321, n_mels=120): Slaney scale and norm."""
    # Lazy: numpy (~120 ms); the API server imports this module at start-up.
    import numpy as np

    fft_freqs = np.fft.rfftfreq(N_FFT, 1.0 / SAMPLE_RATE)
    mel_f = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(SAMPLE_RATE / 2), N_MELS + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2 : N_MELS + 2] - mel_f[:N_MELS]))[:, None]
    return weights


def log_mel(audio: Any) -> Any:
    """DNSMOS's P.808 features of ``audio`` (16 kHz floats): frames x 120."""
    # Lazy: numpy (~120 ms); the API server imports this module at start-up.
    import numpy as np

    padded = np.pad(audio.astype(np.float64), N_FFT // 2)
    frames = 1 + (len(padded) - N_FFT) // HOP
    index = np.arange(N_FFT)[None, :] + HOP * np.arange(frames)[:, None]
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)
    power = np.abs(np.fft.rfft(padded[index] * window, axis=1)) ** 2
    mel = power @ _mel_filters().T
    db = 10 * np.log10(np.maximum(mel, 1e-10))
    db -= 10 * np.log10(max(float(mel.max()), 1e-10))
    db = np.maximum(db, db.max() - 80.0)
    return ((db + 40) / 40).astype(np.float32)


def score_p808(window: Any, threads: int = 1) -> float:
    """P.808 of one window of exactly :data:`WINDOW` samples."""
    # Lazy: numpy (~120 ms); the API server imports this module at start-up.
    import numpy as np

    features = log_mel(window[:-HOP])[np.newaxis]
    return float(_sessions(threads)[0].run(None, {"input_1": features})[0][0][0])


def score_ovrl(window: Any, threads: int = 1) -> float:
    """P.835's overall quality of one window of exactly :data:`WINDOW` samples."""
    # Lazy: numpy (~120 ms); the API server imports this module at start-up.
    import numpy as np

    raw = _sessions(threads)[1].run(None, {"input_1": window.astype(np.float32)[np.newaxis]})
    return float(np.polyval(_OVRL_POLY, float(raw[0][0][2])))


def naturalness(audio: Path, threads: int = 1) -> Naturalness:
    """The DNSMOS scores of an audio file, decoded by ffmpeg as a stream."""
    # Lazy: numpy (~120 ms); the API server imports this module at start-up.
    import numpy as np

    if not available():
        raise CheckError(MISSING)
    command = ["ffmpeg", "-v", "error", "-nostdin", "-i", str(audio), "-f", "s16le",
               "-ac", "1", "-ar", str(SAMPLE_RATE), "-"]  # fmt: skip
    mos: list[float] = []
    ovrl: list[float] = []
    first = np.zeros(0, dtype=np.float32)
    try:
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as ffmpeg:
            assert ffmpeg.stdout is not None
            while data := ffmpeg.stdout.read(WINDOW * 2):
                window = np.frombuffer(data[: len(data) // 2 * 2], "<i2").astype(np.float32)
                window /= 32768.0
                if len(window) == WINDOW:
                    if len(mos) % OVRL_STRIDE == 0:
                        ovrl.append(score_ovrl(window, threads))
                    mos.append(score_p808(window, threads))
                elif not mos:
                    first = window
            problem = ffmpeg.stderr.read().decode(errors="replace") if ffmpeg.stderr else ""
        if ffmpeg.returncode != 0:
            raise CheckError(f"{audio.name}: cannot decode the audio: {problem.strip()[:200]}")
    except OSError as exc:
        raise CheckError(f"{audio.name}: cannot decode the audio: {exc}") from exc
    if not mos:
        if not first.size:
            raise CheckError(f"{audio.name}: no audio to score")
        repeated = np.tile(first, -(-WINDOW // len(first)))[:WINDOW]
        mos.append(score_p808(repeated, threads))
        ovrl.append(score_ovrl(repeated, threads))
    return Naturalness(round(sum(mos) / len(mos), 3), round(sum(ovrl) / len(ovrl), 3), len(mos))


def episode_naturalness(audio: Path, threads: int = 1) -> dict[str, float] | None:
    """The check's ``naturalness``: :func:`naturalness` as JSON, None without speechmos."""
    if not available():
        return None
    return naturalness(audio, threads).to_json()
