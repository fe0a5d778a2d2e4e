"""Streaming MP3 encoding with LAME (lameenc): PCM goes in as it is made, frames come out.

One encoder for the whole episode keeps it gapless and holds only a few frames in memory.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import lameenc

from narration.errors import AudioError

ENCODER_DELAY_SAMPLES = 576 + 529
"""LAME's encoder delay plus the standard decoder delay: where the first input sample is
heard in the decoded stream when no gapless tag removes it (lameenc writes none)."""


QUALITY = 5
"""LAME's algorithm quality (0 best, 9 fastest): 5 is LAME's own "good quality, fast"."""


def frame_samples(sample_rate: int) -> int:
    """Samples in one Layer III frame: 1152 (MPEG-1, 32 kHz and up) or 576 (MPEG-2, 2.5)."""
    return 1152 if sample_rate >= 32000 else 576


def samples_in_frames(mp3_bytes: int, sample_rate: int, bitrate_kbps: int) -> int:
    """Decoded samples in a constant-bitrate stream of ``mp3_bytes`` (no tags).

    A Layer III frame holds 1152 samples (MPEG-1, 32 kHz and up) or 576 (MPEG-2 and 2.5)
    and takes samples/8 * bitrate / rate bytes; LAME pads frames so that the average is
    exact, so the frame count is the rounded quotient.
    """
    per_frame = frame_samples(sample_rate)
    frame_bytes = per_frame / 8 * bitrate_kbps * 1000 / sample_rate
    return round(mp3_bytes / frame_bytes) * per_frame


class Mp3Writer:
    """Encode 16-bit mono PCM to ``dest`` through a temporary file, renamed on success."""

    def __init__(
        self,
        dest: Path,
        sample_rate: int,
        bitrate_kbps: int,
        quality: int = QUALITY,
        tmp: Path | None = None,
    ) -> None:
        self.dest = dest
        self.tmp = tmp or dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
        self.samples = 0
        try:
            enc = lameenc.Encoder()
            enc.set_bit_rate(bitrate_kbps)
            enc.set_in_sample_rate(sample_rate)
            enc.set_channels(1)
            enc.set_quality(quality)
        except (RuntimeError, ValueError) as exc:
            raise AudioError(
                f"MP3 encoder refused {sample_rate} Hz / {bitrate_kbps} kbit/s"
            ) from exc
        self._enc = enc
        dest.parent.mkdir(parents=True, exist_ok=True)
        self._out: BinaryIO = open(self.tmp, "wb")  # noqa: SIM115 - closed in finish/abort

    def write(self, pcm: bytes) -> None:
        self.samples += len(pcm) // 2
        self._out.write(self._enc.encode(pcm))

    def finish(self) -> Path:
        """Flush the encoder and return the temporary file (the caller tags, then renames)."""
        self._out.write(self._enc.flush())
        self._out.flush()
        os.fsync(self._out.fileno())
        self._out.close()
        return self.tmp

    def abort(self) -> None:
        self._out.close()
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> Mp3Writer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self.abort()
